"""The statutory returns journey: a team manager starts the CIN census, a real Celery worker
builds and validates it while the run page offers a "Check progress" link, then opens
the validation report and follows the link to the record to fix; an auditor makes Annex A.
axe on every page and state."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from returns.models import ReturnRun, RunStatus
from tests.browser.conftest import assert_accessible, signed_in
from tests.returns import builders as make
from tests.workers import celery_worker, redis_server, smtp_sink, wait_for_worker  # noqa: F401

pytestmark = pytest.mark.browser


def _as(browser, live_server, user, *, javascript=True):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", bypass_csp=True, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def test_the_census_runs_on_a_worker_and_the_report_links_to_the_record(
    browser,
    live_server,
    team_manager,
    celery_worker,  # noqa: F811
):
    person = make.child("B1001", upn="", date_of_birth=date(2021, 1, 5))
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9))
    make.assessment(case, start=date(2025, 4, 20), authorised=date(2025, 6, 20))
    page = _as(browser, live_server, team_manager)

    page.get_by_role("link", name="Statutory returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    assert_accessible(page, "statutory returns, no runs yet")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_text("Choose which return to make").first).to_be_visible()
    assert_accessible(page, "statutory returns, with an error")

    page.get_by_label("Children in need census (XML)").check()
    page.get_by_label("Census collection year").select_option("2026")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children in need census (XML)")
    assert_accessible(page, "a run under way")
    run = ReturnRun.objects.get()
    wait_for_worker(lambda: ReturnRun.objects.get(pk=run.pk).finished, worker=celery_worker)
    page.get_by_role("link", name="Check progress").click()
    expect(page.locator("#run-status")).to_have_text("Finished")
    assert ReturnRun.objects.get(pk=run.pk).status == RunStatus.DONE
    expect(page.locator("#validation-result")).to_contain_text("1 error")
    assert_accessible(page, "a finished run")

    page.get_by_role("link", name="Read the validation report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation report")
    row = page.get_by_role("row").filter(has_text="1103").filter(has_text="Assessments:")
    expect(row).to_contain_text("B1001")
    assert_accessible(page, "the validation report")
    row.get_by_role("link", name="Open the record").click()
    assessment = case.assessments.get()
    expect(page).to_have_url(live_server.url + reverse("pathway:assessment", args=[assessment.pk]))


def test_an_auditor_makes_annex_a(browser, live_server, auditor, celery_worker):  # noqa: F811
    page = _as(browser, live_server, auditor)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_label("Ofsted Annex A lists 1 to 7 (spreadsheet)").check()
    page.get_by_label("The last 6 whole months").check()
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ofsted Annex A lists 1 to 7 (spreadsheet)"
    )
    run = ReturnRun.objects.get()
    wait_for_worker(lambda: ReturnRun.objects.get(pk=run.pk).finished, worker=celery_worker)
    page.get_by_role("link", name="Check progress").click()
    expect(page.locator("#run-status")).to_have_text("Finished")
    expect(page.get_by_role("row", name="List 1: Contacts 0")).to_be_visible()
    assert_accessible(page, "a finished Annex A run")
