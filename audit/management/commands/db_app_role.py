from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.roles import app_role_ensure, app_role_grant


class Command(BaseCommand):
    help = (
        "Run as the tables' owner after migrate: create the app's PostgreSQL role named in "
        "DATABASE_APP_URL if missing and grant it what it needs, with only INSERT and SELECT on "
        "the log tables"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-create",
            action="store_true",
            help="Only grant: the role exists already (made by a database administrator)",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The app's database role exists on PostgreSQL only.")
        app = settings.DATABASE_APP
        if not app:
            raise CommandError(
                "Set DATABASE_APP_URL to the app's connection, e.g. "
                "postgres://familyconnect_app:password@db:5432/familyconnect"
            )
        if app["USER"] == connection.settings_dict["USER"]:
            raise CommandError(
                "DATABASE_APP_URL names the owner's role: the app must connect as another role."
            )
        try:
            if not options["no_create"]:
                created = app_role_ensure(role=app["USER"], password=app["PASSWORD"])
                self.stdout.write(f"{'Created' if created else 'Updated'} role {app['USER']}.")
            app_role_grant(role=app["USER"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Granted {app['USER']} the app's privileges; on the log tables only INSERT and SELECT."
        )
