from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import (
    AGE_CHOICES,
    LocalizedModelChoiceField,
    LocalizedModelMultipleChoiceField,
    PlainSelect,
)
from twinning.common.time_zones import TimeZoneSelect, time_zone_choices
from twinning.matching.models import CohortRun, LanguageLevel, Objective, ProfileLanguage, TwinningProfile
from twinning.schools.models import Country, Language, Programme, Subject

LEVEL_FIELDS = (
    ("languages_fluent", LanguageLevel.FLUENT),
    ("languages_good", LanguageLevel.GOOD),
    ("languages_basic", LanguageLevel.BASIC),
)


class TwinningProfileForm(forms.ModelForm):
    """A school's twinning profile. Languages are three lists (fluent, good, basic): no script needed."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)
    age_from = forms.TypedChoiceField(label=_("Youngest pupils' age"), choices=AGE_CHOICES, coerce=int)
    age_to = forms.TypedChoiceField(label=_("Oldest pupils' age"), choices=AGE_CHOICES, coerce=int)
    objectives = LocalizedModelMultipleChoiceField(
        label=_("Objectives"), queryset=Objective.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    themes = LocalizedModelMultipleChoiceField(
        label=_("Themes and subjects"), queryset=Subject.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    languages_fluent = LocalizedModelMultipleChoiceField(
        label=_("Languages the class works in fluently"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages_good = LocalizedModelMultipleChoiceField(
        label=_("Languages the class works in well"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages_basic = LocalizedModelMultipleChoiceField(
        label=_("Languages the class knows a little"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programme = LocalizedModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False, empty_label=_("No particular programme")
    )
    wanted_countries = LocalizedModelMultipleChoiceField(
        label=_("Partner countries wanted"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Leave empty for any country."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "scroll-choices"}),
    )
    excluded_countries = LocalizedModelMultipleChoiceField(
        label=_("Countries to leave out"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "scroll-choices"}),
    )

    class Meta:
        model = TwinningProfile
        fields = [
            "vision",
            "objectives",
            "themes",
            "age_from",
            "age_to",
            "class_size",
            "capacity",
            "programme",
            "wanted_countries",
            "excluded_countries",
            "time_zone",
            "school_week",
            "day_start",
            "day_end",
            "live_video",
            "devices",
            "looking",
        ]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            levels = dict(self.instance.languages.values_list("language_id", "level"))
            for name, level in LEVEL_FIELDS:
                self.initial[name] = [code for code, lv in levels.items() if lv == level]

    def clean(self):
        data = super().clean()
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_from"] > data["age_to"]:
            self.add_error("age_to", _("The oldest pupils cannot be younger than the youngest."))
        if data.get("day_start") and data.get("day_end") and data["day_start"] >= data["day_end"]:
            self.add_error("day_end", _("The school day must end after it starts."))
        seen: dict[str, str] = {}
        for name, _level in LEVEL_FIELDS:
            for language in data.get(name) or ():
                if language.code in seen:
                    self.add_error(
                        name, _("%(language)s is chosen at two levels: keep one.") % {"language": language.name}
                    )
                seen[language.code] = name
        if not seen:
            self.add_error("languages_fluent", _("Choose at least one language the class can work in."))
        overlap = set(data.get("wanted_countries") or ()) & set(data.get("excluded_countries") or ())
        if overlap:
            self.add_error("excluded_countries", _("A country cannot be both wanted and left out."))
        return data

    @transaction.atomic
    def save(self, commit=True):
        profile = super().save(commit=commit)
        ProfileLanguage.objects.filter(profile=profile).delete()
        ProfileLanguage.objects.bulk_create(
            [
                ProfileLanguage(profile=profile, language=language, level=level)
                for name, level in LEVEL_FIELDS
                for language in self.cleaned_data.get(name) or ()
            ]
        )
        return profile


class SearchForm(forms.Form):
    country = LocalizedModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, empty_label=_("Any country")
    )
    age = forms.TypedChoiceField(
        label=_("Pupils' age"),
        choices=[("", _("Any age")), *AGE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        widget=PlainSelect,
    )
    language = LocalizedModelChoiceField(
        label=_("Working language"), queryset=Language.objects.all(), required=False, empty_label=_("Any language")
    )
    theme = LocalizedModelChoiceField(
        label=_("Theme"), queryset=Subject.objects.all(), required=False, empty_label=_("Any theme")
    )
    # Only the programmes the searcher's school takes part in, never "any": partners are found within
    # one of them (the view chooses the profile's own when none is sent).
    programme = LocalizedModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, programmes: list[Programme], **kwargs):
        super().__init__(*args, **kwargs)
        # The school's programmes, read once by the view: listed from that list, checked by a query.
        field = self.fields["programme"]
        field.queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
        field.choices = [(p.pk, p.name) for p in sorted(programmes, key=lambda p: p.name.casefold())]


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the partner school"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class AnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not? (required to decline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class CohortForm(forms.Form):
    """A cohort: the first side's countries (the person's own), and the second side's or one pool."""

    shape = forms.ChoiceField(
        label=_("Shape"), choices=CohortRun.Shape.choices, widget=forms.RadioSelect, initial=CohortRun.Shape.TWO_SIDES
    )
    left_countries = LocalizedModelMultipleChoiceField(
        label=_("Schools from"), queryset=Country.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    right_countries = LocalizedModelMultipleChoiceField(
        label=_("Partners from (two sides only)"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    right_all_others = forms.BooleanField(
        label=_("All other countries of the programme"),
        required=False,
        help_text=_("Instead of ticking them one by one. Without a programme: every other country."),
    )
    programme = LocalizedModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Every school looking this year"),
    )
    fairness = forms.ChoiceField(
        label=_("Fairness"),
        choices=CohortRun.Fairness.choices,
        widget=forms.RadioSelect,
        initial=CohortRun.Fairness.TOTAL,
        required=False,
        help_text=_("The review shows what a fair choice cost in total fit and gained for the worst-off school."),
    )
    min_fit = forms.IntegerField(
        label=_("Minimum fit (%)"),
        min_value=0,
        max_value=95,
        initial=35,
        help_text=_("Pairs that fit less well are never proposed; those schools stay for you to pair by hand."),
    )

    def __init__(self, *args, home_countries, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_countries"].queryset = home_countries
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        data["fairness"] = data.get("fairness") or CohortRun.Fairness.TOTAL
        if data.get("shape") == CohortRun.Shape.TWO_SIDES and data.get("right_all_others"):
            programme = data.get("programme")
            countries = programme.countries.all() if programme is not None else Country.objects.all()
            left = [country.pk for country in data.get("left_countries") or ()]
            data["right_countries"] = list(countries.exclude(pk__in=left))
            if not data["right_countries"]:
                self.add_error("right_all_others", _("The programme has no other country."))
                return data
        if data.get("shape") == CohortRun.Shape.TWO_SIDES and not data.get("right_countries"):
            self.add_error("right_countries", _("Choose the countries of the second side."))
        if set(data.get("left_countries") or ()) & set(data.get("right_countries") or ()):
            self.add_error("right_countries", _("A country cannot be on both sides."))
        return data
