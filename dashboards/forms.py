from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from dashboards.models import Verdict
from dashboards.selectors import Filters, default_filters
from dashboards.services import MAX_PER_OUTCOME
from locality.models import District, Team
from people.forms import GovDateField
from spectrum.models import LevelCode

LONGEST_RANGE_DAYS = 5 * 366


class FilterForm(forms.Form):
    """The date range, and for the front door a team or locality: a GET form, so every view of
    the dashboard has its own address (and its CSV the same filters)."""

    start = GovDateField(label="From", help_text="For example, 1 11 2026")
    end = GovDateField(label="To", help_text="For example, 30 11 2026")
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="Every team",
        label="Team",
    )
    locality = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label="Every locality",
        label="Locality",
    )

    def __init__(self, *args, with_team: bool = True, default_months: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_months = default_months
        if not self.is_bound:  # show the dates the page is showing
            shown = self.defaults()
            self.fields["start"].initial, self.fields["end"].initial = shown.start, shown.end
        fields = [
            Field("start", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field("end", context={"legend_size": "govuk-fieldset__legend--s"}),
        ]
        if with_team:
            fields += [
                Field.select("team", label_size=Size.SMALL),
                Field.select("locality", label_size=Size.SMALL),
            ]
        else:
            del self.fields["team"], self.fields["locality"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Button("submit", "Show"))

    def defaults(self) -> Filters:
        today = timezone.localdate()
        if self.default_months:
            start = (
                today.replace(day=1) - timezone.timedelta(days=31 * (self.default_months - 1))
            ).replace(day=1)
            return Filters(start=start, end=today)
        return default_filters(today)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        elif start and end and (end - start).days > LONGEST_RANGE_DAYS:
            self.add_error("end", "Choose dates no more than 5 years apart")
        return data

    def filters(self) -> Filters:
        """The filters asked for, or the defaults where the form is empty or wrong."""
        fallback = self.defaults()
        if not self.is_bound or not self.is_valid():
            return fallback
        data = self.cleaned_data
        team, locality = data.get("team"), data.get("locality")
        return Filters(
            start=data.get("start") or fallback.start,
            end=data.get("end") or fallback.end,
            team_id=team.pk if team else None,
            district_id=locality.pk if locality else None,
        )


class DipDrawForm(forms.Form):
    per_outcome = forms.IntegerField(
        label="How many decisions to sample for each outcome",
        min_value=1,
        max_value=MAX_PER_OUTCOME,
        initial=3,
        help_text=f"Between 1 and {MAX_PER_OUTCOME}. Outcomes with fewer decisions give them all.",
        error_messages={
            "required": "Enter how many decisions to sample for each outcome",
            "invalid": "Enter a whole number, like 3",
            "min_value": f"Enter a number between 1 and {MAX_PER_OUTCOME}",
            "max_value": f"Enter a number between 1 and {MAX_PER_OUTCOME}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("per_outcome", label_size=Size.SMALL, field_width=2),
            Button("submit", "Draw the sample"),
        )


class DipReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        label="Against the Spectrum of Support guidance, do you agree with the decision?",
        error_messages={"required": "Choose whether you agree with the decision"},
    )
    level = forms.ChoiceField(
        choices=[("", "Choose a level"), *LevelCode.choices],
        required=False,
        label="The level you would have decided",
        help_text="Only if you would have decided differently",
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you would have decided differently: cite the guidance's indicators",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("verdict", legend_size=Size.SMALL),
            Field.select("level", label_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("submit", "Save the review"),
        )

    def clean(self):
        data = super().clean()
        if data.get("verdict") == Verdict.DIFFERENT:
            if not data.get("level"):
                self.add_error("level", "Choose the level you would have decided")
            if not data.get("reason", "").strip():
                self.add_error("reason", "Say why you would have decided differently")
        return data
