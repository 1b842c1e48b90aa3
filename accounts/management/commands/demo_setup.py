from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.personas import PERSONAS
from accounts.services import persona_user_ensure
from familyfirst.demo_cases import demo_cases_ensure
from familyfirst.demo_protection import demo_protection_ensure
from locality.services import reference_data_load
from pathway.demo import demo_assessments_ensure
from people.demo import demo_families_ensure
from plans.demo import demo_plans_ensure

DEMO_PASSWORD = "family-connect-demo"  # noqa: S105 - synthetic demo accounts, refused with DEBUG off


class Command(BaseCommand):
    help = "Load reference data and create one demo login per role (DEBUG only)"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo logins are only created with DEBUG=true; they share a known password."
            )
        reference_data_load()
        start = timezone.localdate().replace(month=1, day=1)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for persona in PERSONAS:
            persona_user_ensure(persona=persona, password=DEMO_PASSWORD, start_date=start)
            team = f", {persona.team_slug}" if persona.team_slug else ""
            self.stdout.write(f"  {persona.username:<22} {persona.job_title}{team}")
        families = demo_families_ensure(created_by=User.objects.get(username=PERSONAS[0].username))
        if families:
            self.stdout.write(f"\nAdded {families} synthetic families to search for and refer.")
        cases = demo_cases_ensure()
        if cases:
            self.stdout.write(
                f"Added {cases} cases: Rugby, Warwick and MACPT North each have a caseload."
            )
        if demo_protection_ensure():
            self.stdout.write("MACPT North has a Section 47 enquiry under way, on its clock.")
        if demo_assessments_ensure():
            self.stdout.write("Added a Family Help Assessment in progress on a Rugby case.")
        if demo_plans_ensure():
            self.stdout.write("Added a Family Help plan and a Family Network referral in Rugby.")
        if settings.REQUIRE_MFA:
            self.stdout.write(
                "\nTwo-factor sign-in is on: each login pairs an authenticator app the first time."
            )
        else:
            self.stdout.write("\nTwo-factor sign-in is OFF for this demo (REQUIRE_MFA=false).")
