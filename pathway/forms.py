"""The assessment's forms (GOV.UK Frontend markup through crispy-forms-gds).

A part of the tool is one page: the version's own answers for that part (``*VersionForm``) and
a row form per entry (``SituationRowForm`` and friends), each row carrying its entry's ``key``.
A blank row gets a fresh key when the page is drawn, so the page's autosave can post the same
row again and again without making copies. Valid rows save even while another row is being
corrected; an invalid row keeps what was typed, with its message beside it.
"""

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from cases.forms import DATE_FORMATS
from pathway.models import (
    AgencyInvolved,
    AssessmentFactor,
    AssessmentKind,
    FamilyAgreement,
    FamilyCopyMethod,
    Nature,
    SituationTopic,
    UnderstandingKind,
    Voice,
)
from people.forms import NewPersonForm
from people.models import CAN_HOLD_PR, RelationshipKind

BLANK_ROWS = 2
MAX_ROWS = 200


def _helper(*fields, button: str | None = None, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.layout = Layout(*fields, *([Button("submit", button)] if button else []))
    return helper


def _person_choices(people, empty: str) -> list:
    return [("", empty)] + [(str(person.pk), str(person)) for person in people]


# Starting ------------------------------------------------------------------------------------


class AssessmentStartForm(forms.Form):
    kind = forms.ChoiceField(
        choices=AssessmentKind.choices,
        widget=forms.RadioSelect,
        label="What kind of assessment",
        error_messages={"required": "Choose the kind of assessment"},
    )
    children = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Which children is it for",
        help_text="The child whose case this is, and any brothers or sisters it also covers",
        error_messages={"required": "Choose at least one child the assessment is for"},
    )
    start_date = forms.DateField(
        label="Start date",
        input_formats=DATE_FORMATS,
        help_text="The day you started the assessment with the family, for example 21/11/2026",
        error_messages={
            "required": "Enter the date the assessment started",
            "invalid": "Enter a date like 21/11/2026",
        },
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.pk), str(c)) for c in children]
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.checkboxes("children", legend_size=Size.SMALL),
            Field.text("start_date", label_size=Size.SMALL, field_width=10),
            button="Start the assessment",
        )


# The parts of the tool -----------------------------------------------------------------------


