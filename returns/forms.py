from datetime import date, timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from returns.models import ReturnKind


def census_years(today: date) -> list[tuple[str, str]]:
    """Collection years ending 31 March: the one under way and the three before it."""
    latest = today.year + 1 if today.month >= 4 else today.year
    return [(str(y), f"1 April {y - 1} to 31 March {y}") for y in range(latest, latest - 4, -1)]


def annex_a_window(months: int, today: date) -> tuple[date, date]:
    """The last ``months`` whole months before this one."""
    end = today.replace(day=1) - timedelta(days=1)
    year, month = end.year, end.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), end


class RunForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReturnKind.choices,
        widget=forms.RadioSelect,
        label="Which return",
        error_messages={"required": "Choose which return to make"},
    )
    year = forms.ChoiceField(
        label="Census collection year",
        help_text="For the CIN census",
        error_messages={
            "required": "Choose the collection year",
            "invalid_choice": "Choose a year from the list",
        },
    )
    months = forms.ChoiceField(
        choices=[("12", "The last 12 whole months"), ("6", "The last 6 whole months")],
        initial="12",
        widget=forms.RadioSelect,
        label="Annex A period",
        help_text="For Annex A",
        error_messages={"required": "Choose the Annex A period"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = census_years(today)
        self.fields["year"].initial = census_years(today)[1][0]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("year", label_size=Size.SMALL),
            Field.radios("months", legend_size=Size.SMALL),
            Button("submit", "Start the run"),
        )

    def period(self) -> tuple[date, date]:
        data = self.cleaned_data
        if data["kind"] == ReturnKind.CIN_CENSUS:
            end_year = int(data["year"])
            return date(end_year - 1, 4, 1), date(end_year, 3, 31)
        return annex_a_window(int(data["months"]), timezone.localdate())
