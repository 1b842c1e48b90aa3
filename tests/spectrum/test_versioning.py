"""New versions of the framework: copy the published one to a draft, edit it, publish it."""

import json

import pytest
from django.urls import reverse

from spectrum.admin import LevelInlineForm, NeedTermInlineForm
from spectrum.models import Framework, FrameworkStatus, Indicator, Level, LevelCode, NeedTerm
from spectrum.selectors import framework_current
from spectrum.services import (
    FrameworkError,
    framework_copy_to_draft,
    framework_publish,
    spectrum_decision_record,
)
from tests.spectrum.factories import ChildFactory


def contents(framework):
    return {
        "levels": list(framework.levels.values_list("code", "name", "summary", "section")),
        "domains": list(framework.domains.values_list("code", "name", "order")),
        "indicators": sorted(
            framework.indicators.values_list(
                "code", "level", "domain__code", "text", "section", "order"
            )
        ),
        "need_terms": list(framework.need_terms.values_list("term", "level")),
        "rule": (
            framework.cumulative_min_indicators,
            framework.cumulative_min_domains,
            framework.cumulative_from_level,
            framework.cumulative_raise_to,
        ),
    }


def test_copying_makes_a_draft_with_everything_the_published_version_holds(framework):
    draft = framework_copy_to_draft(framework=framework)

    assert draft.status == FrameworkStatus.DRAFT
    assert draft.copied_from == framework
    assert draft.version == f"{framework.version} draft"
    assert contents(draft) == contents(framework)


def test_the_copy_has_its_own_domains_so_editing_it_leaves_the_published_version_alone(framework):
    draft = framework_copy_to_draft(framework=framework)

    assert not draft.indicators.exclude(domain__framework=draft).exists()
    draft.indicators.filter(code="ES-HEALTH-01").update(text="Reworded in the draft")
    assert framework.indicators.get(code="ES-HEALTH-01").text != "Reworded in the draft"


def test_each_copy_gets_a_free_version_name_unless_one_is_given(framework):
    first = framework_copy_to_draft(framework=framework)
    second = framework_copy_to_draft(framework=framework)
    named = framework_copy_to_draft(framework=framework, version="2026.1")

    assert (first.version, second.version, named.version) == (
        f"{framework.version} draft",
        f"{framework.version} draft 2",
        "2026.1",
    )
    with pytest.raises(FrameworkError, match="already exists"):
        framework_copy_to_draft(framework=framework, version="2026.1")


def test_publishing_a_draft_retires_the_old_version(framework):
    draft = framework_copy_to_draft(framework=framework, version="2026.1")

    framework_publish(framework=draft)

    framework.refresh_from_db()
    assert framework_current() == draft
    assert framework.status == FrameworkStatus.RETIRED
    assert framework.retired_at is not None
    assert Framework.objects.filter(status=FrameworkStatus.PUBLISHED).count() == 1


def test_existing_decisions_stay_tied_to_their_version_after_a_new_one_is_published(
    framework, indicator, practitioner
):
    decision = spectrum_decision_record(
        person=ChildFactory(),
        framework=framework,
        indicator_ids=[indicator("ES-HEALTH-01").pk],
        decided_level=LevelCode.EARLY_SUPPORT,
        rationale="",
        decided_by=practitioner,
    )
    draft = framework_copy_to_draft(framework=framework, version="2026.1")
    draft.indicators.filter(code="ES-HEALTH-01").update(text="Reworded for 2026")

    framework_publish(framework=draft)

    decision.refresh_from_db()
    assert decision.framework == framework
    assert decision.indicators.get().text == indicator("ES-HEALTH-01").text


@pytest.mark.parametrize("status", [FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED])
def test_only_a_draft_can_be_published(framework, status):
    draft = framework_copy_to_draft(framework=framework)
    framework_publish(framework=draft)
    target = draft if status == FrameworkStatus.PUBLISHED else framework
    target.refresh_from_db()

    with pytest.raises(FrameworkError, match="only a draft can be published"):
        framework_publish(framework=target)


