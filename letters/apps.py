from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Consultation feedback letters"

    def ready(self):
        from letters import checks  # noqa: F401 - registers the deployment check
