from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.school_year import school_year_label
from twinning.reporting.models import HIGHEST, LOWEST, Survey
from twinning.reporting.queries import NO_PROGRAMME

LANGUAGES = (("en", _("English")), ("he", _("Hebrew")), ("ar", _("Arabic")))
DIRECTIONS = {"en": "ltr", "he": "rtl", "ar": "rtl"}
# Whole sentences per language (a language's name may need another form inside a sentence).
TITLE_LABELS = {"en": _("Title in English"), "he": _("Title in Hebrew"), "ar": _("Title in Arabic")}
STATEMENT_LABELS = {
    "en": _("Statement %(number)s in English"),
    "he": _("Statement %(number)s in Hebrew"),
    "ar": _("Statement %(number)s in Arabic"),
}
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


class SurveyForm(forms.Form):
    """A questionnaire: a title and up to eight statements, each in one or more of English, Hebrew and Arabic."""

    nso = forms.TypedChoiceField(label=_("NSO"), coerce=int)
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    audience = forms.ChoiceField(label=_("Who answers"), choices=Survey.Audience.choices, initial=Survey.Audience.BOTH)

    def __init__(self, *args, nsos, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nso"].choices = [(n.pk, n.name) for n in nsos]
        if len(nsos) == 1:
            self.fields["nso"].initial = nsos[0].pk
        self.fields["school_year"].choices = [(year, school_year_label(year)) for year in years]
        for code, _name in LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=TITLE_LABELS[code],
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"dir": DIRECTIONS[code], "lang": code}),
            )
        for number in range(1, MOST_QUESTIONS + 1):
            for code, _name in LANGUAGES:
                self.fields[f"q{number}_{code}"] = forms.CharField(
                    label=STATEMENT_LABELS[code] % {"number": number},
                    max_length=300,
                    required=False,
                    widget=forms.TextInput(attrs={"dir": DIRECTIONS[code], "lang": code}),
                )

    def title_fields(self):
        return [self[f"title_{code}"] for code, _name in LANGUAGES]

    def question_rows(self):
        return [
            (number, [self[f"q{number}_{code}"] for code, _name in LANGUAGES])
            for number in range(1, MOST_QUESTIONS + 1)
        ]

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{code}") or "").strip() for code, _name in LANGUAGES):
            self.add_error("title_en", _("Give the questionnaire a title in at least one language."))
        if not self.questions():
            self.add_error("q1_en", _("Write at least one statement."))
        return data

    def titles(self) -> dict[str, str]:
        return {code: (self.cleaned_data.get(f"title_{code}") or "").strip() for code, _name in LANGUAGES}

    def questions(self) -> list[dict[str, str]]:
        """The statements written, in order, each in the languages it was written in (empty rows dropped)."""
        out = []
        for number in range(1, MOST_QUESTIONS + 1):
            texts = {code: (self.cleaned_data.get(f"q{number}_{code}") or "").strip() for code, _name in LANGUAGES}
            texts = {code: text for code, text in texts.items() if text}
            if texts:
                out.append(texts)
        return out


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
