from datetime import timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from spectrum.models import LevelCode

DEFAULT_PERIOD_DAYS = 90


class SpectrumDecisionForm(forms.Form):
    """The picker page: one form, three buttons. "Filter" and "Suggest a level" only re-show the
    page with everything kept; "Record decision" writes. The template renders the GOV.UK markup
    itself because the indicators are grouped by domain."""

    ACTION_FILTER = "filter"
    ACTION_SUGGEST = "suggest"
    ACTION_RECORD = "record"

    q = forms.CharField(
        label="Filter indicators by keyword or level of need",
        help_text="For example, attendance, housing, child in need or targeted",
        required=False,
        max_length=100,
        error_messages={"max_length": "Filter with 100 characters or fewer"},
    )
    indicators = forms.TypedMultipleChoiceField(
        label="Indicators of possible need",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select indicators from the list shown"},
    )
    decided_level = forms.ChoiceField(
        label="Which level have you decided on?",
        choices=LevelCode.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of the four levels"},
    )
    rationale = forms.CharField(
        label="Why have you decided on this level?",
        help_text=(
            "Needed when your decision differs from the suggested level, and always for "
            "immediate protection. Include strengths and protective factors as well as worries."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "Give your reasons in 5,000 characters or fewer"},
    )

    siblings = forms.MultipleChoiceField(
        label="Apply this decision to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose children from the list shown"},
    )

    def __init__(self, *args, indicator_ids=(), sibling_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(pk, str(pk)) for pk in indicator_ids]
        self.fields["siblings"].choices = [(pk, pk) for pk in sibling_ids]
        self.helper = FormHelper()

    @property
    def action(self) -> str:
        return self.data.get("action", self.ACTION_FILTER) if self.is_bound else ""

    def selected_ids(self, valid_ids) -> set[int]:
        """What is ticked, even when the form has errors, so that no tick is ever lost."""
        if not self.is_bound:
            return set()
        ticked = set()
        for value in self.data.getlist("indicators"):
            try:
                ticked.add(int(value))
            except ValueError:
                continue
        return ticked & set(valid_ids)

    def clean(self):
        cleaned = super().clean()
        ticked = cleaned.get("indicators")
        if self.action == self.ACTION_SUGGEST and ticked == []:
            self.add_error("indicators", "Select at least one indicator to get a suggested level")
        if self.action == self.ACTION_RECORD:
            if ticked == []:
                self.add_error("indicators", "Select at least one indicator")
            if "decided_level" in cleaned and not cleaned["decided_level"]:
                self.add_error("decided_level", "Select the level you have decided on")
        return cleaned


class ConsistencyPeriodForm(forms.Form):
    date_from = forms.DateField(
        label="From",
        help_text="For example, 27/3/2026",
        error_messages={
            "required": "Enter the first day of the period",
            "invalid": "Enter a real date, like 27/3/2026",
        },
    )
    date_to = forms.DateField(
        label="To",
        help_text="For example, 27/3/2026",
        error_messages={
            "required": "Enter the last day of the period",
            "invalid": "Enter a real date, like 27/3/2026",
        },
    )

    def __init__(self, data=None, **kwargs):
        if not data or not ({"date_from", "date_to"} & set(data)):
            today = timezone.localdate()
            data = {
                "date_from": (today - timedelta(days=DEFAULT_PERIOD_DAYS)).strftime("%d/%m/%Y"),
                "date_to": today.strftime("%d/%m/%Y"),
            }
        super().__init__(data, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
            Button("show", "Show"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("date_from")
            and cleaned.get("date_to")
            and cleaned["date_from"] > cleaned["date_to"]
        ):
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned
