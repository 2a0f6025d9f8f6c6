from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import LocalizedModelChoiceField
from twinning.schools.models import Programme

LANGUAGES = (("en", _("English")), ("he", _("Hebrew")), ("ar", _("Arabic")))


class ProposeForm(forms.Form):
    """A title and a description in any of the three languages (at least one title)."""

    title_en = forms.CharField(
        label=_("Title in English"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    title_he = forms.CharField(
        label=_("Title in Hebrew"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    title_ar = forms.CharField(
        label=_("Title in Arabic"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_he = forms.CharField(
        label=_("Description in Hebrew"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
    )
    description_ar = forms.CharField(
        label=_("Description in Arabic"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
    )
    programme = LocalizedModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False, empty_label=_("No particular programme")
    )

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{code}") or "").strip() for code, _name in LANGUAGES):
            self.add_error("title_en", _("Give the twinning a title in at least one language."))
        return data

    def texts(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{prefix}_{code}", "") for code, _name in LANGUAGES}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ContactsForm(forms.Form):
    contact = PersonChoiceField(label=_("Contact"), queryset=None)
    second_contact = PersonChoiceField(
        label=_("Second contact"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Another teacher of your school who takes over if the contact leaves."),
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = teachers
        self.fields["second_contact"].queryset = teachers

    def clean(self):
        data = super().clean()
        if data.get("contact") and data.get("second_contact") == data.get("contact"):
            self.add_error("second_contact", _("The second contact must be another teacher."))
        return data
