"""Time the CIN census (built and checked with the DfE's rules) and Annex A at 300,000 cases.

    .venv/bin/python bench/returns.py                  # 300,000 cases over five years
    .venv/bin/python bench/returns.py --cases 30000    # smaller and quicker
    .venv/bin/python bench/returns.py --no-seed        # time again over the last seed

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench_returns: a database of its
own, which it drops and migrates afresh, so never point it at one you care about). Seeds in SQL
(INSERT ... SELECT over generate_series) one case a child over five years across every team, a
third each at Early Support, Family Help and child protection level, each opened by a front-door
referral: for the Family Help and child protection cases a signed-off assessment with factors,
for Family Help a CIN plan, for child protection a strategy discussion, a Section 47 enquiry, an
initial conference, a plan and a review. Cases received in the last 100 days are still open.

Then, in this process, as the Celery task does: the census for the collection year that ended on
the last 31 March (written with returns.census.write_census, validated with the year's rule set),
and Annex A for the 12 months to the end of last month. Reports seconds and the peak resident
memory of the process (resource.getrusage) after each. Targets: census built and validated in at
most 300 s, peak memory at most 2 GB; Annex A in at most 120 s. Writes bench/results/returns.json.
"""

import argparse
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import environment_set, fresh_database  # noqa: E402

environment_set(DATABASE_URL="postgres://postgres@127.0.0.1:5432/fc_bench_returns")
RESULTS = ROOT / "bench" / "results"
TARGET_CENSUS_S = 300
TARGET_ANNEX_A_S = 120
TARGET_PEAK_MB = 2048


PARSER = argparse.ArgumentParser()
PARSER.add_argument("--cases", type=int, default=300_000)
PARSER.add_argument(
    "--no-seed", action="store_true", help="time again over the last run's database, unchanged"
)
ARGS = PARSER.parse_args()
if not ARGS.no_seed:
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
from conftest import FAST_HASHERS  # noqa: E402
from locality.models import Team, TeamType  # noqa: E402
from locality.services import reference_data_load  # noqa: E402

