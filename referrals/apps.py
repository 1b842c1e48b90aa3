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

        # A Family Network Meeting referral can start from a consultation (docs/plans.md); the
        # plans app opens it through this rather than importing the front door.
        from plans.sources import consultation_opener_register
        from referrals.work import consultation_for_network_referral

        consultation_opener_register(consultation_for_network_referral)

        # The statutory returns read referral sources and contacts through their registry.
        from referrals import returns
        from returns.providers import FrontDoorProvider, front_door_provider_register

        front_door_provider_register(
            FrontDoorProvider(referral_sources=returns.referral_sources, contacts=returns.contacts)
        )
