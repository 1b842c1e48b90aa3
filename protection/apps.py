from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "protection"
    verbose_name = "Child protection (MACPT)"
