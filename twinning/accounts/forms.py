from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import User
from twinning.common.time_zones import TimeZoneSelect, time_zone_choices


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "dir": "ltr"}),
    )
    error_messages = {
        "invalid_login": _("That e-mail (or username) and password do not match an account. Check both and try again."),
        "inactive": _("This account has been closed."),
    }


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)

    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "time_zone"]
        labels = {"full_name": _("Full name"), "preferred_language": _("Language of the platform")}

    def __init__(self, *args, may_rename: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_rename:
            # A posted name is ignored, not refused: the field is simply not part of the form.
            del self.fields["full_name"]


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"dir": "ltr"}))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class DataSaverForm(forms.Form):
    """On, off, or as the browser asks (its Save-Data header): see ``common.data_saver``."""

    data_saver = forms.ChoiceField(
        label=_("Data saver"),
        choices=[
            ("browser", _("As my browser asks (on when it says it saves data)")),
            ("on", _("On: no autoplay, photos only when I tap them, the feed as text")),
            ("off", _("Off")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose on, off, or as your browser asks."),
            "invalid_choice": _("Choose on, off, or as your browser asks."),
        },
    )
    next = forms.CharField(required=False)


def _code_widget(*, numeric: bool, autofocus: bool = True) -> forms.TextInput:
    attrs = {"autocomplete": "one-time-code", "dir": "ltr", "spellcheck": "false"}
    if autofocus:
        attrs["autofocus"] = True
    if numeric:
        attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
    return forms.TextInput(attrs=attrs)


class SecondStepForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=_code_widget(numeric=False),
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        error_messages={"required": _("Type the code your app shows, or a recovery code.")},
    )


class AuthenticatorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        # The QR code comes first: on a phone, focusing the field would scroll it away.
        widget=_code_widget(numeric=True, autofocus=False),
        help_text=_("The six digits the app shows for Twinning."),
        error_messages={"required": _("Type the six digits the app shows.")},
    )


class RemoveSecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=10,
        # At the foot of a page of several choices: no jumping to it.
        widget=_code_widget(numeric=True, autofocus=False),
        error_messages={"required": _("Type the six digits your app shows now.")},
    )


class ResetSecondFactorForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("For example: lost phone, confirmed by a call on 3 March. Kept in the audit log."),
        error_messages={"required": _("Say why: the reason is kept in the audit log.")},
    )
