from datetime import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from accounts.models import Role, User
from locality.models import ConcernKind, Team
from referrals.models import (
    AgencyType,
    CallPurpose,
    Channel,
    Consultation,
    ConsultationStatus,
    Outcome,
    SafeNow,
)

# Long answers state their limit and count characters (GOV.UK character count; the message
# "You can enter up to N characters" is in the page, so the limit is stated without JavaScript).
# Limits are checked on the server too, with the message next to the field.
TEXT_LIMITS = {
    "purpose_detail": 1000,
    "concerns": 5000,
    "child_location_now": 500,
    "family_knows": 2000,
    "child_views": 2000,
    "strengths": 2000,
    "action_plan": 3000,
    "services_signposted": 1000,
}


def _character_counted(form, name, limit=None):
    """Give a long text field its limit, checked on the server, and return its layout field
    with GOV.UK Frontend's character count."""
    limit = limit or TEXT_LIMITS[name]
    field = form.fields[name]
    if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(
            MaxLengthValidator(limit, message=f"Enter {limit:,} characters or fewer")
        )
    field.widget = Textarea(attrs=field.widget.attrs)
    # crispy-forms-gds appends its "-info" id to aria-describedby, which must exist first.
    field.widget.attrs.setdefault("aria-describedby", "")
    return Field.textarea(name, rows=field.widget.attrs.get("rows", 5), max_characters=limit)


