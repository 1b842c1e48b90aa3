"""The steps of a Family Connect consultation, in the order a call goes (DOMAIN.md, "The journey
of a consultation"). Pages show them as a numbered list; each step saves what was typed."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url_name: str


STEPS = [
    Step("caller", "Caller and purpose", "referrals:step-caller"),
    Step("children", "Children and household", "referrals:step-children"),
    Step("household", "Family history", "referrals:step-household"),
    Step("concerns", "Worries and strengths", "referrals:step-concerns"),
    Step("consent", "Consent", "referrals:step-consent"),
    Step("spectrum", "Spectrum of Support", "referrals:step-spectrum"),
    Step("outcome", "Outcome and action plan", "referrals:step-outcome"),
    Step("check", "Check and submit", "referrals:consultation"),
]
STEP_KEYS = [step.key for step in STEPS]


def step_url(key: str, consultation_id) -> str:
    step = STEPS[STEP_KEYS.index(key)]
    return reverse(step.url_name, kwargs={"consultation_id": consultation_id})


def step_after(key: str) -> str:
    return STEP_KEYS[min(STEP_KEYS.index(key) + 1, len(STEP_KEYS) - 1)]


def steps_for(*, consultation_id, current: str, missing_steps=()) -> list[dict]:
    return [
        {
            "number": number,
            "title": step.title,
            "url": step_url(step.key, consultation_id),
            "current": step.key == current,
            "incomplete": step.key in missing_steps,
        }
        for number, step in enumerate(STEPS, start=1)
    ]
