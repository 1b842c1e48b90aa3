from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from accounts.models import Role, User
from referrals.models import ConsultationStatus

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
