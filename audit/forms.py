from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False)
    person_id = forms.UUIDField(
        label="Person ID",
        required=False,
        error_messages={"invalid": "Enter a person ID in the form shown on the person's page"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter a real date, like 27/3/2026"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("person_id", field_width=20),
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
            Button("filter", "Filter"),
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
