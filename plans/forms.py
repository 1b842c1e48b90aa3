"""The plans' forms (GOV.UK Frontend markup through crispy-forms-gds). Each error is written
for the person filling it in, next to the field, and nothing typed is lost."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from cases.models import ClosureReason
from people.models import FlagKind
from plans.models import (
    ActionOwner,
    ActionStatus,
    AgencyKind,
    KinshipArrangement,
    ReviewDecision,
)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]
OUTCOME_SLOTS = 3


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


def _date(label: str, *, required: bool = True, missing: str = "Enter the date") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text="For example 21/11/2026",
        error_messages={"required": missing, "invalid": "Enter a date like 21/11/2026"},
    )


def _text(
    label: str, *, required: bool = True, missing: str = "", rows: int = 3, help_text: str = ""
):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": missing or f"Enter {label.lower()}"},
    )


class PlanStartForm(forms.Form):
    """Up to three outcomes at once (more are added on the plan); the first is needed."""

    def __init__(self, *args, initial_outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        fieldsets = []
        for slot in range(1, OUTCOME_SLOTS + 1):
            self.fields[f"title_{slot}"] = forms.CharField(
                label="What the family and workers want to be different",
                required=slot == 1,
                max_length=300,
                error_messages={"required": "Write at least one outcome the family want"},
            )
            self.fields[f"family_words_{slot}"] = _text(
                "In the family's own words", required=False, rows=2
            )
            fieldsets.append(
                Fieldset(
                    Field.text(f"title_{slot}", label_size=Size.SMALL),
                    Field.textarea(f"family_words_{slot}", label_size=Size.SMALL),
                    legend=f"Outcome {slot}" + ("" if slot == 1 else " (optional)"),
                    legend_size=Size.MEDIUM,
                )
            )
        for slot, (title, words) in enumerate(initial_outcomes, start=1):
            if slot <= OUTCOME_SLOTS:
                self.initial.setdefault(f"title_{slot}", title)
                self.initial.setdefault(f"family_words_{slot}", words)
        self.helper = _helper(*fieldsets, button="Start the plan")

    def outcomes(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data[f"title_{slot}"], self.cleaned_data[f"family_words_{slot}"])
            for slot in range(1, OUTCOME_SLOTS + 1)
            if self.cleaned_data.get(f"title_{slot}", "").strip()
        ]


class OutcomeForm(forms.Form):
    title = forms.CharField(
        label="What the family and workers want to be different",
        max_length=300,
        error_messages={"required": "Write what the family want to be different"},
    )
    family_words = _text("In the family's own words", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", label_size=Size.SMALL),
            Field.textarea("family_words", label_size=Size.SMALL),
            button="Add the outcome",
        )


class ActionForm(forms.Form):
    outcome = forms.ModelChoiceField(
        queryset=None,
        label="Which outcome it helps",
        empty_label=None,
        error_messages={"required": "Choose the outcome"},
    )
    what = _text("What will be done", missing="Say what will be done", rows=2)
    owner = forms.ChoiceField(
        choices=ActionOwner.choices,
        widget=forms.RadioSelect,
        label="Who will do it",
        error_messages={"required": "Choose who will do it"},
    )
    worker = forms.ModelChoiceField(
        queryset=None, required=False, label="The worker", empty_label="Choose a worker"
    )
    agency = forms.ModelChoiceField(
        queryset=None, required=False, label="The partner agency", empty_label="Choose an agency"
    )
    agency_contact = forms.CharField(
        label="The named person at the agency", required=False, max_length=200
    )
    family_member = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="The family member",
        empty_label="Choose a family member",
    )
    due_date = _date("By when", missing="Enter the date it will be done by")

    def __init__(self, *args, outcomes, workers, agencies, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes
        self.fields["worker"].queryset = workers
        self.fields["agency"].queryset = agencies
        self.fields["family_member"].queryset = family
        self.helper = _helper(
            Field.select("outcome", label_size=Size.SMALL),
            Field.textarea("what", label_size=Size.SMALL),
            Field.radios("owner", legend_size=Size.SMALL),
            Field.select("worker", label_size=Size.SMALL),
            Field.select("agency", label_size=Size.SMALL),
            Field.text("agency_contact", label_size=Size.SMALL),
            Field.select("family_member", label_size=Size.SMALL),
            Field.text("due_date", label_size=Size.SMALL, field_width=10),
            button="Add the action",
        )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        label="Where the action is now",
        error_messages={"required": "Choose the action's status"},
    )
    stopped_reason = _text("Why it stopped (if it stopped)", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("stopped_reason", label_size=Size.SMALL),
            button="Save",
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == ActionStatus.STOPPED
            and not data.get("stopped_reason", "").strip()
        ):
            self.add_error("stopped_reason", "Say why the action stopped")
        return data


class AgreementForm(forms.Form):
    agreed_by = forms.ModelChoiceField(
        queryset=None,
        label="Who in the family agreed the plan",
        empty_label="Choose a family member",
        error_messages={"required": "Choose who in the family agreed the plan"},
    )
    agreed_on = _date("When they agreed it", missing="Enter the date they agreed it")
    note = _text("What they said (optional)", required=False, rows=2)

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].queryset = family
        self.helper = _helper(
            Field.select("agreed_by", label_size=Size.SMALL),
            Field.text("agreed_on", label_size=Size.SMALL, field_width=10),
            Field.textarea("note", label_size=Size.SMALL),
            button="Record the agreement",
        )


class SendForm(forms.Form):
    family_name = forms.CharField(label="Family member's name", required=False, max_length=200)
    family_email = forms.EmailField(
        label="Family member's email address",
        required=False,
        help_text="Leave blank if the family are given a printed copy",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies with actions on the plan",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each agency gets only its own actions and the outcomes they serve",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [
            (str(agency.pk), f"{agency.name} ({agency.secure_email})") for agency in agencies
        ]
        self.helper = _helper(
            Field.text("family_name", label_size=Size.SMALL),
            Field.text("family_email", label_size=Size.SMALL),
            Field.checkboxes("agencies", legend_size=Size.SMALL),
            button="Send the plan",
        )

    def clean(self):
        data = super().clean()
        if data.get("family_email") and not data.get("family_name", "").strip():
            self.add_error("family_name", "Enter the name of the family member it goes to")
        if not data.get("family_email") and not data.get("agencies") and not self.errors:
            self.add_error("family_email", "Choose who to send the plan to")
        return data


class ReviewForm(forms.Form):
    held_on = _date("Date of the review", missing="Enter the date of the review")
    attendees = _text("Who came", missing="Say who came to the review", rows=2)
    changes = _text("What changes to the plan", required=False, rows=3)
    decision = forms.ChoiceField(
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        label="The decision",
        error_messages={"required": "Choose the decision"},
    )
    decision_note = _text("Why (optional)", required=False, rows=2)
    to_team = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="For a step up or down: the team the work goes to",
        empty_label="Choose a team",
    )
    signposting = _text(
        "For a step down to universal services: what the family were told about",
        required=False,
        rows=2,
    )
    closure_reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *ClosureReason.choices],
        required=False,
        label="To close: the reason (the team manager closes the case)",
    )

    def __init__(self, *args, outcomes, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = teams
        self.outcomes = list(outcomes)
        score_fields = []
        for outcome in self.outcomes:
            for who in ("family", "worker"):
                name = f"{who}_{outcome.pk}"
                self.fields[name] = forms.IntegerField(
                    label=f"{'The family' if who == 'family' else 'The worker'}: {outcome.title}",
                    min_value=0,
                    max_value=10,
                    help_text="0 means no progress, 10 means it is done",
                    error_messages={
                        "required": f"Give {'the family' if who == 'family' else 'the worker'}'s score from 0 to 10",
                        "min_value": "Scores are from 0 to 10",
                        "max_value": "Scores are from 0 to 10",
                        "invalid": "Enter a whole number from 0 to 10",
                    },
                )
                score_fields.append(Field.text(name, label_size=Size.SMALL, field_width=2))
        self.helper = _helper(
            Field.text("held_on", label_size=Size.SMALL, field_width=10),
            Field.textarea("attendees", label_size=Size.SMALL),
            Fieldset(*score_fields, legend="Progress on each outcome", legend_size=Size.MEDIUM),
            Field.textarea("changes", label_size=Size.SMALL),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("decision_note", label_size=Size.SMALL),
            Field.select("to_team", label_size=Size.SMALL),
            Field.textarea("signposting", label_size=Size.SMALL),
            Field.select("closure_reason", label_size=Size.SMALL),
            button="Record the review",
        )

    def scores(self) -> list[tuple[int, int, int]]:
        return [
            (o.pk, self.cleaned_data[f"family_{o.pk}"], self.cleaned_data[f"worker_{o.pk}"])
            for o in self.outcomes
        ]


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Agency name", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    kind = forms.ChoiceField(
        choices=[("", "Choose a kind"), *AgencyKind.choices],
        label="Kind of agency",
        error_messages={"required": "Choose the kind of agency"},
    )
    secure_email = forms.EmailField(
        label="Secure email address",
        error_messages={
            "required": "Enter the agency's secure email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", label_size=Size.SMALL),
            Field.select("kind", label_size=Size.SMALL),
            Field.text("secure_email", label_size=Size.SMALL),
            button="Add the agency",
        )


class NetworkReferralForm(forms.Form):
    reason = _text(
        "Why a Family Network Meeting would help",
        missing="Say why a Family Network Meeting would help",
    )
    family_hopes = _text("What the family hope for (optional)", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL),
            Field.textarea("family_hopes", label_size=Size.SMALL),
            button="Refer",
        )


class ConsultationNetworkReferralForm(forms.Form):
    """A referral from a front-door consultation: the consultation's children (all ticked to
    start with), and the family and the people around them, prefilled from their records."""

    children = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Which children is the meeting for?",
        help_text="Each child ticked gets their own referral",
        error_messages={
            "required": "Choose at least one child",
            "invalid_choice": "Choose children from the list shown",
        },
    )
    reason = _text(
        "Why a Family Network Meeting would help",
        missing="Say why a Family Network Meeting would help",
    )
    family_hopes = _text("What the family hope for (optional)", required=False, rows=2)
    family_network = _text(
        "The family and the people around them (optional)",
        required=False,
        rows=5,
        help_text="From the records: change it as the family tell you. The co-ordinator starts here",
    )

    def __init__(self, *args, children, family_network: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(child.pk), str(child)) for child in children]
        self.initial.setdefault("children", [str(child.pk) for child in children])
        self.initial.setdefault("family_network", family_network)
        self.helper = _helper(
            Field.checkboxes("children", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            Field.textarea("family_hopes", label_size=Size.SMALL),
            Field.textarea("family_network", label_size=Size.SMALL),
            button="Refer",
        )


class MeetingForm(forms.Form):
    meeting_date = _date("Date of the meeting", missing="Enter the date of the meeting")
    invited = _text("Who was invited", missing="Say who was invited", rows=2)
    attended = _text("Who came", missing="Say who came", rows=2)
    child_contribution = _text(
        "The child's contribution",
        missing="Say how the child took part, or why they did not",
        help_text="Their words, a drawing described, or who spoke for them",
    )
    family_plan = _text("The family's plan", missing="Write the family's plan", rows=5)
    review_date = _date("Review date", missing="Enter the review date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("meeting_date", label_size=Size.SMALL, field_width=10),
            Field.textarea("invited", label_size=Size.SMALL),
            Field.textarea("attended", label_size=Size.SMALL),
            Field.textarea("child_contribution", label_size=Size.SMALL),
            Field.textarea("family_plan", label_size=Size.SMALL),
            Field.text("review_date", label_size=Size.SMALL, field_width=10),
            button="Record the meeting",
        )


FLAG_CHOICES = [
    (FlagKind.YOUNG_CARER, FlagKind.YOUNG_CARER.label),
    (FlagKind.KINSHIP_CARE, FlagKind.KINSHIP_CARE.label),
    (FlagKind.PRIVATE_FOSTERING, FlagKind.PRIVATE_FOSTERING.label),
]


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        choices=FLAG_CHOICES,
        widget=forms.RadioSelect,
        label="Flag",
        error_messages={"required": "Choose the flag"},
    )
    start_date = _date("From", missing="Enter the date the flag starts")
    kinship_arrangement = forms.ChoiceField(
        choices=KinshipArrangement.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Kinship care: the arrangement",
    )
    young_carer_assessment_referred_on = _date(
        "Young carer: date referred for a young carer's assessment (if referred)", required=False
    )
    notification_date = _date("Private fostering: the date the council was told", required=False)
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("start_date", label_size=Size.SMALL, field_width=10),
            Field.radios("kinship_arrangement", legend_size=Size.SMALL),
            Field.text("young_carer_assessment_referred_on", label_size=Size.SMALL, field_width=10),
            Field.text("notification_date", label_size=Size.SMALL, field_width=10),
            Field.text("note", label_size=Size.SMALL),
            button="Set the flag",
        )


class FlagEndForm(forms.Form):
    end_date = _date("Ended on", missing="Enter the date the flag ended")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("end_date", label_size=Size.SMALL, field_width=10), button="End the flag"
        )