def test_a_draft_missing_a_level_or_indicators_cannot_be_published(framework):
    draft = framework_copy_to_draft(framework=framework)
    draft.levels.filter(code=LevelCode.UNIVERSAL).delete()
    draft.indicators.all().delete()

    with pytest.raises(FrameworkError) as refused:
        framework_publish(framework=draft)

    assert "Add the missing levels: Universal" in str(refused.value)
    assert "Add at least one indicator" in str(refused.value)
    assert framework_current() == framework


# ---------------------------------------------------------------- through Django admin


def _admin_action(client, action, framework):
    return client.post(
        reverse("admin:spectrum_framework_changelist"),
        {"action": action, "_selected_action": [framework.pk]},
        follow=True,
    )


def test_an_administrator_copies_edits_and_publishes_a_new_version_in_the_admin(
    framework, client_for
):
    client = client_for("administrator")

    _admin_action(client, "copy_to_draft", framework)
    draft = Framework.objects.get(status=FrameworkStatus.DRAFT)
    edited = draft.indicators.get(code="ES-HEALTH-01")
    response = client.post(
        reverse("admin:spectrum_indicator_change", args=[edited.pk]),
        {
            "framework": draft.pk,
            "domain": edited.domain_id,
            "level": edited.level,
            "code": edited.code,
            "text": "Reworded for the new version",
            "section": edited.section,
            "keywords": json.dumps(edited.keywords),
            "concern_kinds": "[]",
            "order": edited.order,
        },
    )
    published = _admin_action(client, "publish", draft)

    assert response.status_code == 302
    assert framework_current() == draft
    assert draft.indicators.get(code="ES-HEALTH-01").text == "Reworded for the new version"
    assert f"Published {draft.name} {draft.version}" in published.content.decode()


def test_the_admin_will_not_change_an_indicator_of_the_published_version(framework, client_for):
    client = client_for("administrator")
    published = framework.indicators.get(code="ES-HEALTH-01")

    response = client.post(
        reverse("admin:spectrum_indicator_change", args=[published.pk]),
        {"text": "Sneaky edit"},
    )

    assert response.status_code == 403
    assert Indicator.objects.get(pk=published.pk).text == published.text


def test_the_admin_offers_no_bulk_delete_that_could_empty_a_published_version(
    framework, client_for
):
    response = client_for("administrator").get(reverse("admin:spectrum_indicator_changelist"))

    assert "delete_selected" not in response.content.decode()


def test_the_admin_refuses_to_publish_a_version_already_published(framework, client_for):
    response = _admin_action(client_for("administrator"), "publish", framework)

    assert "Not published" in response.content.decode()


@pytest.mark.parametrize(
    "url_name, of",
    [
        ("admin:spectrum_indicator_change", "published-indicator"),
        ("admin:spectrum_indicator_change", "draft-indicator"),
        ("admin:spectrum_framework_change", "published"),
        ("admin:spectrum_framework_change", "draft"),
    ],
)
def test_the_admin_shows_published_versions_read_only_and_drafts_for_editing(
    framework, client_for, url_name, of
):
    draft = framework_copy_to_draft(framework=framework)
    target = {
        "published-indicator": framework.indicators.first(),
        "draft-indicator": draft.indicators.first(),
        "published": framework,
        "draft": draft,
    }[of]

    response = client_for("administrator").get(reverse(url_name, args=[target.pk]))

    assert response.status_code == 200
    assert ('name="_save"' in response.content.decode()) == of.startswith("draft")


def test_a_level_added_back_to_a_draft_in_the_admin_takes_its_fixed_place(framework):
    draft = framework_copy_to_draft(framework=framework)
    draft.levels.filter(code=LevelCode.EARLY_SUPPORT).delete()
    form = LevelInlineForm(
        data={
            "code": "EARLY_SUPPORT",
            "name": "Early Support",
            "summary": "Extra help.",
            "section": "Early Support",
        },
        instance=Level(framework=draft),
    )

    assert form.is_valid(), form.errors
    assert form.save().order == 2


def test_a_need_term_typed_in_capitals_is_stored_as_people_would_type_it(framework):
    draft = framework_copy_to_draft(framework=framework)
    form = NeedTermInlineForm(
        data={"term": "  Edge Of  Care ", "level": "FAMILY_HELP", "section": ""},
        instance=NeedTerm(framework=draft),
    )

    assert form.is_valid(), form.errors
    assert form.save().term == "edge of care"
