from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import TranslatedTextField
from twinning.recognition import rubric
from twinning.recognition.services import EVIDENCE

SCORE_CHOICES = [("", "—")] + [(n, str(n)) for n in range(rubric.MAX_POINTS + 1)]
EVIDENCE_LABELS = {
    "pages": _("Pages"),
    "threads": _("Forum threads"),
    "media": _("Photos, clips and documents"),
    "meetings": _("Meetings held"),
}


class ApplicationForm(forms.Form):
    """The five eligibility questions, a text for each criterion, and evidence from the workspace."""

    def __init__(self, *args, twinning, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in rubric.ELIGIBILITY:
            self.fields[f"eligible_{code}"] = forms.BooleanField(label=label, required=False)
        for criterion in rubric.CRITERIA:
            self.fields[f"text_{criterion.code}"] = forms.CharField(
                label=criterion.label,
                help_text=criterion.question,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            )
        for key, (_field, available) in EVIDENCE.items():
            self.fields[f"evidence_{key}"] = forms.TypedMultipleChoiceField(
                label=EVIDENCE_LABELS[key],
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[(item.pk, _evidence_name(key, item)) for item in available(twinning).order_by("pk")[:200]],
            )

    @classmethod
    def initial_for(cls, application) -> dict:
        initial = {f"eligible_{code}": bool(application.eligibility.get(code)) for code in rubric.ELIGIBILITY_CODES}
        initial |= {f"text_{c.code}": application.texts.get(c.code, "") for c in rubric.CRITERIA}
        for key, (field, _available) in EVIDENCE.items():
            initial[f"evidence_{key}"] = list(getattr(application, field).values_list("pk", flat=True))
        return initial

    def parts(self) -> dict:
        data = self.cleaned_data
        return {
            "eligibility": {code: data[f"eligible_{code}"] for code in rubric.ELIGIBILITY_CODES},
            "texts": {c.code: data[f"text_{c.code}"] for c in rubric.CRITERIA},
            "evidence": {key: data[f"evidence_{key}"] for key in EVIDENCE},
        }

    def eligibility_fields(self):
        return [self[f"eligible_{code}"] for code in rubric.ELIGIBILITY_CODES]

    def text_fields(self):
        return [self[f"text_{c.code}"] for c in rubric.CRITERIA]

    def evidence_fields(self):
        return [self[f"evidence_{key}"] for key in EVIDENCE]


def _evidence_name(key: str, item) -> str:
    if key == "meetings":
        return f"{item.title} ({item.starts_at:%Y-%m-%d})"
    if key == "media":
        return item.title or item.original_name or item.get_kind_display()
    return item.title


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the NSO"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sub in rubric.SUBS:
            help_text = _("At least %(n)d points are needed for a label.") % {"n": sub.minimum} if sub.minimum else ""
            self.fields[f"score_{sub.code}"] = forms.TypedChoiceField(
                label=sub.label, choices=SCORE_CHOICES, coerce=int, help_text=help_text
            )

    def scores(self) -> dict[str, int]:
        return {sub.code: self.cleaned_data[f"score_{sub.code}"] for sub in rubric.SUBS}

    def by_criterion(self):
        return [(c, [self[f"score_{sub.code}"] for sub in c.subs]) for c in rubric.CRITERIA]


class DecisionForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback to the teacher"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class SchoolLabelForm(forms.Form):
    declaration = forms.CharField(
        label=_("The principal's declaration"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_(
            "How the school supports twinning (time for the teachers, devices, the families' consent) and "
            "that it keeps its pupils safe online."
        ),
    )


class SchoolDecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (needed to refuse)"), required=False, max_length=2000)


class InternationalForm(forms.Form):
    school_year = forms.IntegerField(label=_("School year (the year it starts in)"), min_value=2000, max_value=2100)
    share = forms.IntegerField(
        label=_("Share of the eligible national labels (%)"), min_value=1, max_value=100, initial=20
    )


class CategoryForm(forms.Form):
    name = TranslatedTextField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Name the category in at least one language.")},
    )
    school_year = forms.IntegerField(label=_("School year (the year it starts in)"), min_value=2000, max_value=2100)

    def __init__(self, *args, nsos, **kwargs):
        super().__init__(*args, **kwargs)
        if len(nsos) > 1:
            self.fields["nso"] = forms.TypedChoiceField(
                label=_("NSO"), coerce=int, choices=[(n.pk, n.name) for n in nsos]
            )


class NominationForm(forms.Form):
    label = forms.TypedChoiceField(label=_("Labelled project"), coerce=int)
    reason = forms.CharField(label=_("Why it is nominated"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].choices = [
            (label.pk, f"{label.twinning.title if label.twinning else '—'} · {label.school.name}") for label in labels
        ]