# Each row n: a child, a referral call, its link, a case. "received" spreads n over five years.
NUMBERS = """
WITH numbers AS (
    SELECT n,
           now() - make_interval(mins => ((n::bigint * 7919) %% (5 * 365 * 24 * 60))::int) AS received,
           (n %% %(teams)s) + 1 AS team_index,
           n %% 3 AS kind
    FROM generate_series(1, %(cases)s) AS n
), rows AS (
    SELECT *, (received AT TIME ZONE 'Europe/London')::date AS referred,
           received > now() - interval '100 days' AS still_open
    FROM numbers
)
INSERT INTO {table} ({columns})
SELECT {values} FROM rows
"""
# The initial conference: two weeks after the referral, moved off a weekend (rule 8875).
ICPC = "(referred + 14 + (CASE extract(isodow FROM referred + 14) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END)::int)"
SPECS = [
    (
        "people_person",
        "id, given_name, family_name, restricted, restriction_category, created_at, disabilities,"
        " ethnicity, first_language, gender, interpreter_needed, la_child_id, nhs_number, religion,"
        " school_or_setting, sex, upn, date_of_birth",
        "md5('person' || n)::uuid, 'Bench', 'Child ' || n, false, '', received,"
        " (ARRAY['[\"NONE\"]','[\"AUT\"]','[\"LD\"]'])[1 + n %% 3]::jsonb,"
        " (ARRAY['WBRI','AIND','BAFR','MWBC','WOTH'])[1 + n %% 5], '', '', false, 'B' || n, '',"
        " '', '', (ARRAY['M','F'])[1 + n %% 2], '', referred - (400 + n %% 5000)",
        "",
    ),
    (
        "referrals_consultation",
        "id, reference, status, channel, received_at, decision_due_at, decided_at, completed_at,"
        " purpose, purpose_detail, caller_name, caller_role, caller_agency_type,"
        " caller_organisation, caller_phone, caller_email, caller_relationship, caller_anonymous,"
        " concerns, child_location_now, safe_now, family_knows, child_views, strengths,"
        " action_plan, typed_not_saved, version, created_at, updated_at, practitioner_id",
        "md5('call' || n)::uuid, 'BR-' || n, 'COMPLETE', 'TELEPHONE', received,"
        " received + interval '1 day', received + interval '2 hours', received + interval '2 hours',"
        " 'REFERRAL', '', 'Caller', '', (ARRAY['SCHOOL','POLICE','GP','HEALTH_VISITOR',"
        "'FAMILY_MEMBER','HOUSING','EARLY_HELP','OTHER'])[1 + n %% 8], '', '', '', '', false,"
        " 'Synthetic benchmark concerns', '', '', '', '', '', '', '{}', 1, received, received,"
        " %(practitioner)s",
        "",
    ),
    (
        "referrals_consultationchild",
        "id, outcome, services_signposted, outcome_rationale, routing_postcode, routing_reasons,"
        " urgent, authorisation, manager_note, child_id, consultation_id, main_concern,"
        " severe_disability, team_id",
        "md5('link' || n)::uuid, (ARRAY['EARLY_SUPPORT_REFERRAL','FAMILY_HELP_ASSESSMENT',"
        "'IMMEDIATE_PROTECTION'])[1 + kind], '', '', '', '[]'::jsonb, false, 'AUTHORISED', '',"
        " md5('person' || n)::uuid, md5('call' || n)::uuid, '', false,"
        " (%(team_ids)s::bigint[])[team_index]",
        "",
    ),
    (
        "cases_case",
        "id, status, urgent, referral_date, assessment_due_date, opened_at, child_id, team_id,"
        " closure_note, closure_reason, level, sent_back_reason, transfer_note, transfer_reason,"
        " opened_by_id, first_referral_id, allocated_to_id, closed_at, primary_need, referral_nfa",
        "md5('case' || n)::uuid, CASE WHEN still_open THEN 'ALLOCATED' ELSE 'CLOSED' END, false,"
        " referred, referred + 63, received, md5('person' || n)::uuid,"
        " (%(team_ids)s::bigint[])[team_index], '', CASE WHEN still_open THEN '' ELSE 'RC7' END,"
        " (ARRAY['EARLY_SUPPORT','FAMILY_HELP','IMMEDIATE_PROTECTION'])[1 + kind], '', '', '',"
        " md5('link' || n)::uuid, md5('link' || n)::uuid, %(worker)s,"
        " CASE WHEN still_open THEN NULL ELSE received + make_interval(days => 60 + n %% 30) END,"
        " CASE WHEN kind = 2 THEN 'N1' ELSE 'N4' END, false",
        "",
    ),
    (
        "pathway_assessment",
        "id, kind, start_date, due_date, authorised_date, started_at, case_id, started_by_id",
        "md5('assessment' || n)::uuid, CASE WHEN kind = 0 THEN 'ESA' ELSE 'FHA' END,"
        " referred + 1, referred + 64, CASE WHEN referred + 21 < current_date THEN referred + 21 END,"
        " received + interval '1 day', md5('case' || n)::uuid, %(worker)s",
        "",
    ),
    (
        "pathway_assessment_children",
        "assessment_id, person_id",
        "md5('assessment' || n)::uuid, md5('person' || n)::uuid",
        "",
    ),
    (
        "pathway_assessmentversion",
        "id, number, status, revision, created_at, updated_at, revisit_reason, child_views_how,"
        " context_housing, context_income, context_other, family_agreement, family_words,"
        " factors, spectrum_level, spectrum_reason, sign_off_note, returned_note, assessment_id,"
        " author_id, signed_off_by_id, signed_off_at, updated_by_id",
        "md5('version' || n)::uuid, 1, 'SIGNED_OFF', 0, received, received, '', '', '', '', '',"
        " 'AGREE', '', (ARRAY['[\"4B\"]','[\"3B\",\"1B\"]','[\"16A\"]'])[1 + n %% 3]::jsonb,"
        " 'FAMILY_HELP', '', '', '', md5('assessment' || n)::uuid, %(worker)s, %(manager)s,"
        " received + interval '21 days', %(worker)s",
        "referred + 21 < current_date",
    ),
    (
        "plans_plan",
        "id, level, status, started_on, next_review_date, family_agreement_note, created_at,"
        " ended_at, ended_reason, case_id, child_id, created_by_id",
        "md5('plan' || n)::uuid, 'FAMILY_HELP', CASE WHEN still_open THEN 'ACTIVE' ELSE 'ENDED' END,"
        " referred + 22, referred + 112, '', received + interval '22 days',"
        " CASE WHEN still_open THEN NULL ELSE received + make_interval(days => 59 + n %% 30) END,"
        " CASE WHEN still_open THEN '' ELSE 'Outcomes met' END, md5('case' || n)::uuid,"
        " md5('person' || n)::uuid, %(worker)s",
        "kind = 1 AND referred + 22 < current_date",
    ),
    (
        "protection_strategydiscussion",
        "id, status, due_at, held_at, decision, no_s47_reason, next_step, safety_actions,"
        " created_at, case_id",
        "md5('strategy' || n)::uuid, 'HELD', received + interval '1 hour',"
        " received + interval '1 hour', 'S47_SINGLE', '', '', '', received, md5('case' || n)::uuid",
        "kind = 2",
    ),
    (
        "protection_section47enquiry",
        "id, joint_with_police, status, start_date, icpc_target_date, child_seen,"
        " child_seen_alone, outcome, outcome_note, completed_date, case_id, lcpp_id,"
        " strategy_discussion_id",
        "md5('enquiry' || n)::uuid, false,"
        " CASE WHEN referred + 12 < current_date THEN 'COMPLETED' ELSE 'OPEN' END, referred,"
        " referred + 21, true, false,"
        " CASE WHEN referred + 12 < current_date THEN 'SUBSTANTIATED_ICPC' ELSE '' END, '',"
        " CASE WHEN referred + 12 < current_date THEN referred + 12 END, md5('case' || n)::uuid,"
        " %(worker)s, md5('strategy' || n)::uuid",
        "kind = 2",
    ),
    (
        "protection_conference",
        "id, kind, status, due_date, held_on, chair, attendees, family_views, child_views,"
        " decision, decision_note, case_id, enquiry_id",
        "md5('icpc' || n)::uuid, 'INITIAL', 'HELD', @ICPC@, @ICPC@, 'Chair', '', '',"
        " '', 'PLAN', '', md5('case' || n)::uuid, md5('enquiry' || n)::uuid",
        "kind = 2 AND referred + 14 < current_date",
    ),
    (
        "protection_protectionplan",
        "id, status, start_date, initial_category, latest_category, core_group_due_date,"
        " end_date, end_reason, end_note, case_id, initial_conference_id, lead_id, previous_plans",
        "md5('cpp' || n)::uuid, CASE WHEN still_open THEN 'ACTIVE' ELSE 'ENDED' END,"
        " @ICPC@, (ARRAY['NEG','EMO','PHY','SAB'])[1 + n %% 4], 'NEG', referred + 28,"
        " CASE WHEN still_open THEN NULL ELSE referred + 58 END,"
        " CASE WHEN still_open THEN '' ELSE 'NO_LONGER_AT_RISK' END, '', md5('case' || n)::uuid,"
        " md5('icpc' || n)::uuid, %(worker)s, n %% 2",
        "kind = 2 AND referred + 14 < current_date",
    ),
    (
        "protection_conference",
        "id, kind, status, due_date, held_on, chair, attendees, family_views, child_views,"
        " decision, decision_note, case_id, plan_id",
        "md5('review' || n)::uuid, 'REVIEW', 'HELD', referred + 44, referred + 44, 'Chair', '',"
        " '', '', 'CONTINUE', '', md5('case' || n)::uuid, md5('cpp' || n)::uuid",
        "kind = 2 AND referred + 44 < current_date",
    ),
]


