"""The load test's simulated staff: Family Connect practitioners and managers who sign in once
(password and a TOTP code from their paired authenticator) and then work, with think time.

Four kinds of user, 60 in all at the hold (weights 9:3:2:1): Family Connect practitioners (36)
and managers (12) at the front door, and Family Help lead practitioners (8) and team managers (4)
working from their caseloads and case pages.

Run by bench/load/run.py (``make load``), which seeds the database, starts gunicorn and a Celery
worker and writes bench/results/load.json from what this file records. Does not import Django:
locust runs on gevent, and the app runs in gunicorn.

Phases (LoadShape): ramp to LOAD_USERS (60) users, let them sign in (LOAD_SETTLE_SECONDS), hold them for LOAD_HOLD_SECONDS (the figures
per page come from the hold), then add users up to LOAD_MAX_USERS to find the throughput at
which p95 crosses 500 ms. The run stops itself at the end of the ramp or after
LOAD_MAX_REQUESTS requests, whichever comes first.
"""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from pathlib import Path

from locust import HttpUser, LoadTestShape, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RECORD = Path(os.environ["LOAD_RECORD"])
USERS = int(os.environ.get("LOAD_USERS", "60"))
MAX_USERS = int(os.environ.get("LOAD_MAX_USERS", "300"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "2"))
HOLD_SECONDS = int(os.environ.get("LOAD_HOLD_SECONDS", "240"))
SETTLE_SECONDS = int(os.environ.get("LOAD_SETTLE_SECONDS", "20"))
RAMP_SECONDS = int(os.environ.get("LOAD_RAMP_SECONDS", "150"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "100000"))
THINK_MIN, THINK_MAX = (float(v) for v in os.environ.get("LOAD_THINK", "5,15").split(","))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
REVIEW = re.compile(r'href="(/front-door/authorisations/[0-9a-f-]{36}/)"')
CHILD_OUTCOME = re.compile(
    r'href="(/front-door/consultations/[0-9a-f-]{36}/children/[0-9a-f-]{36}/outcome/)'
)
CONSULTATION = re.compile(r"/front-door/consultations/([0-9a-f-]{36})/")
CASE = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
# A case page links to its Pathway to Change assessments (bench/load/seed.py drafts one on each
# allocated case); the case workers and team managers open the first after the case page.
ASSESSMENT = re.compile(r'href="(/assessments/[0-9a-f-]{36}/)"')

ACCOUNTS = {
    role: iter([a for a in PLAN["accounts"] if a["role"] == role])
    for role in ("FC_PRACTITIONER", "FC_MANAGER", "FHLP", "TEAM_MANAGER")
}
PHASE = {"name": "ramp"}
SEEN = itertools.count(1)
RECORD_FILE = RECORD.open("w", encoding="utf-8")


