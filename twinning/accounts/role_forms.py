"""The forms of the roles page: who is appointed (an existing account), where, and why."""

from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import User


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("Kept in the audit log with your name and the date."),
        error_messages={"required": _("Say why: the reason is kept in the audit log with your name and the date.")},
    )


def person_by_email(email: str) -> User:
    """The account with this address; nobody is created here, so an unknown address is a form error."""
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise forms.ValidationError(
            _(
                "No account uses this address. Nobody has been appointed: ask the person to create an "
                "account first (teachers join as teachers), then appoint them."
            ),
            code="unknown",
        )
    return person


class AppointForm(forms.Form):
    """A coordinator, NSO staff or a programme administrator: the scope from those the appointer may
    use (``nso:ID`` or ``programme:ID``; anything else is not a valid choice), and the person's e-mail."""

    scope = forms.ChoiceField(label=_("Where"))
    email = forms.EmailField(
        label=_("E-mail of their account"), widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"})
    )
    reason = reason_field()

    def __init__(self, *args, scopes: list, **kwargs):
        """`scopes` are the NSOs and programmes offered, as model instances."""
        super().__init__(*args, **kwargs)
        self._scopes = {f"{type(s).__name__.lower()}:{s.pk}": s for s in scopes}
        self.fields["scope"].choices = [("", _("Choose…"))] + [
            (key, scope.name) for key, scope in sorted(self._scopes.items(), key=lambda item: item[1].name.casefold())
        ]
        if len(self._scopes) == 1:
            self.fields["scope"].initial = next(iter(self._scopes))

    def clean_scope(self):
        return self._scopes[self.cleaned_data["scope"]]

    def clean_email(self):
        return person_by_email(self.cleaned_data["email"])


class AppointPrincipalForm(forms.Form):
    """A principal: one of the school's validated teachers, or anyone else by the e-mail of their account."""

    teacher = forms.ModelChoiceField(
        label=_("One of the school's teachers"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": _("Choose one of the school's teachers.")},
    )
    email = forms.EmailField(
        label=_("Or someone else: the e-mail of their account"),
        required=False,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    reason = reason_field()

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers

    def clean(self):
        data = super().clean()
        teacher, email = data.get("teacher"), data.get("email")
        if teacher is not None and email:
            raise forms.ValidationError(_("Choose a teacher or give an e-mail address, not both."))
        if teacher is None and not email and not self.has_error("teacher") and not self.has_error("email"):
            raise forms.ValidationError(_("Choose one of the school's teachers, or give the e-mail of an account."))
        if email:
            try:
                data["person"] = person_by_email(email)
            except forms.ValidationError as error:
                self.add_error("email", error)
        elif teacher is not None:
            data["person"] = teacher
        return data


class RemoveRoleForm(forms.Form):
    reason = reason_field()
