from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Consultations and referrals"

    def ready(self):
        # The child's record lists their consultations and levels of need; the people app asks
        # its registered providers rather than importing this app (people.work).
        from people.work import person_work_register
        from referrals.work import consultation_work, level_work

        person_work_register(consultation_work)
        person_work_register(level_work)
        # The statutory returns read referral sources and contacts through their registry.
        from referrals import returns
        from returns.providers import FrontDoorProvider, front_door_provider_register

        front_door_provider_register(
            FrontDoorProvider(referral_sources=returns.referral_sources, contacts=returns.contacts)
        )