def totp(hex_key: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django-otp's TOTPDevice checks it (SHA-1, t0 = 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, context, **_):
    """Every request, with the phase and the number of users at the time, one JSON line each."""
    runner = context.get("runner")
    RECORD_FILE.write(
        json.dumps(
            {
                "t": round(time.time(), 3),
                "name": name,
                "ms": round(response_time, 2),
                "bytes": response_length,
                "error": str(exception)[:200] if exception else None,
                "phase": PHASE["name"],
                "users": runner.user_count if runner else None,
            }
        )
        + "\n"
    )
    if next(SEEN) >= MAX_REQUESTS and runner is not None:
        runner.quit()


@events.user_error.add_listener
def _task_error(user_instance, exception, tb, **_):
    """A task that raised (a page not as expected) is an error too, not only a bad status."""
    RECORD_FILE.write(
        json.dumps(
            {
                "t": round(time.time(), 3),
                "name": f"task error: {type(user_instance).__name__}",
                "ms": 0,
                "bytes": 0,
                "error": repr(exception)[:200],
                "phase": PHASE["name"],
                "users": None,
                "task_error": True,
            }
        )
        + "\n"
    )


@events.test_stop.add_listener
def _flush(**_):
    RECORD_FILE.flush()


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(THINK_MIN, THINK_MAX)

    def context(self):
        return {"runner": self.environment.runner}

    def on_start(self):
        account = self.account = next(ACCOUNTS[self.role])
        self.page("sign in: page", "/sign-in/")
        self.send(
            "sign in: password",
            "/sign-in/",
            {"username": account["username"], "password": PLAN["password"]},
            expect=(302,),
        )
        self.page("sign in: security code page", "/sign-in/verify/")
        self.send("sign in: security code", "/sign-in/verify/", {"token": totp(account["key"])})

    def page(self, name: str, url: str, params: dict | None = None, *, expect=(200,)):
        """GET a page; anything but 200 (or what ``expect`` allows) is an error."""
        with self.client.get(
            url, params=params or {}, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
            self.last = response.text or ""
            return response

    def send(self, name: str, url: str, data: dict, *, expect=(302,)):
        """POST the form on the page just fetched (with its CSRF token); expect a redirect."""
        token = CSRF.search(self.last)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            url,
            data=data,
            headers={"Referer": self.client.base_url + url},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
            return response

    @task(3)
    def home(self):
        self.page("home", "/")

    @task(1)
    def bare(self):
        self.page("bare page (healthz)", "/healthz/")


class FrontDoor(Staff):
    """Family Connect staff: everyone at the front door looks at its queue."""

    abstract = True

    @task(3)
    def queue(self):
        self.page("front-door queue", "/front-door/queue/")


class Practitioner(FrontDoor):
    weight = 9
    role = "FC_PRACTITIONER"

    @task(3)
    def search(self):
        self.page("person search", "/people/search/", {"name": random.choice(PLAN["names"])})

    @task(2)
    def household(self):
        person = random.choice(PLAN["households"])
        self.page("person page", f"/people/{person}/")
        self.page("household page", f"/people/{person}/household/")

    @task(2)
    def consultation(self):
        """A whole consultation, step by step, ending waiting for a manager."""
        family = random.choice(PLAN["consult"])
        child, holder = family["child"], family["holder"]
        self.page("consultations (my drafts)", "/front-door/consultations/new/")
        started = self.send("consultation: start", "/front-door/consultations/new/", {})
        found = CONSULTATION.search(started.headers.get("Location", ""))
        if not found:
            return
        base = f"/front-door/consultations/{found.group(1)}/"

        def step(name, path, data=None):
            self.wait()  # the call goes on: think time between steps, as between tasks
            self.page(f"consultation: {name}", base + path)
            if data is not None:
                version = VERSION.search(self.last)
                if version:
                    data = {**data, "version": version.group(1) or version.group(2)}
                self.send(f"consultation: {name} (save)", base + path, data)

        step(
            "caller",
            "caller/",
            {
                "channel": "TELEPHONE",
                "purpose": "REFERRAL",
                "caller_name": "Synthetic Caller",
                "caller_role": "Designated safeguarding lead",
                "caller_agency_type": "SCHOOL",
                "caller_organisation": "Synthetic Primary School",
                "caller_email": "caller@school.example.org",
                "caller_relationship": "Class teacher",
            },
        )
        step("children", "children/", {"person": child})
        step("history", "history/")
        step(
            "worries",
            "worries/",
            {"concerns": "Arrives hungry most days; attendance has fallen.", "safe_now": "YES"},
        )
        step("consent", "consent/")
        consent = f"/consent/children/{child}/answer/"
        self.page("consent: record", consent, {"next": base + "consent/"})
        self.send(
            "consent: record (save)",
            f"{consent}?next={base}consent/",
            {
                "purpose": "REFERRAL",
                "status": "GIVEN",
                "given_by": holder,
                "capacity": "PARENTAL_RESPONSIBILITY",
                "method": "VERBAL",
            },
        )
        step("spectrum", "spectrum/")
        picker = f"/spectrum/children/{child}/decision/"
        query = f"?consultation={found.group(1)}&next={base}spectrum/"
        self.page("spectrum: picker", picker + query)
        self.send(
            "spectrum: picker (record)",
            picker + query,
            {"action": "record", "indicators": PLAN["indicator"], "decided_level": "UNIVERSAL"},
        )
        step("outcome", "outcome/")
        link = CHILD_OUTCOME.search(self.last)
        if link:
            self.page("consultation: child outcome", link.group(1))
            self.send(
                "consultation: child outcome (save)",
                link.group(1),
                {
                    "outcome": "SINGLE_AGENCY",
                    "outcome_rationale": "School nurse and attendance officer to support",
                    "services_signposted": "",
                    "postcode": "",
                },
            )
        self.page("consultation: check", base)
        self.send("consultation: submit", base + "submit/", {})


class Manager(FrontDoor):
    weight = 3
    role = "FC_MANAGER"

    @task(4)
    def authorise(self):
        self.page("authorisation queue", "/front-door/authorisations/")
        reviews = REVIEW.findall(self.last)
        if not reviews:
            return
        review = random.choice(reviews)
        # 302 back to the queue, saying so, when another manager dealt with it first.
        if self.page("authorise: review", review, expect=(200, 302)).status_code == 302:
            return
        # 302 when authorised, or when someone got there first; 200 with the reason beside
        # the form when the service refuses.
        self.send(
            "authorise: decide", review, {"decision": "AUTHORISE", "note": ""}, expect=(200, 302)
        )


class CaseStaff(Staff):
    """Locality team staff: home, then their caseload and a case from it (the front-door queue
    is not theirs: it refuses them)."""

    abstract = True

    def case(self, cases: list[str]):
        """A case from the caseload just shown, and its assessment where it has one."""
        if not cases:
            return
        case = random.choice(cases)
        self.wait()
        self.page("case page", f"/cases/{case}/")
        assessment = ASSESSMENT.search(self.last)
        if assessment:
            self.wait()
            self.page("assessment page", assessment.group(1))


class CaseWorker(CaseStaff):
    """A Family Help lead practitioner: "my cases", then one of them."""

    weight = 2
    role = "FHLP"

    @task(4)
    def caseload(self):
        self.page("caseload: my cases", "/cases/")
        self.case(CASE.findall(self.last))


class TeamManager(CaseStaff):
    """A Family Help team manager: the team's caseload (a page of it), then one case."""

    weight = 1
    role = "TEAM_MANAGER"

    @task(4)
    def caseload(self):
        params = {"page": random.choice([1, 1, 1, 2])}
        self.page("caseload: team", f"/cases/teams/{self.account['team']}/", params)
        self.case(CASE.findall(self.last))


class LoadShape(LoadTestShape):
    """Ramp to USERS, hold, then add users up to MAX_USERS; stop at the end."""

    def tick(self):
        run = self.get_run_time()
        reach = USERS / SPAWN_RATE + SETTLE_SECONDS  # everyone signed in before the hold
        if run < reach:
            PHASE["name"] = "ramp to hold"
            return USERS, SPAWN_RATE
        if run < reach + HOLD_SECONDS:
            PHASE["name"] = "hold"
            return USERS, SPAWN_RATE
        if run < reach + HOLD_SECONDS + RAMP_SECONDS:
            PHASE["name"] = "ramp beyond"
            return MAX_USERS, (MAX_USERS - USERS) / RAMP_SECONDS
        return None


__all__ = ["CaseWorker", "LoadShape", "Manager", "Practitioner", "TeamManager"]
