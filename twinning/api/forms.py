from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from twinning.api import scopes


def _name_field(help_text) -> forms.CharField:
    """The name a token or a client is known by on its page."""
    return forms.CharField(label=_("Name"), max_length=80, help_text=help_text)


def _scopes_field(required) -> forms.MultipleChoiceField:
    """What a token or a client may do: the API's scopes as checkboxes (offered by ``_offer_scopes``)."""
    return forms.MultipleChoiceField(
        label=_("What it may do"), widget=forms.CheckboxSelectMultiple, error_messages={"required": required}
    )


def _offer_scopes(form: forms.Form) -> None:
    """Every scope the API knows now, in the reader's language, as the choices of the form's scopes field."""
    form.fields["scopes"].choices = [(scope, scopes.label(scope)) for scope in scopes.all_scopes()]


class TokenForm(forms.Form):
    name = _name_field(_("What will use it, e.g. “Our school register” — so you know which to revoke."))
    scopes = _scopes_field(_("Choose at least one thing the token may do."))
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.TWINNING_API_TOKEN_MAX_DAYS,
        initial=90,
        help_text=_("It stops working after that; you can revoke it sooner."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_scopes(self)


class ClientForm(forms.Form):
    nso = forms.ModelChoiceField(label=_("NSO"), queryset=None, empty_label=None)
    name = _name_field(_("The system that will use it, e.g. “Our school register” — so you know which to revoke."))
    scopes = _scopes_field(_("Choose at least one thing the client may do."))

    def __init__(self, *args, nsos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nso"].queryset = nsos
        if len(nsos) == 1:
            self.fields["nso"].widget = forms.HiddenInput()
            self.fields["nso"].initial = nsos[0].pk
        _offer_scopes(self)
