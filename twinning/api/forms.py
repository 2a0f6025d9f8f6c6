from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from twinning.api import scopes


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, e.g. “Our school register” — so you know which to revoke."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the token may do.")},
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.TWINNING_API_TOKEN_MAX_DAYS,
        initial=90,
        help_text=_("It stops working after that; you can revoke it sooner."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope, scopes.label(scope)) for scope in scopes.all_scopes()]


class ClientForm(forms.Form):
    nso = forms.ModelChoiceField(label=_("NSO"), queryset=None, empty_label=None)
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("The system that will use it, e.g. “Our school register” — so you know which to revoke."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the client may do.")},
    )

    def __init__(self, *args, nsos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nso"].queryset = nsos
        if len(nsos) == 1:
            self.fields["nso"].widget = forms.HiddenInput()
            self.fields["nso"].initial = nsos[0].pk
        self.fields["scopes"].choices = [(scope, scopes.label(scope)) for scope in scopes.all_scopes()]
