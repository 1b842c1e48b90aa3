import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.chain import chain_verify, chained_models


class Command(BaseCommand):
    help = (
        "Walk the hash chain of every log table (the access log, the information-sharing log) "
        "and name the first row changed or removed since it was written"
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The logs are hash-chained on PostgreSQL only; this database has no chain to verify."
            )
        broken = []
        for model in chained_models():
            started = time.perf_counter()
            report = chain_verify(model)
            seconds = time.perf_counter() - started
            name = model._meta.verbose_name
            if report.intact:
                self.stdout.write(
                    f"{name} ({report.table}): {report.rows} rows verified in {seconds:.1f} s; "
                    f"chain head row {report.head_seq}, hash {report.head_hash or '(none)'}"
                )
            else:
                broken.append(name)
                self.stderr.write(
                    f"{name} ({report.table}): BROKEN at row {report.broken_seq} of the chain "
                    f"(id {report.broken_row or 'none'}): it {report.problem}. "
                    f"{report.rows} rows before it verified."
                    if report.broken_row
                    else f"{name} ({report.table}): BROKEN: the table {report.problem}. "
                    f"{report.rows} rows verified."
                )
        if broken:
            raise CommandError(f"The hash chain is broken in: {', '.join(broken)}")
