"""Picking the other person for a relationship, shared by every page that records one: the
person page (people), the consultation's children step (referrals) and the Pathway family map.

The page offers the people it already knows (a household, a family), lets the user find someone
else by name through the people search (each person shown gets an access-log row, through
``person_search_log``), and, after that search, record someone new in place (search before
create: the decision is kept with the search). Someone found or just recorded comes back to the
page as ``?person=``, opened through the one door (``person_get_for_user``). Each hosting page
checks its own permission first; the picker never decides who may use it.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.http import Http404

from accounts import rules
from audit.services import AccessAction, access_log_record
from people.forms import NewPersonForm, PickerSearchForm
from people.search import LIKELY_DUPLICATE_SCORE, PartialDate, person_search, search_criteria_parse
from people.selectors import person_get_for_user
from people.services import (
    SearchRequired,
    person_create_after_search,
    person_search_for_create,
    person_search_log,
)


@dataclass
class Picker:
    offered: list  # the people to pick from: those the page knows, then the one just chosen
    found: list | None  # the name search's matches (None before a search)
    search: object  # the logged PersonSearch, when a name was searched
    search_form: PickerSearchForm
    new_form: NewPersonForm | None
    chosen: object  # the person named by ?person=, if the user may see them
    here: str  # the page's address, without the picker's own query
    keep: dict  # the host page's own query (next, network...), kept by every link

    def choose_url(self, person) -> str:
        return f"{self.here}?{urlencode({**self.keep, 'person': person.pk})}"

    @property
    def found_rows(self) -> list:
        """(match, the address that chooses them) for each match; no address for a restricted
        record's placeholder."""
        return [
            (match, self.choose_url(match.person) if match.person else None)
            for match in self.found or []
        ]

    @property
    def action(self) -> str:
        """Where the page's forms post: the page, with its own query and the one chosen."""
        query = dict(self.keep)
        if self.chosen is not None:
            query["person"] = str(self.chosen.pk)
        return f"{self.here}?{urlencode(query)}" if query else self.here


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True


def picker_open(
    request, *, known, here: str, exclude=(), new_form=None, new_form_class=NewPersonForm
) -> Picker:
    """The picker for this request: ``known`` people are offered first (the host page logs
    them as it shows them); ``?name=`` searches; ``?person=`` is the one found or recorded."""
    keep = {
        key: value for key, value in request.GET.items() if key not in ("name", "person", "find")
    }
    offered = {person.pk: person for person in known}
    search_form = PickerSearchForm(request.GET if "name" in request.GET else None)
    found = search = None
    if search_form.is_bound and search_form.is_valid():
        criteria = search_form.criteria
        matches = person_search(user=request.user, criteria=criteria, limit=10, within_scope=True)
        search = person_search_log(request=request, criteria=criteria.as_json(), matches=matches)
        found = [
            match for match in matches if match.person is None or match.person.pk not in exclude
        ]
        if new_form is None:
            given, _, family = search_form.cleaned_data["name"].strip().rpartition(" ")
            new_form = new_form_class(
                initial={"search": search.pk, "given_name": given, "family_name": family}
            )
    chosen = None
    value = request.GET.get("person", "")
    if _is_uuid(value) and uuid.UUID(value) not in exclude:
        chosen = offered.get(uuid.UUID(value))
        if chosen is None:
            try:
                chosen = person_get_for_user(
                    request=request, person_id=value, reason="chosen for a relationship"
                )
            except Http404:
                chosen = None
            else:
                offered[chosen.pk] = chosen
    for pk in exclude:
        offered.pop(pk, None)
    return Picker(
        offered=list(offered.values()),
        found=found,
        search=search,
        search_form=search_form,
        new_form=new_form
        if (new_form is not None and (new_form.is_bound or found is not None))
        else None,
        chosen=chosen,
        here=here,
        keep=keep,
    )


def picker_person_create(request, form: NewPersonForm, *, then=None):
    """Record the new person a valid NewPersonForm describes, after the user's own search
    (SearchRequired otherwise, as a message on the form), keeping the duplicate decision with
    that search; ``then(person)`` runs in the same transaction (a relationship recorded with
    them, so a case worker may see them). Returns the person, or None with the form's errors."""
    try:
        search = person_search_for_create(user=request.user, search_id=form.cleaned_data["search"])
    except SearchRequired:
        form.add_error(
            None, "Search for the person by name first, so that no one is recorded twice"
        )
        return None
    details = form.details()
    criteria, _errors = search_criteria_parse(name=f"{details.given_name} {details.family_name}")
    if details.date_of_birth:
        born = details.date_of_birth
        criteria.dob = PartialDate(born.year, born.month, born.day)
    likely = [
        match
        for match in person_search(user=request.user, criteria=criteria, limit=5, within_scope=True)
        if match.score >= LIKELY_DUPLICATE_SCORE
    ]
    with transaction.atomic():
        person, _decision = person_create_after_search(
            search=search, details=details, created_by=request.user, candidates=likely
        )
        if then is not None:
            then(person)
    access_log_record(
        request=request,
        action=AccessAction.CHANGE,
        record_type="person",
        record_id=person.pk,
        person_id=person.pk,
        reason="recorded from the relationship picker"
        + ("" if rules.can_use_front_door(request.user) else " on a case's family map"),
    )
    return person
