"""The framework the database holds: loaded from framework_v1.json, counted against the source
document, and kept honest by database constraints."""

from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from spectrum.models import Framework, FrameworkStatus, Indicator, Level, LevelCode
from spectrum.services import framework_v1_ensure
from tests.spectrum.test_framework_source import (
    ALL_DOMAINS,
    ALL_KEYS,
    FRAMEWORK,
    JSON_GROUPS,
    UNSPLIT_LEVELS,
    require_source,
)


def loaded_counts(framework) -> Counter:
    return Counter(
        (i.level, ALL_DOMAINS if i.level in UNSPLIT_LEVELS else i.domain.code)
        for i in framework.indicators.all()
    )


@pytest.mark.parametrize(
    "key", ALL_KEYS, ids=[f"{lvl.lower()}-{dom.lower()}" for lvl, dom in ALL_KEYS]
)
def test_the_published_framework_holds_as_many_indicators_as_the_document_for_each_level_and_domain(
    framework, key
):
    parsed = require_source()

    counts = loaded_counts(framework)

    assert counts[key] == len(parsed["items"].get(key, [])) == len(JSON_GROUPS.get(key, []))


def test_the_published_framework_holds_every_indicator_in_the_json(framework):
    codes = set(framework.indicators.values_list("code", flat=True))

    assert codes == {indicator["code"] for indicator in FRAMEWORK["indicators"]}


def test_exactly_one_framework_is_published_and_it_is_version_1(framework):
    published = Framework.objects.filter(status=FrameworkStatus.PUBLISHED)

    assert list(published) == [framework]
    assert framework.version == FRAMEWORK["framework"]["version"]
    assert framework.published_at is not None


def test_the_four_levels_are_in_order_and_the_ten_domains_too(framework):
    levels = [level.code for level in framework.levels.all()]
    domains = [domain.name for domain in framework.domains.all()]

    assert levels == LevelCode.values
    assert domains == [d["name"] for d in sorted(FRAMEWORK["domains"], key=lambda d: d["order"])]


def test_the_cumulative_thresholds_are_held_on_the_framework_version(framework):
    rule = FRAMEWORK["framework"]["cumulative_rule"]

    assert (
        framework.cumulative_min_indicators,
        framework.cumulative_min_domains,
        framework.cumulative_from_level,
        framework.cumulative_raise_to,
    ) == (rule["min_indicators"], rule["min_domains"], rule["from_level"], rule["raise_to"])


@pytest.mark.parametrize(
    "term, level",
    [
        ("child in need", LevelCode.FAMILY_HELP),
        ("targeted", LevelCode.FAMILY_HELP),
        ("early help", LevelCode.EARLY_SUPPORT),
        ("child protection", LevelCode.IMMEDIATE_PROTECTION),
        ("universal", LevelCode.UNIVERSAL),
    ],
)
def test_need_language_maps_to_levels_in_the_database(framework, term, level):
    assert framework.need_terms.get(term=term).level == level


def test_loading_again_changes_nothing(framework):
    before = (Framework.objects.count(), Indicator.objects.count())

    again, created = framework_v1_ensure()

    assert (again, created) == (framework, False)
    assert (Framework.objects.count(), Indicator.objects.count()) == before


def test_every_indicator_keeps_its_source_section_and_keywords(framework):
    incomplete = [i.code for i in framework.indicators.all() if not (i.section and i.keywords)]

    assert incomplete == []


# ---------------------------------------------------------------- constraints


def _framework(**fields):
    defaults = {"name": "Test framework", "version": "x", "source_document": "test"}
    return Framework(**{**defaults, **fields})


def test_a_second_published_framework_is_refused_by_the_database(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        _framework(status=FrameworkStatus.PUBLISHED, published_at=timezone.now()).save()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": FrameworkStatus.RETIRED, "published_at": None},
        {"status": FrameworkStatus.RETIRED, "published_at": timezone.now(), "retired_at": None},
        {"cumulative_min_indicators": 1, "cumulative_min_domains": 1},
        {"cumulative_min_indicators": 3, "cumulative_min_domains": 4},
        {"cumulative_from_level": "FAMILY_HELP", "cumulative_raise_to": "EARLY_SUPPORT"},
        {"cumulative_from_level": "FAMILY_HELP", "cumulative_raise_to": "FAMILY_HELP"},
    ],
    ids=[
        "retired-never-published",
        "retired-without-date",
        "one-indicator-is-no-combination",
        "more-domains-than-indicators",
        "rule-lowers",
        "rule-stays",
    ],
)
def test_the_database_refuses_a_framework_that_breaks_its_rules(db, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _framework(**fields).save()


def test_an_indicator_code_is_unique_within_its_framework(framework):
    existing = framework.indicators.first()

    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            framework=framework,
            domain=existing.domain,
            level=existing.level,
            code=existing.code,
            text="Another",
            section="x",
        )


def test_a_level_cannot_be_given_another_levels_place_in_the_order(db):
    draft = _framework()
    draft.save()

    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(
            framework=draft, code=LevelCode.UNIVERSAL, order=3, name="Universal", summary="s"
        )