def seed(cases: int) -> dict:
    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        reference_data_load()
        for key in ("team_manager", "practitioner", "lcpp"):
            persona_user_ensure(
                persona=PERSONAS_BY_KEY[key], password="bench", start_date=timezone.localdate()
            )
    teams = list(Team.objects.exclude(team_type=TeamType.FAMILY_CONNECT).order_by("pk"))
    params = {
        "cases": cases,
        "teams": len(teams),
        "team_ids": [team.pk for team in teams],
        "practitioner": User.objects.get(username=PERSONAS_BY_KEY["practitioner"].username).pk,
        "worker": User.objects.get(username=PERSONAS_BY_KEY["lcpp"].username).pk,
        "manager": User.objects.get(role=Role.TEAM_MANAGER).pk,
    }
    rows = {}
    with connection.cursor() as cursor:
        for table, columns, values, where in SPECS:
            values = values.replace("@ICPC@", ICPC)
            sql = NUMBERS.format(table=table, columns=columns, values=values)
            cursor.execute(sql + (f" WHERE {where}" if where else ""), params)
            rows[table] = rows.get(table, 0) + cursor.rowcount
        cursor.execute("ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1), "rows": rows}


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main():
    args = ARGS
    if args.no_seed:
        from cases.models import Case

        args.cases = Case.objects.count()
        seeded = {"seconds": None, "rows": {"cases_case": args.cases}, "reused": True}
    else:
        call_command("migrate", verbosity=0)
        print(f"Seeding {args.cases:,} cases over five years ...", flush=True)
        seeded = seed(args.cases)
        print(f"  seeded in {seeded['seconds']} s: {seeded['rows']}", flush=True)

    from returns.annex_a import write_annex_a
    from returns.census import rule_set_for, validate, write_census
    from returns.forms import annex_a_window
    from returns.services import _rule_set

    today = timezone.localdate()
    end_year = today.year if today.month >= 4 else today.year - 1
    before = peak_mb()
    started = time.perf_counter()
    buffer = io.BytesIO()
    result = write_census(buffer, end_year=end_year)
    built = time.perf_counter() - started
    rule_set = _rule_set(rule_set_for(end_year))
    report = validate(io.BytesIO(buffer.getvalue()), rule_set=rule_set)
    census_seconds = time.perf_counter() - started
    census_peak = peak_mb()
    print(
        f"CIN census {end_year - 1}-{end_year % 100:02d}: {result.counts['children']:,} children,"
        f" {len(buffer.getvalue()) / 1e6:.1f} MB; built in {built:.1f} s, built and validated"
        f" ({rule_set}, {report['rules']} rules) in {census_seconds:.1f} s;"
        f" {report['errors']} errors, {report['queries']} queries; peak memory {census_peak} MB",
        flush=True,
    )

    start, end = annex_a_window(12, today)
    started = time.perf_counter()
    workbook = io.BytesIO()
    counts = write_annex_a(workbook, start=start, end=end)
    annex_seconds = time.perf_counter() - started
    annex_peak = peak_mb()
    print(
        f"Annex A {start:%d/%m/%Y} to {end:%d/%m/%Y}: {counts}; {annex_seconds:.1f} s,"
        f" {len(workbook.getvalue()) / 1e6:.1f} MB; peak memory {annex_peak} MB",
        flush=True,
    )
    figures = {
        "cases": args.cases,
        "seed": seeded,
        "census": {
            "collection_year": f"{end_year - 1}-{end_year % 100:02d}",
            "counts": result.counts,
            "bytes": len(buffer.getvalue()),
            "built_seconds": round(built, 1),
            "built_and_validated_seconds": round(census_seconds, 1),
            "rule_set": rule_set,
            "rules": report["rules"],
            "rules_failed": report["rules_failed"],
            "errors": report["errors"],
            "queries": report["queries"],
            "peak_memory_mb": census_peak,
            "peak_memory_before_mb": before,
            "target_seconds": TARGET_CENSUS_S,
            "target_peak_mb": TARGET_PEAK_MB,
            "met": census_seconds <= TARGET_CENSUS_S and census_peak <= TARGET_PEAK_MB,
        },
        "annex_a": {
            "window": [start.isoformat(), end.isoformat()],
            "rows": counts,
            "seconds": round(annex_seconds, 1),
            "peak_memory_mb": annex_peak,
            "target_seconds": TARGET_ANNEX_A_S,
            "met": annex_seconds <= TARGET_ANNEX_A_S,
        },
        "load_average": os.getloadavg(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "returns.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Wrote {RESULTS / 'returns.json'}")


if __name__ == "__main__":
    main()
