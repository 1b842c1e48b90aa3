from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        # Case workers see the people on their teams' cases. The people app asks its registered
        # scopes rather than importing this app (docs/cases.md, "Who sees what").
        from cases.selectors import people_on_cases_visible_to
        from people.scope import person_scope_register

        person_scope_register(people_on_cases_visible_to)

        # The child's record lists their cases (people.work, docs/front-door.md).
        from cases.work import case_work
        from people.work import person_work_register

        person_work_register(case_work)