class RevisionForm(forms.Form):
    """The draft's revision the page was drawn from (named ``version`` for static/js/autosave.js)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RowForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    TEXT_FIELDS: tuple = ("text",)

    def is_blank(self) -> bool:
        data = self.data
        return not any((data.get(self.add_prefix(name)) or "").strip() for name in self.TEXT_FIELDS)


class SituationRowForm(RowForm):
    text = forms.CharField(
        label="What was said or seen", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    voice = forms.ChoiceField(label="Whose words", choices=Voice.choices, initial=Voice.WORKER)
    nature = forms.ChoiceField(label="Fact or opinion", choices=Nature.choices, initial=Nature.FACT)
    person = forms.ChoiceField(label="Who it is about", required=False)

    def __init__(self, *args, topic: str, people, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["text"].label = f"{SituationTopic(topic).label}: entry {number}"
        self.fields["person"].choices = _person_choices(people, "Not about one person")
        if topic == SituationTopic.AFFECTED:
            self.fields["person"].label = "Who is affected"
        self.helper = _helper(
            Field("key"),
            Field.textarea("text", label_size=Size.SMALL),
            Field.select("voice"),
            Field.select("nature"),
            Field.select("person"),
            form_tag=False,
        )

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip():
            return data
        if self.topic == SituationTopic.AFFECTED and not data.get("person"):
            self.add_error("person", "Choose who is affected")
        if data.get("voice") == Voice.CHILD and not data.get("person"):
            self.add_error("person", "Choose which child said this")
        return data


class SituationVersionForm(forms.Form):
    child_views_how = forms.CharField(
        label="How the child's views were gathered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: seen alone at school, using a three houses drawing",
    )
    context_housing = forms.CharField(
        label="Housing", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    context_income = forms.CharField(
        label="Income and money", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    context_other = forms.CharField(
        label="Anything else about the family's circumstances",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            *(Field.textarea(name, label_size=Size.SMALL) for name in self.fields),
            form_tag=False,
        )


class UnderstandingRowForm(RowForm):
    kind = forms.ChoiceField(label="Kind", choices=UnderstandingKind.choices)
    text = forms.CharField(
        label="Understanding", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rests_on = forms.MultipleChoiceField(
        label="Which Situation entries this rests on",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, situation_entries, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"Understanding: entry {number}"
        self.fields["rests_on"].choices = [
            (str(entry.key), f"{entry.get_topic_display()}: {entry.text[:80]}")
            for entry in situation_entries
        ]
        self.helper = _helper(
            Field("key"),
            Field.select("kind"),
            Field.textarea("text", label_size=Size.SMALL),
            Field.checkboxes("rests_on", legend_size=Size.SMALL, small=True),
            form_tag=False,
        )

    def clean(self):
        data = super().clean()
        if (data.get("text") or "").strip() and not data.get("rests_on"):
            self.add_error("rests_on", "Choose the Situation entries this rests on")
        return data


class PlanRowForm(RowForm):
    TEXT_FIELDS = ("need", "outcome")
    need = forms.CharField(
        label="What needs to happen", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(
        label="What it should achieve", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    for_person = forms.ChoiceField(label="Who it is for", required=False)

    def __init__(self, *args, people, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].label = f"Plan item {number}: what needs to happen"
        self.fields["outcome"].label = f"Plan item {number}: what it should achieve"
        self.fields["for_person"].choices = _person_choices(people, "The whole family")
        self.helper = _helper(
            Field("key"),
            Field.textarea("need", label_size=Size.SMALL),
            Field.textarea("outcome", label_size=Size.SMALL),
            Field.select("for_person"),
            form_tag=False,
        )

    def clean(self):
        data = super().clean()
        need, outcome = (data.get("need") or "").strip(), (data.get("outcome") or "").strip()
        if need and not outcome:
            self.add_error("outcome", "Say what this should achieve")
        if outcome and not need:
            self.add_error("need", "Say what needs to happen")
        return data


class ReviewVersionForm(forms.Form):
    family_agreement = forms.ChoiceField(
        label="Does the family agree with the assessment",
        choices=FamilyAgreement.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    family_words = forms.CharField(
        label="What the family said about it, in their words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at assessment",
        help_text="As the children in need census records them. Choose all that apply",
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("family_agreement", legend_size=Size.SMALL),
            Field.textarea("family_words", label_size=Size.SMALL),
            Field.checkboxes("factors", legend_size=Size.SMALL, small=True),
            form_tag=False,
        )

    def clean(self):
        data = super().clean()
        agreement = data.get("family_agreement")
        if agreement and agreement != FamilyAgreement.NOT_YET:
            if not (data.get("family_words") or "").strip():
                self.add_error("family_words", "Record what the family said, in their words")
        factors = data.get("factors") or []
        if AssessmentFactor.F21 in factors and len(factors) > 1:
            self.add_error("factors", "“No factors identified” cannot be chosen with other factors")
        return data


def new_key() -> str:
    return str(uuid.uuid4())


# Sign-off, revisit, sharing ------------------------------------------------------------------


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("SIGN_OFF", "Sign it off"), ("RETURN", "Return it to the worker")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether to sign it off or return it"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you return it: say what needs to change",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL),
            button="Save decision",
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "RETURN" and not (data.get("note") or "").strip():
            self.add_error("note", "Say what needs to change before it can be signed off")
        return data


class RevisitForm(forms.Form):
    reason = forms.CharField(
        label="What has changed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who has been affected by the change, and why the assessment is revisited",
        error_messages={"required": "Say what has changed and why the assessment is revisited"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL), button="Start a new version"
        )


class CompareForm(forms.Form):
    left = forms.TypedChoiceField(label="Compare version", coerce=int)
    right = forms.TypedChoiceField(label="with version", coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["left"].choices = choices
        self.fields["right"].choices = choices
        self.helper = _helper(Field.select("left"), Field.select("right"), button="Compare")
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("left") is not None and data.get("left") == data.get("right"):
            self.add_error("right", "Choose two different versions")
        return data


class FamilyCopyForm(forms.Form):
    method = forms.ChoiceField(
        choices=FamilyCopyMethod.choices,
        widget=forms.RadioSelect,
        label="How will the family get their copy",
        error_messages={"required": "Choose how the family will get their copy"},
    )
    recipient_name = forms.CharField(
        label="Who it is for",
        max_length=200,
        error_messages={"required": "Enter who the copy is for"},
    )
    recipient_email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Only when you email it",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("method", legend_size=Size.SMALL),
            Field.text("recipient_name", label_size=Size.SMALL),
            Field.text("recipient_email", label_size=Size.SMALL, field_width=20),
            button="Prepare the family's copy",
        )

    def clean(self):
        data = super().clean()
        if data.get("method") == FamilyCopyMethod.EMAIL and not data.get("recipient_email"):
            self.add_error("recipient_email", "Enter the email address to send it to")
        return data


# The chronology and the family map -----------------------------------------------------------


class ChronologyEntryForm(forms.Form):
    occurred_on = forms.DateField(
        label="When it happened",
        input_formats=DATE_FORMATS,
        help_text="For example 21/11/2026",
        error_messages={
            "required": "Enter the date it happened",
            "invalid": "Enter a date like 21/11/2026",
        },
    )
    what = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what happened"},
    )
    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="Who told us, or where it is recorded",
        error_messages={"required": "Say who told us or where it is recorded"},
    )
    impact = forms.CharField(
        label="Impact on the child",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what impact it had on the child"},
    )
    about_person = forms.ChoiceField(label="Who it is about", required=False)

    def __init__(self, *args, people, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about_person"].choices = _person_choices(people, "The whole family")
        self.helper = _helper(
            Field.text("occurred_on", label_size=Size.SMALL, field_width=10),
            Field.textarea("what", label_size=Size.SMALL),
            Field.text("source", label_size=Size.SMALL),
            Field.textarea("impact", label_size=Size.SMALL),
            Field.select("about_person", label_size=Size.SMALL),
            button=button,
        )

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date of the event cannot be in the future")
        return value


class ChronologyFilterForm(forms.Form):
    source = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everything"),
            ("significant", "Significant events"),
            ("system", "System events"),
        ],
    )
    since = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example 1/1/2026",
        error_messages={"invalid": "Enter a date like 1/1/2026"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example 31/12/2026",
        error_messages={"invalid": "Enter a date like 31/12/2026"},
    )
    person = forms.ChoiceField(label="About", required=False)
    # Where "Back" goes (the assessment the chronology was opened from), kept through filtering.
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _person_choices(people, "Anyone")
        self.helper = _helper(
            Field("next"),
            Field.select("source"),
            Field.text("since", field_width=10),
            Field.text("until", field_width=10),
            Field.select("person"),
            button="Filter",
        )
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end of the range must be after its start")
        return data


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Agency", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    role = forms.CharField(label="What they do with the family", max_length=200, required=False)
    tie = forms.ChoiceField(
        label="How the family get on with them",
        choices=AgencyInvolved.Tie.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the family get on with the agency"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", label_size=Size.SMALL),
            Field.text("role", label_size=Size.SMALL),
            Field.radios("tie", legend_size=Size.SMALL),
            button="Add agency",
        )


class FamilyRelationshipForm(forms.Form):
    from_person = forms.ChoiceField(
        label="This person", error_messages={"required": "Choose the first person"}
    )
    kind = forms.ChoiceField(
        label="is the",
        choices=[("", "Choose a relationship")] + RelationshipKind.choices,
        error_messages={"required": "Choose how they are related"},
    )
    to_person = forms.ChoiceField(
        label="of this person", error_messages={"required": "Choose the second person"}
    )
    parental_responsibility = forms.BooleanField(
        label="The first person holds parental responsibility for the second", required=False
    )
    family_network = forms.BooleanField(
        label="Part of the family network (drawn on the ecomap)",
        help_text="Family and friends the family can turn to for help",
        required=False,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_person"].choices = _person_choices(people, "Choose a person")
        self.fields["to_person"].choices = _person_choices(people, "Choose a person")
        self.helper = _helper(
            Field.select("from_person", label_size=Size.SMALL),
            Field.select("kind", label_size=Size.SMALL),
            Field.select("to_person", label_size=Size.SMALL),
            Field.checkbox("parental_responsibility"),
            Field.checkbox("family_network"),
            button="Add relationship",
        )

    def clean(self):
        data = super().clean()
        if data.get("from_person") and data.get("from_person") == data.get("to_person"):
            self.add_error("to_person", "Choose someone other than the first person")
        if data.get("parental_responsibility") and data.get("kind") not in CAN_HOLD_PR:
            self.add_error(
                "parental_responsibility",
                "Only a parent, step-parent, carer or relative can hold parental responsibility",
            )
        return data


class FamilyNewcomerForm(NewPersonForm):
    """Someone new recorded in place from the family map (the relationship picker,
    people/picker.py), with how they are related to one of the assessment's children."""

    save_label = "Add them to the family map"
    kind = forms.ChoiceField(
        label="They are the",
        choices=[("", "Choose a relationship")] + RelationshipKind.choices,
        error_messages={"required": "Choose how they are related"},
    )
    child = forms.ChoiceField(
        label="of this child", error_messages={"required": "Choose the child they are related to"}
    )
    parental_responsibility = forms.BooleanField(
        label="They hold parental responsibility for the child", required=False
    )
    lives_with = forms.BooleanField(label="They live with the child", required=False)
    family_network = forms.BooleanField(
        label="Part of the family network (drawn on the ecomap)", required=False
    )

    def __init__(self, *args, children, **kwargs):
        self.children = {str(child.pk): child for child in children}
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = _person_choices(children, "Choose a child")

    def layout_fields(self):
        return [
            *super().layout_fields(),
            Field.select("kind", label_size=Size.SMALL),
            Field.select("child", label_size=Size.SMALL),
            Field.checkbox("parental_responsibility"),
            Field.checkbox("lives_with"),
            Field.checkbox("family_network"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("parental_responsibility") and data.get("kind") not in CAN_HOLD_PR:
            self.add_error(
                "parental_responsibility",
                "Only a parent, step-parent, carer or relative can hold parental responsibility",
            )
        return data

    def clean_child(self):
        return self.children[self.cleaned_data["child"]]
