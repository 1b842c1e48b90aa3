from django.core.management.base import BaseCommand

from locality.services import reference_data_load


class Command(BaseCommand):
    help = "Create Warwickshire's areas, districts and teams where missing, and the routing rules if there are none"

    def handle(self, *args, **options):
        created = reference_data_load()
        self.stdout.write(
            "Reference data: created {areas} areas, {districts} districts, {teams} teams, "
            "{routing_rules} routing rules".format(**created)
        )
