from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from cases.models import ClosureReason, ContactKind, PrimaryNeed, TransferReason
from locality.models import Team

WHEN_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"]
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class IntakeForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("ACCEPT", "Accept the case"), ("SEND_BACK", "Send it back to Family Connect")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether to accept the case or send it back"},
    )
    reason = forms.CharField(
        label="Why it is going back",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you send it back: Family Connect sees this in its queue",
    )
    primary_need = forms.ChoiceField(
        choices=[("", "Not decided yet"), *PrimaryNeed.choices],
        required=False,
        label="The child's primary need (CIN census)",
        help_text="The highest in the list that applies. You can set it later, when you close",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            Field.select("primary_need", label_size=Size.SMALL),
            button="Save decision",
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "SEND_BACK" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the case is going back to Family Connect")
        return data


class AllocateForm(forms.Form):
    worker = forms.ModelChoiceField(
        queryset=None,
        label="Worker",
        empty_label="Choose a worker",
        error_messages={"required": "Choose who will hold the case"},
    )
    reason = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, workers, loads: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda worker: (
            f"{worker} ({worker.get_role_display()}"
            f"{', registered social worker' if worker.is_social_work_qualified else ''}"
            f", {loads.get(worker.pk, 0)} open cases)"
        )
        self.helper = _helper(
            Field.select("worker", label_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            button="Allocate",
        )


class CaseNoteForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        label="What kind of contact or note",
        error_messages={"required": "Choose what kind of contact or note this is"},
    )
    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=WHEN_FORMATS,
        help_text="Day and time, for example 21/11/2026 14:05",
        error_messages={
            "required": "Enter when it happened",
            "invalid": "Enter a day and time like 21/11/2026 14:05",
        },
    )
    who_was_seen = forms.CharField(
        label="Who was seen or spoken to",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    child_seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    text = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write what happened"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"occurred_at": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("occurred_at", label_size=Size.SMALL, field_width=20),
            Field.textarea("who_was_seen", label_size=Size.SMALL),
            Field.checkbox("child_seen"),
            Field.checkbox("child_seen_alone"),
            Field.textarea("text", label_size=Size.SMALL),
            button="Save",
        )

    def clean(self):
        data = super().clean()
        if data.get("child_seen_alone") and not data.get("child_seen"):
            self.add_error("child_seen_alone", "A child seen alone was seen: tick both")
        when = data.get("occurred_at")
        if when and when > timezone.now():
            self.add_error("occurred_at", "The date and time cannot be in the future")
        return data


class TaskForm(forms.Form):
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        error_messages={"required": "Say what needs doing"},
    )
    due_date = forms.DateField(
        label="Due by",
        input_formats=DATE_FORMATS,
        help_text="For example 21/11/2026",
        error_messages={
            "required": "Enter the date it is due",
            "invalid": "Enter a date like 21/11/2026",
        },
    )
    assigned_to = forms.ModelChoiceField(
        queryset=None, label="Who does it", error_messages={"required": "Choose who does it"}
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = people
        self.helper = _helper(
            Field.text("title", label_size=Size.SMALL),
            Field.text("due_date", label_size=Size.SMALL, field_width=10),
            Field.select("assigned_to", label_size=Size.SMALL),
            button="Add task",
        )


class TransferForm(forms.Form):
    reason = forms.ChoiceField(
        choices=TransferReason.choices,
        widget=forms.RadioSelect,
        label="Why is the case moving?",
        error_messages={"required": "Choose why the case is moving"},
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).exclude(team_type="FAMILY_CONNECT"),
        label="Team taking the case",
        empty_label="Choose a team",
        error_messages={"required": "Choose the team taking the case"},
    )
    note = forms.CharField(
        label="What the receiving team needs to know",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the receiving team needs to know"},
    )

    def __init__(self, *args, current_team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = self.fields["to_team"].queryset.exclude(
            pk=current_team.pk
        )
        self.helper = _helper(
            Field.radios("reason", legend_size=Size.SMALL),
            Field.select("to_team", label_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL),
            button="Transfer the case",
        )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        label="Reason for closing (CIN census)",
        error_messages={"required": "Choose the reason for closing"},
    )
    referral_nfa = forms.BooleanField(
        label="The referral ended with no further action",
        required=False,
        help_text="Tick only if nothing was done beyond deciding on the referral",
    )
    primary_need = forms.ChoiceField(
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        required=False,
        label="The child's primary need (CIN census)",
        help_text="The highest in the list that applies; needed unless there was no further action",
    )
    note = forms.CharField(
        label="Closing summary", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("reason", legend_size=Size.SMALL),
            Field.checkbox("referral_nfa"),
            Field.select("primary_need", label_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL),
            button="Close the case",
        )

    def clean(self):
        data = super().clean()
        # CIN census rule 8610: a primary need unless the referral ended with no further action.
        if not data.get("referral_nfa") and not data.get("primary_need"):
            self.add_error("primary_need", "Choose the child's primary need")
        return data


class RerouteForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("ROUTE", "Route it to another team"),
            ("SETTLE", "No team needed: Family Connect will deal with it"),
        ],
        widget=forms.RadioSelect,
        label="What happens now",
        error_messages={"required": "Choose what happens now"},
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).exclude(team_type="FAMILY_CONNECT"),
        label="Team",
        required=False,
        empty_label="Choose a team",
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.select("to_team", label_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL),
            button="Save",
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "ROUTE" and not data.get("to_team"):
            self.add_error("to_team", "Choose the team to route it to")
        return data


class RegistrationForm(forms.Form):
    social_work_england_number = forms.CharField(
        label="Social Work England number",
        required=False,
        max_length=9,
        help_text="For example SW123456. Leave blank if you are not a registered social worker.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("social_work_england_number", label_size=Size.SMALL, field_width=10),
            button="Save",
        )

    def clean_social_work_england_number(self):
        from accounts.models import SWE_NUMBER

        value = self.cleaned_data["social_work_england_number"].strip().upper().replace(" ", "")
        if value:
            try:
                SWE_NUMBER(value)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages[0]) from error
        return value
