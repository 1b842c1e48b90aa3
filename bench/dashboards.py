"""Time the team caseload and the front-door dashboard at 1,000 and at 300,000 cases.

    .venv/bin/python bench/dashboards.py                        # 1,000 then 300,000 cases
    .venv/bin/python bench/dashboards.py --sizes 1000 50000 --renders 20

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench_dashboards: a database of
its own, which it drops and migrates afresh, so never point it at one you care about). Seeds in
SQL (INSERT ... SELECT over generate_series) the cases of five years across every team: for each
case a child, the referral consultation that opened it and an advice-only call, one case in
twenty still open (allocated to the team's workers, with a task), a feedback letter for a third
of the referrals and a consent exception for one in fifty. Then renders, through Django's test
client signed in as the personas with two-factor verification done:

- /dashboards/teams/family-help-rugby/caseload/ as the Rugby team manager;
- /dashboards/front-door/ as the Family Connect manager (the last 28 days), and over a year;
- /dashboards/teams/family-help-rugby/timeliness/ (the last six months).

The front door's daily contact summary (docs/adr/0011) is filled for every past day after the
seed, through the task the beat runs. Reports p50/p95 ms and SQL statements per render at each
size, and the load average before and after each size's renders (the machine is shared). Targets: p95 at most 300 ms,
at most 20 statements, and the same statements at every size. Writes bench/results/dashboards.json.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    DatabaseTimer,
    environment_set,
    fresh_database,
    percentile,
    summary,
)

environment_set(DATABASE_URL="postgres://postgres@127.0.0.1:5432/fc_bench_dashboards")
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 300
TARGET_STATEMENTS = 20
WORKERS_PER_TEAM = 8

fresh_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.personas import PERSONAS_BY_KEY  # noqa: E402
from accounts.services import persona_user_ensure  # noqa: E402
from conftest import FAST_HASHERS, verified_client  # noqa: E402
from locality.models import MembershipRole, Team, TeamMembership, TeamType  # noqa: E402
from locality.services import reference_data_load  # noqa: E402

SEED_SQL = """
WITH numbers AS (
    SELECT n,
           now() - make_interval(mins => ((n::bigint * 7919) %% (5 * 365 * 24 * 60))::int) AS received,
           (n %% %(teams)s) + 1 AS team_index
    FROM generate_series(%(first)s, %(last)s) AS n
)
INSERT INTO {table} ({columns})
SELECT {values} FROM numbers
"""

PERSON = (
    "people_person",
    "id, given_name, family_name, restricted, restriction_category, created_at, disabilities,"
    " ethnicity, first_language, gender, interpreter_needed, la_child_id, nhs_number, religion,"
    " school_or_setting, sex, upn",
    "md5('person' || n)::uuid, 'Bench', 'Child ' || n, false, '', received, '[]'::jsonb, '', '',"
    " '', false, '', '', '', '', (ARRAY['M','F'])[1 + n %% 2], ''",
)
CONSULTATION_COLUMNS = (
    "id, reference, status, channel, received_at, decision_due_at, decided_at, completed_at,"
    " purpose, purpose_detail, caller_name, caller_role, caller_agency_type, caller_organisation,"
    " caller_phone, caller_email, caller_relationship, caller_anonymous, concerns,"
    " child_location_now, safe_now, family_knows, child_views, strengths, action_plan,"
    " typed_not_saved, version, created_at, updated_at, practitioner_id"
)


def _consultation(kind: str, purpose: str, offset_minutes: int):
    received = f"(received - interval '{offset_minutes} minutes')"
    decided = f"({received} + make_interval(hours => (n %% 30)))"
    return (
        "referrals_consultation",
        CONSULTATION_COLUMNS,
        f"md5('c{kind}' || n)::uuid, 'BD-' || n || '-{kind}', 'COMPLETE', 'TELEPHONE', {received},"
        f" {received} + interval '1 day', {decided}, {decided}, '{purpose}', '', 'Caller', '',"
        " (ARRAY['SCHOOL','POLICE','GP','HEALTH_VISITOR','FAMILY_MEMBER','HOUSING','EARLY_HELP',"
        "'OTHER'])[1 + n %% 8], '', '', '', '', false, 'Synthetic benchmark concerns', '', '',"
        " '', '', '', '', '{}', 1, received, received,"
        " (%(practitioners)s::bigint[])[1 + n %% %(practitioner_count)s]",
    )


LINK_COLUMNS = (
    "id, outcome, services_signposted, outcome_rationale, routing_postcode, routing_reasons,"
    " urgent, authorisation, manager_note, child_id, consultation_id, main_concern,"
    " severe_disability, team_id"
)
REFERRAL_LINK = (
    "referrals_consultationchild",
    LINK_COLUMNS,
    "md5('lr' || n)::uuid,"
    " (ARRAY['EARLY_SUPPORT_REFERRAL','FAMILY_HELP_ASSESSMENT','IMMEDIATE_PROTECTION'])[1 + n %% 3],"
    " '', '', '', '[]'::jsonb, false, 'AUTHORISED', '', md5('person' || n)::uuid,"
    " md5('cR' || n)::uuid, '', false, (%(team_ids)s::bigint[])[team_index]",
)
ADVICE_LINK = (
    "referrals_consultationchild",
    LINK_COLUMNS,
    "md5('la' || n)::uuid, (ARRAY['ADVICE','SINGLE_AGENCY'])[1 + n %% 2], '', '', '',"
    " '[]'::jsonb, false, 'NOT_NEEDED', '', md5('person' || n)::uuid, md5('cA' || n)::uuid, '',"
    " false, NULL",
)
OPEN = "received > now() - interval '100 days'"
CASE = (
    "cases_case",
    "id, status, urgent, referral_date, assessment_due_date, opened_at, child_id, team_id,"
    " closure_note, closure_reason, level, sent_back_reason, transfer_note, transfer_reason,"
    " opened_by_id, first_referral_id, allocated_to_id, closed_at, re_referral_of_id,"
    " primary_need, referral_nfa",
    f"md5('case' || n)::uuid,"
    f" CASE WHEN {OPEN} THEN (CASE WHEN n %% 5 = 0 THEN 'UNALLOCATED' ELSE 'ALLOCATED' END)"
    " ELSE 'CLOSED' END, false, (received AT TIME ZONE 'Europe/London')::date,"
    " (received AT TIME ZONE 'Europe/London')::date + 63, received, md5('person' || n)::uuid,"
    " (%(team_ids)s::bigint[])[team_index], '',"
    f" CASE WHEN {OPEN} THEN '' ELSE 'RC7' END,"
    " (ARRAY['EARLY_SUPPORT','FAMILY_HELP','IMMEDIATE_PROTECTION'])[1 + n %% 3], '', '', '',"
    " md5('lr' || n)::uuid, md5('lr' || n)::uuid,"
    f" CASE WHEN {OPEN} AND n %% 5 <> 0 THEN (%(workers)s::bigint[])"
    f"[(team_index - 1) * {WORKERS_PER_TEAM} + 1 + (n / 7) %% {WORKERS_PER_TEAM}] END,"
    f" CASE WHEN {OPEN} THEN NULL ELSE received + make_interval(days => 1 + n %% 90) END,"
    " CASE WHEN n %% 8 = 0 AND n > %(first)s THEN md5('case' || (n - 1))::uuid END, '', false",
)
TASK = (
    "cases_casetask",
    "title, due_date, created_at, assigned_to_id, case_id, created_by_id",
    "'Visit the family', (received AT TIME ZONE 'Europe/London')::date + 20, received,"
    f" (%(workers)s::bigint[])[(team_index - 1) * {WORKERS_PER_TEAM} + 1 + n %% {WORKERS_PER_TEAM}],"
    " md5('case' || n)::uuid,"
    f" (%(workers)s::bigint[])[(team_index - 1) * {WORKERS_PER_TEAM} + 1]",
)
LETTER = (
    "letters_letter",
    "id, version, status, status_reason, audience, recipient_name, recipient_organisation,"
    " recipient_email, reason, claims, failures, last_error, pdf_sha256, title, queued_at,"
    " consultation_id, requested_by_id, sent_at, opened_at, failed_at",
    "md5('letter' || n)::uuid, 1,"
    " CASE WHEN n %% 10 = 0 THEN 'FAILED' WHEN n %% 10 < 4 THEN 'OPENED' ELSE 'SENT' END, '',"
    " 'PROFESSIONAL', 'Referrer', '', 'referrer@example.org', 'Decision made', 0, 0,"
    " CASE WHEN n %% 10 = 0 THEN 'Mailbox full' ELSE '' END, '', '', received + interval '3 hours',"
    " md5('cR' || n)::uuid, (%(practitioners)s::bigint[])[1 + n %% %(practitioner_count)s],"
    " CASE WHEN n %% 10 <> 0 THEN received + interval '3 hours' END,"
    " CASE WHEN n %% 10 BETWEEN 1 AND 3 THEN received + interval '1 day' END,"
    " CASE WHEN n %% 10 = 0 THEN received + interval '4 hours' END",
)
EXCEPTION = (
    "consent_consentexception",
    "id, purpose, reason, rationale, decided_at, family_told, not_told_reason, child_id,"
    " decided_by_id, approved_by_id, approved_at",
    "md5('exception' || n)::uuid, 'REFERRAL',"
    " (ARRAY['CANNOT_OBTAIN','CHILD_PROTECTION'])[1 + n %% 2], 'Synthetic reasons', received,"
    " 'NOT_YET', '', md5('person' || n)::uuid,"
    " (%(practitioners)s::bigint[])[1 + n %% %(practitioner_count)s], %(manager)s,"
    " received + make_interval(hours => n %% 48)",
)


def _insert(cursor, spec, params, where: str = "") -> int:
    table, columns, values = spec
    sql = SEED_SQL.format(table=table, columns=columns, values=values) + (
        f" WHERE {where}" if where else ""
    )
    cursor.execute(sql, params)
    return cursor.rowcount


def _staff():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        reference_data_load()
        for key in ("team_manager", "fc_manager", "practitioner"):
            persona_user_ensure(
                persona=PERSONAS_BY_KEY[key], password="bench", start_date=timezone.localdate()
            )
    teams = list(Team.objects.exclude(team_type=TeamType.FAMILY_CONNECT).order_by("pk"))
    workers = []
    for team in teams:
        for number in range(WORKERS_PER_TEAM):
            user = User.objects.create(
                username=f"bench.{team.slug}.{number}",
                first_name="Bench",
                last_name=f"Worker {number}",
                role=Role.FHLP,
            )
            TeamMembership.objects.create(
                user=user,
                team=team,
                role_in_team=MembershipRole.MEMBER,
                start_date=dt.date(2020, 1, 1),
            )
            workers.append(user.pk)
    practitioners = [User.objects.get(username=PERSONAS_BY_KEY["practitioner"].username).pk]
    practitioners += [
        User.objects.create(username=f"bench.fc.{n}", role=Role.FC_PRACTITIONER).pk
        for n in range(9)
    ]
    manager = User.objects.get(username=PERSONAS_BY_KEY["fc_manager"].username)
    return teams, workers, practitioners, manager


def seed(*, first: int, last: int, teams, workers, practitioners, manager) -> dict:
    started = time.perf_counter()
    params = {
        "first": first,
        "last": last,
        "teams": len(teams),
        "team_ids": [team.pk for team in teams],
        "workers": workers,
        "practitioners": practitioners,
        "practitioner_count": len(practitioners),
        "manager": manager.pk,
    }
    rows = {}
    with connection.cursor() as cursor:
        rows["people"] = _insert(cursor, PERSON, params)
        rows["consultations"] = _insert(cursor, _consultation("R", "REFERRAL", 0), params)
        rows["consultations"] += _insert(cursor, _consultation("A", "ADVICE", 600), params)
        # A bulk load, as an import would be: the summary's triggers are off while the rows go
        # in, and the summary is filled for every past day afterwards (as the backfill does).
        cursor.execute(f"ALTER TABLE referrals_consultationchild DISABLE TRIGGER {CHILD_TRIGGER}")
        rows["consultation_children"] = _insert(cursor, REFERRAL_LINK, params)
        rows["consultation_children"] += _insert(cursor, ADVICE_LINK, params)
        cursor.execute(f"ALTER TABLE referrals_consultationchild ENABLE TRIGGER {CHILD_TRIGGER}")
        rows["cases"] = _insert(cursor, CASE, params)
        rows["tasks"] = _insert(cursor, TASK, params, where=OPEN)
        rows["letters"] = _insert(cursor, LETTER, params, where="n %% 3 = 0")
        rows["consent_exceptions"] = _insert(cursor, EXCEPTION, params, where="n %% 50 = 0")
    rows["seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    rows["summary_rows"] = summarise_every_past_day()
    rows["summary_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans need it
    return rows


CHILD_TRIGGER = "dashboards_consultation_child_changed"


def summarise_every_past_day() -> int:
    """Fill the front door's daily contact summary for every day before today, through the same
    refresh the beat task and ``manage.py contact_days_backfill`` run."""
    from dashboards.models import ContactDay
    from dashboards.tasks import contact_days_refresh
    from referrals.models import Consultation

    first = Consultation.objects.order_by("received_at").values_list("received_at", flat=True)[0]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    day, days = timezone.localdate(first), []
    while day <= yesterday:
        days.append(day.isoformat())
        day += dt.timedelta(days=1)
    contact_days_refresh(days)  # run here, as the worker runs it
    return ContactDay.objects.count()


def time_page(client, url, renders, *, cold: bool = False):
    """``cold``: every chart drawn afresh each render (as when the figures have just changed),
    rather than reused from the drawing cache (dashboards.charts)."""
    from dashboards.charts import _drawn

    for _ in range(3):  # warm caches, templates and the connection; not counted
        client.get(url)
    timings, statements = [], []
    for _ in range(renders):
        if cold:
            _drawn.cache_clear()
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        statements.append(timer.statements)
    return {
        "url": url,
        "renders": renders,
        "charts": "drawn afresh every render" if cold else "unchanged charts reused",
        "page_time": summary(timings),
        "sql_statements_per_render": max(statements),
        "meets_target": percentile(timings, 95) <= TARGET_P95_MS
        and max(statements) <= TARGET_STATEMENTS,
    }


def measure(renders: int) -> dict:
    manager = verified_client(User.objects.get(username=PERSONAS_BY_KEY["team_manager"].username))
    fc = verified_client(User.objects.get(username=PERSONAS_BY_KEY["fc_manager"].username))
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=364)
    a_year = (
        f"?start_0={year_ago.day}&start_1={year_ago.month}&start_2={year_ago.year}"
        f"&end_0={today.day}&end_1={today.month}&end_2={today.year}"
    )
    rugby = "/dashboards/teams/family-help-rugby"
    return {
        "team_caseload": time_page(manager, f"{rugby}/caseload/", renders),
        "team_timeliness": time_page(manager, f"{rugby}/timeliness/", renders),
        "front_door_28_days": time_page(fc, "/dashboards/front-door/", renders),
        "front_door_a_year": time_page(fc, f"/dashboards/front-door/{a_year}", renders),
        "team_caseload_charts_drawn_afresh": time_page(
            manager, f"{rugby}/caseload/", renders, cold=True
        ),
        "front_door_28_days_charts_drawn_afresh": time_page(
            fc, "/dashboards/front-door/", renders, cold=True
        ),
        "front_door_a_year_charts_drawn_afresh": time_page(
            fc, f"/dashboards/front-door/{a_year}", renders, cold=True
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 300_000])
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args()

    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    migrated = round(time.perf_counter() - started, 1)
    teams, workers, practitioners, manager = _staff()
    runs, done = [], 0
    for size in sorted(args.sizes):
        seeded = seed(
            first=done + 1,
            last=size,
            teams=teams,
            workers=workers,
            practitioners=practitioners,
            manager=manager,
        )
        done = size
        from cases.models import Case

        runs.append(
            {
                "cases": Case.objects.count(),
                "open_cases_in_rugby": Case.objects.filter(
                    team__slug="family-help-rugby",
                    status__in=["INCOMING", "UNALLOCATED", "ALLOCATED"],
                ).count(),
                "seeded": seeded,
                "load_average_before": [round(x, 2) for x in os.getloadavg()],
                "pages": measure(args.renders),
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
        print(json.dumps(runs[-1], indent=2))
    pages = [name for name in runs[0]["pages"]]
    figures = {
        "runs": runs,
        "same_statements_at_every_size": {
            page: len({run["pages"][page]["sql_statements_per_render"] for run in runs}) == 1
            for page in pages
        },
        "meets_targets": all(run["pages"][p]["meets_target"] for run in runs for p in pages),
        "target_p95_ms": TARGET_P95_MS,
        "target_sql_statements": TARGET_STATEMENTS,
        "migrate_seconds": migrated,
        "database": connection.settings_dict["NAME"],
        "machine": f"{os.cpu_count()} cores, shared",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboards.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
