from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import AGE_CHOICES, LocalizedModelChoiceField, LocalizedModelMultipleChoiceField
from twinning.library.models import Occasion, Version
from twinning.library.queries import SORTS
from twinning.library.services import Text
from twinning.schools.models import Language, Subject

DURATIONS = [
    (45, _("Up to one lesson (45 minutes)")),
    (90, _("Up to two lessons (90 minutes)")),
    (240, _("Up to half a day")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    theme = LocalizedModelChoiceField(
        label=_("Theme"), queryset=Subject.objects.all(), required=False, empty_label=_("Any theme")
    )
    language = LocalizedModelChoiceField(
        label=_("Language the pupils use"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("Any language"),
    )
    occasion = LocalizedModelChoiceField(
        label=_("Occasion"), queryset=Occasion.objects.all(), required=False, empty_label=_("Any occasion")
    )
    age = forms.TypedChoiceField(
        label=_("Pupils' age"), choices=[("", _("Any age")), *AGE_CHOICES], coerce=int, required=False, empty_value=None
    )
    longest = forms.TypedChoiceField(
        label=_("Class time"), choices=[("", _("Any length")), *DURATIONS], coerce=int, required=False, empty_value=None
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("used", _("Most used first")), ("new", _("Newest first")), ("title", _("By title"))],
    )
    # The twinning a teacher came from (its plan page), so "Add to the plan" has it chosen already.
    twinning = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict:
        data = self.cleaned_data
        sort = data.get("sort") or "used"
        return {
            "text": data.get("q") or "",
            "theme": data["theme"].pk if data.get("theme") else "",
            "language": data["language"].pk if data.get("language") else "",
            "occasion": data["occasion"].pk if data.get("occasion") else "",
            "age": data.get("age"),
            "longest": data.get("longest"),
            "sort": sort if sort in SORTS else "used",
        }


class VersionForm(forms.ModelForm):
    age_from = forms.TypedChoiceField(label=_("From age"), choices=AGE_CHOICES, coerce=int)
    age_to = forms.TypedChoiceField(label=_("To age"), choices=AGE_CHOICES, coerce=int)
    duration_minutes = forms.IntegerField(label=_("Class time in minutes"), min_value=5, max_value=1200)
    text_language = LocalizedModelChoiceField(label=_("Written in"), queryset=Language.objects.all())
    themes = LocalizedModelMultipleChoiceField(
        label=_("Themes and subjects"), queryset=Subject.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    languages = LocalizedModelMultipleChoiceField(
        label=_("Languages the pupils use"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages the classes talk and write in during the activity."),
    )
    occasions = LocalizedModelMultipleChoiceField(
        label=_("Occasions"), queryset=Occasion.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Version
        fields = [
            "title",
            "summary",
            "goals",
            "steps",
            "materials",
            "age_from",
            "age_to",
            "duration_minutes",
            "text_language",
            "themes",
            "languages",
            "occasions",
            "change_note",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "goals": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "steps": forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
            "materials": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "change_note": forms.TextInput(attrs={"dir": "auto"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_to"] < data["age_from"]:
            self.add_error("age_to", _("The oldest age cannot be below the youngest."))
        return data

    def text(self) -> Text:
        data = self.cleaned_data
        return Text(**{name: data[name] for name in self.Meta.fields})


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AddToPlanForm(forms.Form):
    twinning = forms.TypedChoiceField(label=_("Twinning"), coerce=int)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, twinnings, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["twinning"].choices = [(t.pk, t.title) for t in twinnings]

    def clean(self):
        data = super().clean()
        if data.get("due_on") and data.get("starts_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The activity cannot be due before it starts."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"), max_length=500, widget=forms.TextInput(attrs={"dir": "auto"})
    )
