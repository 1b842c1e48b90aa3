from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your manager to restore it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Button("submit", "Sign in"),
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=6,
        error_messages={"required": "Enter the 6-digit security code"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("token", field_width=5), Button("submit", "Continue")
        )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not (len(token) == 6 and token.isdigit()):
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return token
