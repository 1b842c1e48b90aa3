from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose

ANSWERABLE_PURPOSES = [
    choice for choice in Purpose.choices if choice[0] != Purpose.IMMEDIATE_PROTECTION
]
ANSWER_STATUSES = [
    choice for choice in ConsentStatus.choices if choice[0] != ConsentStatus.WITHDRAWN
]


def _children_field():
    return forms.MultipleChoiceField(
        label="Which children is this for?",
        help_text="Ask once: each child chosen gets their own record",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose children from the list shown"},
    )


def _offer_children(form, children) -> None:
    """Several children (a consultation's siblings): the answer or decision applies to each one
    ticked. One child: the field is not shown."""
    if len(children) > 1:
        form.fields["children"].choices = [(str(child.pk), str(child)) for child in children]
        form.helper.layout.insert(0, Field.checkboxes("children", legend_size=Size.SMALL))
    else:
        del form.fields["children"]


def chosen_children(form, children) -> list:
    """The children ticked (all of them by default when only one is offered)."""
    if "children" not in form.fields:
        return list(children)
    ticked = set(form.cleaned_data.get("children") or [])
    return [child for child in children if str(child.pk) in ticked]


def _radios(choices, label, message, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message},
        **kwargs,
    )


class ConsentAnswerForm(forms.Form):
    children = _children_field()
    purpose = _radios(ANSWERABLE_PURPOSES, "What is consent for?", "Choose what consent is for")
    status = _radios(ANSWER_STATUSES, "What was the answer?", "Choose the answer")
    given_by = forms.ModelChoiceField(
        label="Who answered?",
        queryset=None,
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    capacity = _radios(
        Capacity.choices,
        "In what capacity?",
        "Choose in what capacity they answered",
        required=False,
    )
    competence_note = forms.CharField(
        label="Why is the child judged Gillick competent?",
        help_text="Only for a child under 16 answering for themselves",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    method = _radios(
        Method.choices, "How did they answer?", "Choose how they answered", required=False
    )
    scope = forms.CharField(
        label="What does it cover?",
        help_text="For sharing, name the agencies. For a referral, any limits the family set.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, people, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = people
        self.fields["given_by"].label_from_instance = lambda person: str(person)
        self.helper = FormHelper()
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("purpose", legend_size=Size.SMALL),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field.radios("given_by", legend_size=Size.SMALL),
            Field.radios("capacity", legend_size=Size.SMALL),
            Field.textarea("competence_note", label_size=Size.SMALL),
            Field.radios("method", legend_size=Size.SMALL, inline=True),
            Field.textarea("scope", label_size=Size.SMALL),
            Button("submit", "Save consent"),
        )
        _offer_children(self, children)

    def clean(self):
        cleaned = super().clean()
        if "children" in self.fields and not cleaned.get("children"):
            self.add_error("children", "Choose the children this answer is for")
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why was consent withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why consent was withdrawn"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.SMALL), Button("submit", "Withdraw consent")
        )


class ConsentExceptionForm(forms.Form):
    children = _children_field()
    purpose = _radios(
        [choice for choice in Purpose.choices if choice[0] != Purpose.FAMILY_NETWORK_MEETING],
        "What is going ahead without consent?",
        "Choose what is going ahead without consent",
    )
    reason = _radios(
        ExceptionReason.choices, "Why is consent not being sought?", "Choose the reason"
    )
    rationale = forms.CharField(
        label="Explain the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Explain why consent was not sought or not needed"},
    )
    family_told = _radios(
        FamilyTold.choices, "Has the family been told?", "Choose whether the family has been told"
    )
    family_told_date = DateInputField(
        label="When were they told?", required=False, help_text="For example, 27 3 2026"
    )
    not_told_reason = forms.CharField(
        label="Why will they not be told?", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("purpose", legend_size=Size.SMALL),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("rationale", label_size=Size.SMALL),
            Field.radios("family_told", legend_size=Size.SMALL),
            Field("family_told_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.textarea("not_told_reason", label_size=Size.SMALL),
            Button("submit", "Record the decision"),
        )
        _offer_children(self, children)

    def clean(self):
        cleaned = super().clean()
        if "children" in self.fields and not cleaned.get("children"):
            self.add_error("children", "Choose the children this decision is for")
        return cleaned


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read the rationale and approve going ahead without consent",
        error_messages={"required": "Confirm that you approve going ahead without consent"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.checkbox("confirm"), Button("submit", "Approve"))
