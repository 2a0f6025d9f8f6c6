from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import LocalizedModelChoiceField, TranslatedTextField
from twinning.schools.models import Programme


class ProposeForm(forms.Form):
    """A title and a description in any of the site's languages (a title in at least one)."""

    title = TranslatedTextField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the twinning a title in at least one language.")},
    )
    description = TranslatedTextField(label=_("Description"), max_length=4000, rows=3, required=False)
    programme = LocalizedModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False, empty_label=_("No particular programme")
    )


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
