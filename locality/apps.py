from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _memberships_changed(**kwargs) -> None:
    # A request that changes a membership reads the user's teams afresh after it
    # (locality.selectors.memberships_current keeps them for the request).
    from familyfirst.middleware import per_request_forget

    per_request_forget()


class LocalityConfig(AppConfig):
    name = "locality"
    verbose_name = "Localities and teams"

    def ready(self):
        from locality.models import TeamMembership

        post_save.connect(_memberships_changed, sender=TeamMembership, dispatch_uid="saved")
        post_delete.connect(_memberships_changed, sender=TeamMembership, dispatch_uid="deleted")
