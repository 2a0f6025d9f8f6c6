"""The forms of parents' consent: the teacher's (send a link, record a paper form) and the family's."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from twinning.consent.models import Use

YES, NO = "yes", "no"


def _language_choices():
    return list(settings.LANGUAGES)


class SendLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Parent's or guardian's e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "dir": "ltr"}),
        help_text=_("Used only to send the consent form and its reminders."),
    )
    language = forms.ChoiceField(label=_("The family's language"), choices=_language_choices)


class AnswersForm(forms.Form):
    """One yes/no question per use, each its own fieldset; `questions` are the statement's."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for use, label, explanation in questions:
            self.fields[use] = forms.ChoiceField(
                label=label,
                help_text=explanation,
                choices=[(YES, _("Yes, I agree")), (NO, _("No, I do not agree"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question: yes or no.")},
            )

    def answers(self) -> dict[str, bool]:
        return {use: self.cleaned_data[use] == YES for use in Use.values}


class PaperAnswersForm(AnswersForm):
    language = forms.ChoiceField(label=_("Language of the form the family signed"), choices=_language_choices)
    scan = forms.FileField(
        label=_("Scan or photo of the signed form"),
        required=False,
        help_text=_("A photo or a PDF. Kept for your school's teachers only."),
    )