class Textarea(forms.Textarea):
    """A textarea whose error border is GOV.UK's own: crispy-forms-gds gives every widget it
    recognises by class name ("Textarea", so the name is kept) the input's error class."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        css = context["widget"]["attrs"].get("class", "")
        context["widget"]["attrs"]["class"] = css.replace(
            "govuk-input--error", "govuk-textarea--error"
        )
        return context


class LongSelect(forms.Select):
    """A select for a long list (every Family Connect practitioner), with Django's markup.
    Django renders each option through a template of its own: two thirds of the front-door
    queue's time with a few hundred staff (bench/results/load.json). This template writes the
    options in one loop."""

    template_name = "referrals/widgets/long_select.html"


OPEN_STATUS_CHOICES = [("", "Any")] + [
    choice for choice in ConsultationStatus.choices if choice[0] != ConsultationStatus.COMPLETE
]


class QueueFilterForm(forms.Form):
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.filter(
            role__in=[Role.FC_PRACTITIONER, Role.FC_MANAGER], is_active=True
        ),
        required=False,
        empty_label="Anyone",
        label="Practitioner",
        widget=LongSelect,
    )
    status = forms.ChoiceField(choices=OPEN_STATUS_CHOICES, required=False, label="Status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("practitioner"), Field.select("status"), Button("filter", "Filter")
        )


class AuthoriseForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("AUTHORISE", "Authorise"), ("RETURN", "Return to the practitioner")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether to authorise or return it"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you return it: say what needs to change",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.SMALL, inline=True),
            Field.textarea("note", label_size=Size.SMALL),
            Button("submit", "Save decision"),
        )


# --- The consultation journey -------------------------------------------------------------------
# Each step's form edits some of the consultation's draft fields. Every field is optional while
# the consultation is a draft (what is typed is saved even when another field is wrong); what must
# be there before submitting is checked once, by consultation_submit.


class DateTimeInputWidget(DateInputWidget):
    """GOV.UK's date input (crispy-forms-gds's widget and template) with the hour and minute
    after the year: the time a call came in. The parts in error get the red border
    (``error_parts``, set by ReceivedAtField.clean); crispy-forms-gds borders only the part its
    one message is attached to."""

    PARTS = [("Day", 2), ("Month", 2), ("Year", 4), ("Hour", 2), ("Minute", 2)]

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "label": label,
                    "inputmode": "numeric",
                    "autocomplete": "off",
                }
            )
            for label, width in self.PARTS
        ]
        self.error_parts = []
        forms.MultiWidget.__init__(self, widgets, attrs)

    def decompress(self, value):
        if not value or isinstance(value, str):
            return [None] * 5
        local = timezone.localtime(value)
        return [local.day, local.month, local.year, f"{local.hour:02d}", f"{local.minute:02d}"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            css = subwidget["attrs"].get("class", "").replace(" govuk-input--error", "")
            if index in self.error_parts:
                css += " govuk-input--error"
            subwidget["attrs"]["class"] = css
        return context


class ReceivedAtField(DateInputField):
    """Day, month, year, hour and minute, as typed (crispy-forms-gds's date input field, two
    parts longer): a real time in the UK, or one message naming the parts missing, next to the
    field, with those parts bordered red and the error summary linking to the first of them."""

    widget = DateTimeInputWidget
    PARTS = ("a day", "a month", "a year", "an hour", "a minute")
    RANGES = ((1, 31), (1, 12), (1900, 9999), (0, 23), (0, 59))

    def __init__(self, **kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k in ("label", "help_text", "initial")}
        forms.MultiValueField.__init__(
            self,
            fields=[forms.CharField(required=False) for _ in self.PARTS],
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def _refuse(self, message, parts, code):
        self.widget.error_parts = parts
        # crispy-forms-gds reads each part's errors; the first part in error carries the message.
        self.fields[parts[0]].widget.errors = [message]
        raise ValidationError(message, code)

    def clean(self, value):
        self.widget.error_parts = []
        for field in self.fields:
            field.widget.errors = []
        parts = [str(part or "").strip() for part in (value or [])] + [""] * 5
        parts = parts[:5]
        if not any(parts):
            return None
        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            words = [self.PARTS[index] for index in missing]
            named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
            self._refuse(f"When it was received must include {named}", missing, "incomplete")
        wrong = [
            index
            for index, (part, (low, high)) in enumerate(zip(parts, self.RANGES, strict=True))
            if not part.isdigit() or not low <= int(part) <= high
        ]
        if wrong:
            self._refuse(
                "When it was received must be a real day and time, like 21 11 2026 14 05",
                wrong,
                "invalid",
            )
        day, month, year, hour, minute = (int(part) for part in parts)
        try:
            naive = datetime(year, month, day, hour, minute)
        except ValueError:
            self._refuse(
                "When it was received must be a real date, like 21 11 2026", [0, 1, 2], "invalid"
            )
        return timezone.make_aware(naive)


class DraftStepForm(forms.ModelForm):
    """A step of the journey: the consultation's fields plus the version the page was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    submit_label = "Save and continue"
    # Fields whose parts are kept as typed in the draft while they do not make a value yet (a
    # half-typed date), so nothing typed is lost when the page is reloaded or left.
    kept_as_typed: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["version"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # Drawing the page again: what was typed and kept is shown, with its message.
        self.kept = {}
        if not self.is_bound and self.instance.pk:
            self.kept = {
                name: parts
                for name, parts in (self.instance.typed_not_saved or {}).items()
                if name in self.kept_as_typed and name in self.fields
            }
            self.initial.update(self.kept)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            for name, parts in self.kept.items():
                try:
                    self.fields[name].clean(parts)
                except forms.ValidationError as error:
                    self._errors[name] = self.error_class(error.messages, renderer=self.renderer)

    def changes(self) -> dict:
        """The fields that are valid, to be saved even while others are being corrected, and
        (as ``typed_not_saved``) the parts of the kept fields still in error, as typed."""
        cleaned = getattr(self, "cleaned_data", {})
        changes = {
            name: cleaned[name]
            for name in self._meta.fields
            if name in cleaned and name not in self.errors
        }
        if self.kept_as_typed:
            typed = dict(self.instance.typed_not_saved or {})
            for name in self.kept_as_typed:
                typed.pop(name, None)
                if name in self.errors:
                    typed[name] = self.fields[name].widget.value_from_datadict(
                        self.data, self.files, self.add_prefix(name)
                    )
            changes["typed_not_saved"] = typed
        return changes


class CallerForm(DraftStepForm):
    kept_as_typed = ("received_at",)

    class Meta:
        model = Consultation
        fields = [
            "caller_name",
            "caller_role",
            "caller_agency_type",
            "caller_organisation",
            "caller_phone",
            "caller_email",
            "caller_relationship",
            "caller_anonymous",
            "channel",
            "received_at",
            "purpose",
            "purpose_detail",
        ]
        labels = {
            "caller_name": "Caller's name",
            "caller_role": "Their role",
            "caller_agency_type": "Type of agency",
            "caller_organisation": "Organisation",
            "caller_phone": "Phone number",
            "caller_email": "Email address",
            "caller_relationship": "Relationship to the family",
            "caller_anonymous": "The caller asks to stay anonymous to the family",
            "channel": "How did they contact us?",
            "received_at": "When was it received?",
            "purpose": "Why are they calling?",
            "purpose_detail": "What outcome do they want?",
        }
        help_texts = {
            "caller_email": "The consultation letter is sent here",
            "caller_relationship": "For example, class teacher, GP, neighbour, aunt",
        }
        widgets = {
            "channel": forms.RadioSelect,
            "purpose": forms.RadioSelect,
            "purpose_detail": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = Channel.choices
        self.fields["purpose"].choices = CallPurpose.choices
        self.fields["caller_agency_type"].choices = [("", "Choose the type of agency")] + list(
            AgencyType.choices
        )
        self.fields["received_at"] = ReceivedAtField(
            label=self.fields["received_at"].label,
            help_text="For example, 21 11 2026 14 05 (the hour from 0 to 23). "
            "The decision is due one working day later",
        )
        self.fields["caller_email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.helper.layout = Layout(
            Field("version"),
            Field.text("caller_name", field_width=Fluid.TWO_THIRDS),
            Field.text("caller_role", field_width=Fluid.TWO_THIRDS),
            Field.select("caller_agency_type"),
            Field.text("caller_organisation", field_width=Fluid.TWO_THIRDS),
            Field.text("caller_phone", field_width=20),
            Field.text("caller_email", field_width=Fluid.TWO_THIRDS),
            Field.text("caller_relationship", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("caller_anonymous", small=True),
            Field.radios("channel", inline=True),
            Field("received_at"),
            Field.radios("purpose", inline=True),
            _character_counted(self, "purpose_detail"),
        )

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now():
            self.fields["received_at"].widget.error_parts = [0, 1, 2, 3, 4]
            raise forms.ValidationError("The time received must be in the past")
        if not received_at and "received_at_0" in self.data:
            # Every part emptied: the consultation keeps a time received, so say what to enter.
            self.fields["received_at"].widget.error_parts = [0, 1, 2, 3, 4]
            raise forms.ValidationError(
                "Enter when it was received: the day, month, year, hour and minute"
            )
        return received_at

    def clean_caller_phone(self):
        phone = self.cleaned_data.get("caller_phone", "").strip()
        if phone and sum(ch.isdigit() for ch in phone) < 6:
            raise forms.ValidationError("Enter a phone number, like 01926 410410")
        return phone


class ConcernsForm(DraftStepForm):
    class Meta:
        model = Consultation
        fields = [
            "concerns",
            "child_location_now",
            "safe_now",
            "family_knows",
            "child_views",
            "strengths",
        ]
        labels = {
            "concerns": "What are the worries?",
            "child_location_now": "Where is the child now?",
            "safe_now": "Is the child safe now?",
            "family_knows": "What does the family know about this call?",
            "child_views": "What has the child said? What are their wishes and feelings?",
            "strengths": "Strengths and protective factors",
        }
        help_texts = {
            "concerns": "What has happened, how often, and the impact on the child, in the caller's words where you can",
            "strengths": "What is going well, and who helps the family",
        }
        widgets = {
            "concerns": forms.Textarea(attrs={"rows": 8}),
            "child_location_now": forms.Textarea(attrs={"rows": 2}),
            "safe_now": forms.RadioSelect,
            "family_knows": forms.Textarea(attrs={"rows": 3}),
            "child_views": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["safe_now"].choices = SafeNow.choices
        self.helper.layout = Layout(
            Field("version"),
            _character_counted(self, "concerns"),
            _character_counted(self, "child_location_now"),
            Field.radios("safe_now", inline=True),
            _character_counted(self, "family_knows"),
            _character_counted(self, "child_views"),
            _character_counted(self, "strengths"),
        )


class ActionPlanForm(DraftStepForm):
    submit_label = "Save and check answers"

    class Meta:
        model = Consultation
        fields = ["action_plan"]
        labels = {"action_plan": "The agreed action plan"}
        help_texts = {"action_plan": "Who will do what, and by when, as agreed with the caller"}
        widgets = {"action_plan": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("version"), _character_counted(self, "action_plan"))


DRAFT_STEP_FORMS = {"caller": CallerForm, "concerns": ConcernsForm, "outcome": ActionPlanForm}


RATIONALE_MAX = 2000


class ChildOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What was agreed for this child?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome agreed for this child"},
    )
    services_signposted = forms.CharField(
        label="Services signposted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For advice, information and guidance: which services, for example the Family Information Service",
    )
    outcome_rationale = forms.CharField(
        label="Why this outcome?",
        required=False,
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Say why in {RATIONALE_MAX:,} characters or fewer"},
    )
    main_concern = forms.ChoiceField(
        label="Main kind of concern",
        required=False,
        choices=[("", "Not chosen")] + list(ConcernKind.choices),
        help_text="Some teams take particular concerns, such as exploitation for children 11 and over",
    )
    severe_disability = forms.BooleanField(
        label="The child has a severe or complex disability", required=False
    )
    postcode = forms.CharField(
        label="Child's home postcode",
        required=False,
        max_length=10,
        help_text="For an unborn baby, the expectant parent's postcode. Used to find the team",
    )
    team = forms.ModelChoiceField(
        label="Send to a different team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="The proposed team",
        help_text="Only if the proposed team is not right: say why below",
    )
    override_reason = forms.CharField(
        label="Why a different team?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    also = forms.MultipleChoiceField(
        label="Agree the same outcome for",
        help_text="Each child ticked gets their own outcome, routed from their own level and "
        "home, and checked against their own consent",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose children from the list shown"},
    )

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["also"].choices = [(str(link.pk), str(link.child)) for link in others]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            *([Field.checkboxes("also", legend_size=Size.SMALL, small=True)] if others else []),
            _character_counted(self, "services_signposted"),
            _character_counted(self, "outcome_rationale", RATIONALE_MAX),
            Field.select("main_concern"),
            Field.checkbox("severe_disability", small=True),
            Field.text("postcode", field_width=10),
            Field.select("team"),
            Field.textarea("override_reason"),
            Button("submit", "Save outcome"),
        )
        if not others:
            del self.fields["also"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("team") and not cleaned.get("override_reason", "").strip():
            self.add_error("override_reason", "Say why the proposed team is not right")
        return cleaned
