import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.chain import chain_verify, chained_models


def _anchor(value: str) -> tuple[str, int, str]:
    table, seq, digest = value.split(":")
    return table, int(seq), digest


class Command(BaseCommand):
    help = (
        "Walk the hash chain of every log table (the access log, the information-sharing log) "
        "and name the first row changed or removed since it was written"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            type=_anchor,
            default=[],
            metavar="TABLE:ROW:HASH",
            help="A row and hash an earlier run printed, kept outside the database: the chain "
            "must still reach it unchanged (shows rows cut from the end, or a rebuilt chain)",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The logs are hash-chained on PostgreSQL only; this database has no chain to verify."
            )
        anchors = {table: (seq, digest) for table, seq, digest in options["anchor"]}
        broken = []
        for model in chained_models():
            started = time.perf_counter()
            table = model._meta.db_table
            report = chain_verify(model, anchor=anchors.get(table))
            seconds = time.perf_counter() - started
            name = model._meta.verbose_name
            if report.intact:
                self.stdout.write(
                    f"{name} ({table}): {report.rows} rows verified in {seconds:.1f} s; "
                    f"anchor {table}:{report.last_seq}:{report.last_hash or '-'}"
                )
                continue
            broken.append(name)
            where = f"BROKEN at row {report.broken_seq} of the chain"
            if report.broken_row:
                where += f" (id {report.broken_row}): it"
            else:
                where += ": the table"
            self.stderr.write(
                f"{name} ({table}): {where} {report.problem}. "
                f"{report.rows} rows before it verified."
            )
        if broken:
            raise CommandError(f"The hash chain is broken in: {', '.join(broken)}")
