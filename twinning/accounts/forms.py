import functools
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import User


@functools.cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """The time zones a person or a school may choose: UTC, then every "Area/City" zone, sorted.

    Computed once per process: listing them walks the whole time-zone database (some 600 files),
    which every form showing the choice would otherwise do again. The database only changes with
    a system update, which restarts the site anyway.
    """
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return (("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones))


# An option's attribute when chosen, as Django's own select writes it.
_SELECTED = mark_safe(" selected")  # noqa: S308  # nosec B308  # a constant: no outside text in it


class TimeZoneSelect(forms.Select):
    """The time-zone select: the same HTML as Django's, its ~600 options written in Python.

    Django's select renders a template for each option (and another for its attributes): for this
    list that was most of the time of every page showing it. Flat choices only (no groups), as
    ``time_zone_choices`` gives; as in Django's, the first option matching the value is selected.
    """

    template_name = "accounts/widgets/time_zone_select.html"

    def get_context(self, name, value, attrs):
        # Widget's context (name, attributes, the value as a list of strings), without Django's
        # per-option dictionaries ("optgroups") that this template does not read.
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["options"] = self._options(context["widget"]["value"])
        return context

    def _options(self, chosen: list[str]) -> str:
        rows, found = [], False
        for value, label in self.choices:
            text = "" if value is None else str(value)
            selected = not found and text in chosen
            found = found or selected
            rows.append((text, _SELECTED if selected else "", label))
        return format_html_join("\n", '<option value="{}"{}>{}</option>', rows)


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
