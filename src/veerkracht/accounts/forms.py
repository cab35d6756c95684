from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is not correct. Note that both are case-sensitive."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].label = _("Password")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
        error_messages={"required": _("Enter the six-digit code."), "min_length": _("Enter the six-digit code.")},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of digits only."))
        return token


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language of the application")}
