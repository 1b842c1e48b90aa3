"""Forms for the child protection pages (GOV.UK Frontend markup through crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from cases.forms import DATE_FORMATS, WHEN_FORMATS
from protection.models import (
    INITIAL_DECISIONS,
    REVIEW_DECISIONS,
    Agency,
    CategoryOfAbuse,
    ConferenceKind,
    EnquiryOutcome,
    PlanEndReason,
    StrategyDecision,
)

DATE_HELP = "For example 21/11/2026"
DATE_ERRORS = {"invalid": "Enter a date like 21/11/2026"}


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


def _date(label, *, required=True, required_message="Enter the date"):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HELP,
        error_messages={"required": required_message, **DATE_ERRORS},
    )


class MacptCallForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    spoke_to = forms.CharField(
        label="Who you spoke to at the MACPT",
        max_length=200,
        error_messages={"required": "Enter who you spoke to at the MACPT"},
    )


class StrategyForm(forms.Form):
    held_at = forms.DateTimeField(
        label="When it was held",
        input_formats=WHEN_FORMATS,
        help_text="Day and time, for example 21/11/2026 14:05",
        error_messages={
            "required": "Enter when the discussion was held",
            "invalid": "Enter a day and time like 21/11/2026 14:05",
        },
    )
    decision = forms.ChoiceField(
        choices=StrategyDecision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose the decision"},
    )
    no_s47_reason = forms.CharField(
        label="Why there is no Section 47 enquiry",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when there is no enquiry",
    )
    next_step = forms.CharField(
        label="The next step",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when there is no enquiry: for example a Family Help Assessment",
    )
    safety_actions = forms.CharField(
        label="Immediate safety actions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_at": timezone.localtime().strftime("%d/%m/%Y %H:%M")})
        super().__init__(*args, **kwargs)
        agency_fields = []
        for value, label in Agency.choices:
            key = value.lower()
            self.fields[f"{key}_name"] = forms.CharField(
                label="Name and role", max_length=200, required=False
            )
            self.fields[f"{key}_took_part"] = forms.BooleanField(label="Took part", required=False)
            self.fields[f"{key}_shared"] = forms.CharField(
                label="What they shared",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Each entry is written to the sharing log with its source",
            )
            agency_fields.append(
                Fieldset(
                    Field.text(f"{key}_name", label_size=Size.SMALL),
                    Field.checkbox(f"{key}_took_part"),
                    Field.textarea(f"{key}_shared", label_size=Size.SMALL),
                    legend=label,
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = _helper(
            Field.text("held_at", label_size=Size.SMALL, field_width=20),
            HTML('<h2 class="govuk-heading-m">Who took part</h2>'),
            *agency_fields,
            HTML('<h2 class="govuk-heading-m">Decision</h2>'),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("no_s47_reason", label_size=Size.SMALL),
            Field.textarea("next_step", label_size=Size.SMALL),
            Field.textarea("safety_actions", label_size=Size.SMALL),
            button="Save the strategy discussion",
        )

    def clean(self):
        data = super().clean()
        for value, _label in Agency.choices:
            key = value.lower()
            if data.get(f"{key}_took_part") and not data.get(f"{key}_name", "").strip():
                self.add_error(f"{key}_name", "Enter the name of who took part")
        if not any(data.get(f"{value.lower()}_took_part") for value in Agency.values):
            self.add_error("police_took_part", "Record at least one agency that took part")
        if data.get("decision") == StrategyDecision.NO_S47:
            if not data.get("no_s47_reason", "").strip():
                self.add_error("no_s47_reason", "Say why there is no Section 47 enquiry")
            if not data.get("next_step", "").strip():
                self.add_error("next_step", "Say what happens next")
        return data

    def attendees(self):
        data = self.cleaned_data
        return [
            (value, data[f"{value.lower()}_name"].strip(), data[f"{value.lower()}_took_part"])
            for value in Agency.values
            if data[f"{value.lower()}_name"].strip()
        ]

    def information(self):
        data = self.cleaned_data
        return [
            (value, data[f"{value.lower()}_shared"].strip())
            for value in Agency.values
            if data[f"{value.lower()}_shared"].strip()
        ]


class EnquiryForm(forms.Form):
    fhlp = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Locality FHLP working on the enquiry (optional)",
        empty_label="None",
    )
    child_seen = forms.BooleanField(label="The child has been seen", required=False)
    child_seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    child_seen_on = _date("When the child was seen", required=False)
    outcome = forms.ChoiceField(
        choices=[("", "Not yet: the enquiry continues"), *EnquiryOutcome.choices],
        widget=forms.RadioSelect,
        required=False,
        label="Outcome",
    )
    outcome_note = forms.CharField(
        label="What the enquiry found",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    completed_date = _date("When the enquiry ended", required=False)

    def __init__(self, *args, fhlps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fhlp"].queryset = fhlps
        self.helper = _helper(
            Field.select("fhlp", label_size=Size.SMALL),
            Field.checkbox("child_seen"),
            Field.checkbox("child_seen_alone"),
            Field.text("child_seen_on", label_size=Size.SMALL, field_width=10),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("outcome_note", label_size=Size.SMALL),
            Field.text("completed_date", label_size=Size.SMALL, field_width=10),
            button="Save the enquiry",
        )

    def clean(self):
        data = super().clean()
        if data.get("child_seen_alone") and not data.get("child_seen"):
            self.add_error("child_seen_alone", "A child seen alone was seen: tick both")
        if data.get("child_seen") and not data.get("child_seen_on"):
            self.add_error("child_seen_on", "Enter the date the child was seen")
        return data


class ConferenceForm(forms.Form):
    held_on = _date("Date held", required_message="Enter the date the conference was held")
    chair = forms.CharField(
        label="Chair", max_length=200, error_messages={"required": "Enter who chaired it"}
    )
    attendees = forms.CharField(
        label="Who attended", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_views = forms.CharField(
        label="The family's views", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    child_views = forms.CharField(
        label="The child's views", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose the conference's decision"},
    )
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *CategoryOfAbuse.choices],
        required=False,
        label="Category of abuse",
        help_text="Needed for a plan that starts or continues",
    )
    lead = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Who leads the plan",
        empty_label="Choose a registered social worker",
        help_text="Only staff with a Social Work England number",
    )
    previous_plans = forms.IntegerField(
        label="How many child protection plans has the child had before, anywhere?",
        required=False,
        min_value=0,
        max_value=50,
        help_text="For a plan that starts: earlier plans here or in another council (CIN census)",
        error_messages={
            "invalid": "Enter the number of earlier plans as a whole number, like 0 or 2",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 50 or fewer",
        },
    )
    decision_note = forms.CharField(
        label="Notes on the decision", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kind, leads, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = INITIAL_DECISIONS if kind == ConferenceKind.INITIAL else REVIEW_DECISIONS
        from protection.models import ConferenceDecision

        self.fields["decision"].choices = [
            (d.value, d.label) for d in ConferenceDecision if d in allowed
        ]
        self.fields["lead"].queryset = leads
        fields = [
            Field.text("held_on", label_size=Size.SMALL, field_width=10),
            Field.text("chair", label_size=Size.SMALL),
            Field.textarea("attendees", label_size=Size.SMALL),
            Field.textarea("family_views", label_size=Size.SMALL),
            Field.textarea("child_views", label_size=Size.SMALL),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.select("category", label_size=Size.SMALL),
        ]
        if kind == ConferenceKind.INITIAL:
            fields.append(Field.select("lead", label_size=Size.SMALL))
            fields.append(Field.text("previous_plans", label_size=Size.SMALL, field_width=2))
        else:
            del self.fields["lead"]
            del self.fields["previous_plans"]
        fields.append(Field.textarea("decision_note", label_size=Size.SMALL))
        self.helper = _helper(*fields, button="Save the conference")


class CoreGroupForm(forms.Form):
    held_on = _date("Date of the first core group meeting", required_message="Enter the date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("held_on", label_size=Size.SMALL, field_width=10), button="Save"
        )


class PlanEndForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[(r.value, r.label) for r in PlanEndReason if r != PlanEndReason.NO_LONGER_AT_RISK],
        widget=forms.RadioSelect,
        label="Why the plan ends",
        error_messages={"required": "Choose why the plan ends"},
    )
    end_date = _date("The plan's last day", required_message="Enter the date the plan ends")
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("reason", legend_size=Size.SMALL),
            Field.text("end_date", label_size=Size.SMALL, field_width=10),
            Field.textarea("note", label_size=Size.SMALL),
            button="End the plan",
        )
