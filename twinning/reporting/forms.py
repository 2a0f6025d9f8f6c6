from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import TranslatedTextField
from twinning.common.school_year import school_year_label
from twinning.reporting.models import HIGHEST, LOWEST, Survey
from twinning.reporting.queries import NO_PROGRAMME

MOST_QUESTIONS = 8


class ReportFilter(forms.Form):
    """The report's filters, with choices limited to what the reader may see; anything else is a form error."""

    school_year = forms.TypedChoiceField(
        label=_("School year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a school year from the list.")},
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list: the report covers only these.")},
    )
    programme = forms.TypedChoiceField(
        label=_("Programme"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a programme from the list.")},
    )

    def __init__(self, *args, years, countries, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [("", _("Every school year"))] + [
            (year, school_year_label(year)) for year in years
        ]
        self.fields["country"].choices = [("", _("Every country"))] + sorted(
            ((c.code, c.name) for c in countries), key=lambda pair: pair[1].casefold()
        )
        self.fields["programme"].choices = (
            [("", _("Every programme"))]
            + sorted(((p.pk, p.name) for p in programmes), key=lambda pair: pair[1].casefold())
            + [(NO_PROGRAMME, _("No programme"))]
        )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "school_year": data.get("school_year"),
            "country": data.get("country") or None,
            "programme": data.get("programme"),
        }


class ProgrammeYear(forms.Form):
    """The school year a programme's page compares with the one before."""

    school_year = forms.TypedChoiceField(
        label=_("School year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a school year from the list.")},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [(year, school_year_label(year)) for year in years]


class SurveyForm(forms.Form):
    """A questionnaire: who runs it (an NSO or a programme), a title and up to eight statements, each in one or
    more of the site's languages."""

    owner = forms.ChoiceField(
        label=_("Who runs it"),
        help_text=_(
            "An NSO's questionnaire is answered in the twinnings of its countries' schools; a programme's in the "
            "programme's twinnings, in every country."
        ),
        error_messages={"invalid_choice": _("Choose an NSO or a programme from the list.")},
    )
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    audience = forms.ChoiceField(label=_("Who answers"), choices=Survey.Audience.choices, initial=Survey.Audience.BOTH)
    title = TranslatedTextField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the questionnaire a title in at least one language.")},
    )

    def __init__(self, *args, nsos, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {f"nso-{n.pk}": n for n in nsos} | {f"programme-{p.pk}": p for p in programmes}
        choices = []
        if nsos:
            choices.append((_("NSOs"), [(f"nso-{n.pk}", n.name) for n in nsos]))
        if programmes:
            choices.append((_("Programmes"), [(f"programme-{p.pk}", p.name) for p in programmes]))
        self.fields["owner"].choices = choices
        if len(self.owners) == 1:
            self.fields["owner"].initial = next(iter(self.owners))
        self.fields["school_year"].choices = [(year, school_year_label(year)) for year in years]
        for number in range(1, MOST_QUESTIONS + 1):
            self.fields[f"q{number}"] = TranslatedTextField(
                label=_("Statement %(number)s") % {"number": number}, max_length=300, required=False
            )

    def question_fields(self):
        return [self[f"q{number}"] for number in range(1, MOST_QUESTIONS + 1)]

    def clean(self):
        data = super().clean()
        if "q1" not in self.errors and not self.questions():
            self.add_error("q1", _("Write at least one statement."))
        return data

    def runner(self) -> dict:
        """`nso=` or `programme=`, as the service takes it."""
        kind, _pk = self.cleaned_data["owner"].split("-", 1)
        return {kind: self.owners[self.cleaned_data["owner"]]}

    def titles(self) -> dict[str, str]:
        return self.cleaned_data["title"]

    def questions(self) -> list[dict[str, str]]:
        """The statements written, in order, each in the languages it was written in (empty rows dropped)."""
        texts = (self.cleaned_data.get(f"q{number}") for number in range(1, MOST_QUESTIONS + 1))
        return [statement for statement in texts if statement]


SCALE = [
    (1, _("1 · Disagree strongly")),
    (2, _("2 · Disagree")),
    (3, _("3 · Neither agree nor disagree")),
    (4, _("4 · Agree")),
    (5, _("5 · Agree strongly")),
]


class AnswerForm(forms.Form):
    """One 1–5 answer per statement; each must be answered."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer for this statement."),
                    "invalid_choice": _("Choose an answer from %(lowest)s to %(highest)s.")
                    % {"lowest": LOWEST, "highest": HIGHEST},
                },
            )

    def values(self) -> dict[int, int]:
        return {question.pk: self.cleaned_data[f"q{question.pk}"] for question in self.questions}
