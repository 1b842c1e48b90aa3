from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from locality.postcodes import ENTER_A_POSTCODE


class PostcodeCheckForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        help_text="A full postcode, like CV34 4RL, or the first part, like CV34",
        max_length=20,
        error_messages={
            "required": ENTER_A_POSTCODE,
            "max_length": "Postcode must be 8 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(
            Field.text("postcode", field_width=10),
            Button("check", "Check postcode"),
        )
