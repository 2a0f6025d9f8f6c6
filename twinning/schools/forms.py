import json
import re
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import AGE_CHOICES, LocalizedModelChoiceField, LocalizedModelMultipleChoiceField
from twinning.common.regions import is_region_of, regions_differ, regions_in_words, regions_of
from twinning.common.time_zones import TimeZoneSelect, time_zone_choices
from twinning.schools.models import (
    Country,
    Language,
    Programme,
    School,
    SchoolWeek,
    Subject,
    TeacherProfile,
    ValidationStatus,
)
from twinning.schools.services import NewSchool


def validate_latin_letters(value: str) -> None:
    """A school's name as partners abroad read it: letters of the Latin alphabet only (any accents)."""
    if any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in value):
        raise forms.ValidationError(
            _(
                "Write the name in Latin letters, as it is written in English. Its spelling in the "
                "school's own script goes in the next field."
            ),
            code="not_latin",
        )


class TeacherSignUpForm(forms.Form):
    """Sign-up of a teacher: who they are, what they teach, and their school (chosen or new).

    The school part works without JavaScript: "Find my school" re-renders the form with the
    matching schools to choose from; with htmx the same list appears as the person types.
    """

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    country = LocalizedModelChoiceField(
        label=_("Country of your school"), queryset=Country.objects.filter(nso__isnull=False), empty_label=_("Choose…")
    )
    # Reached from a programme's "how to join" (``/join/?programme=<slug>``): the school asks to join it.
    programme = LocalizedModelChoiceField(
        label=_("Programme your school asks to join"),
        queryset=Programme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("None for now"),
        help_text=_("The programme's coordinators decide; you can also ask later from your school's page."),
    )
    school_search = forms.CharField(
        label=_("Find your school"), required=False, max_length=100, help_text=_("Type part of its name or its city.")
    )
    school = forms.ModelChoiceField(
        label=_("Your school"),
        required=False,
        # Only validated schools are ever offered (the page is public); a tampered id of any other is "not found".
        queryset=School.objects.filter(status=ValidationStatus.VALIDATED).select_related("country"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("We could not find that school. Search again, or register it as a new school."),
        },
    )
    new_school_name = forms.CharField(
        label=_("School name (in Latin letters or English)"),
        max_length=200,
        required=False,
        validators=[validate_latin_letters],
    )
    new_school_native_name = forms.CharField(label=_("School name in its own language"), max_length=200, required=False)
    new_school_city = forms.CharField(label=_("City or town"), max_length=120, required=False)
    new_school_type = forms.ChoiceField(
        label=_("Type of school"), choices=[("", _("Choose…")), *School.Type.choices], required=False
    )
    # An empty first choice: with an age already chosen, the form believed every sign-up that had not
    # ticked a school was starting a new one, and asked for the new school's details.
    new_school_age_from = forms.TypedChoiceField(
        label=_("Youngest pupils' age"),
        choices=[("", _("Choose…")), *AGE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    new_school_age_to = forms.TypedChoiceField(
        label=_("Oldest pupils' age"),
        choices=[("", _("Choose…")), *AGE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    new_school_languages = LocalizedModelMultipleChoiceField(
        label=_("Languages of instruction"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_school_time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("Choose…")), *time_zone_choices()],
        required=False,
        widget=TimeZoneSelect,
    )
    new_school_week = forms.ChoiceField(
        label=_("School week"), choices=[("", _("Choose…")), *SchoolWeek.choices], required=False
    )
    new_school_region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=10,
        widget=forms.Select,
        help_text=_("Where public and school holidays differ from region to region (a state, a nation, a zone)."),
    )
    new_school_website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"})
    )
    subjects = LocalizedModelMultipleChoiceField(
        label=_("Subjects you teach"),
        queryset=Subject.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one subject.")},
    )
    languages = LocalizedModelMultipleChoiceField(
        label=_("Languages you can work in with a partner"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )

    NEW_SCHOOL_REQUIRED = (
        "new_school_name",
        "new_school_city",
        "new_school_type",
        "new_school_age_from",
        "new_school_age_to",
        "new_school_languages",
        "new_school_time_zone",
        "new_school_week",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The regions of each country whose holidays differ by region, grouped under the country's name.
        countries = list(self.fields["country"].queryset)
        groups = [
            (country.name, [(code, name if name == code else f"{name} ({code})") for code, name in regions_of(code)])
            for country in countries
            for code in [country.pk]
            if regions_differ(code)
        ]
        self.fields["new_school_region"].widget.choices = [("", _("The whole country")), *groups]
        # Each country's usual time zone: choosing the country pre-chooses it (common/site.js).
        zones = {country.pk: country.default_time_zone for country in countries}
        self.fields["new_school_time_zone"].widget.attrs["data-zone-of-country"] = json.dumps(zones)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            probe = _PasswordProbe(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        country, school = data.get("country"), data.get("school")
        programme = data.get("programme")
        if programme is not None and country is not None:
            countries = set(programme.countries.values_list("pk", flat=True))
            if countries and country.pk not in countries:
                self.add_error(
                    "programme",
                    _("%(programme)s does not connect schools of %(country)s.")
                    % {"programme": programme.name, "country": country.name},
                )
        if school is not None:
            if country is not None and school.country_id != country.pk:
                self.add_error("school", _("This school is not in the country you chose."))
        elif "school" not in self.errors:
            self._clean_new_school(data)
        return data

    def _clean_new_school(self, data):
        if not any(data.get(name) for name in self.NEW_SCHOOL_REQUIRED):
            self.add_error("school", _("Choose your school from the list, or register it as a new school below."))
            return
        for name in self.NEW_SCHOOL_REQUIRED:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This is needed to register a new school."))
        age_from, age_to = data.get("new_school_age_from"), data.get("new_school_age_to")
        if age_from is not None and age_to is not None and age_from > age_to:
            self.add_error("new_school_age_to", _("The oldest pupils cannot be younger than the youngest."))
        self._clean_region(data)

    def _clean_region(self, data):
        country, region = data.get("country"), data.get("new_school_region", "")
        if country is None or "new_school_region" in self.errors:
            return
        if region and not is_region_of(country.pk, region):
            choices = regions_in_words(country.pk)
            self.add_error(
                "new_school_region",
                _("%(region)s is not a region of %(country)s. Choose one of: %(choices)s.")
                % {"region": f"\u2068{region}\u2069", "country": country.name, "choices": choices}
                if choices
                else _("%(country)s has no regions for holidays: choose “The whole country”.")
                % {"country": country.name},
            )
        elif not region and regions_differ(country.pk):
            self.add_error(
                "new_school_region",
                _(
                    "Choose your school's region: public and school holidays in %(country)s depend on it. "
                    "The regions are: %(choices)s."
                )
                % {"country": country.name, "choices": regions_in_words(country.pk)},
            )

    def new_school(self) -> NewSchool | None:
        data = self.cleaned_data
        if data.get("school") is not None:
            return None
        return NewSchool(
            name=data["new_school_name"],
            native_name=data.get("new_school_native_name", ""),
            country=data["country"],
            city=data["new_school_city"],
            school_type=data["new_school_type"],
            age_from=data["new_school_age_from"],
            age_to=data["new_school_age_to"],
            languages=list(data["new_school_languages"]),
            time_zone=data["new_school_time_zone"],
            school_week=data["new_school_week"],
            website=data.get("new_school_website", ""),
            region=data.get("new_school_region", ""),
        )


class AccountSignUpForm(TeacherSignUpForm):
    """Sign-up through an account at a provider: the same form, less the address and the password,
    which the provider's verified account stands for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "password1", "password2"):
            del self.fields[name]


class _PasswordProbe:
    """Stands in for the person not yet created, so the similarity check can compare."""

    def __init__(self, *, email: str, full_name: str):
        self.email = email
        self.full_name = full_name
        self.username = ""


class TeacherProfileForm(forms.ModelForm):
    subjects = LocalizedModelMultipleChoiceField(
        label=_("Subjects you teach"),
        queryset=Subject.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = LocalizedModelMultipleChoiceField(
        label=_("Languages you can work in with a partner"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TeacherProfile
        fields = ["subjects", "languages", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the teacher will see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, so the teacher knows what to change.")},
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *[(c.code, c.name) for c in countries]]


class SchoolForm(forms.ModelForm):
    languages = LocalizedModelMultipleChoiceField(
        label=_("Languages of instruction"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)
    age_from = forms.TypedChoiceField(label=_("Youngest pupils' age"), choices=AGE_CHOICES, coerce=int)
    age_to = forms.TypedChoiceField(label=_("Oldest pupils' age"), choices=AGE_CHOICES, coerce=int)
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"})
    )

    class Meta:
        model = School
        fields = [
            "name",
            "native_name",
            "city",
            "school_type",
            "age_from",
            "age_to",
            "languages",
            "time_zone",
            "school_week",
            "website",
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_latin_letters(name)
        return name

    def clean(self):
        data = super().clean()
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_from"] > data["age_to"]:
            self.add_error("age_to", _("The oldest pupils cannot be younger than the youngest."))
        return data


class ProgrammeRulesForm(forms.Form):
    """A programme's pairing rules, as its coordinators set them."""

    max_age_gap = forms.IntegerField(
        label=_("Largest age gap between partner classes (years)"),
        min_value=0,
        max_value=10,
        help_text=_("0: the two classes' age ranges must overlap; 1: they may be a year apart, and so on."),
    )
    partners_from_other_countries = forms.BooleanField(
        label=_("Partners come from another country"),
        required=False,
        help_text=_("A school is never paired with a school of its own country."),
    )


class MembershipRequestForm(forms.Form):
    """A school asks to join one of the programmes open to it (``queries.programmes_open_to``)."""

    programme = LocalizedModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": _("Choose one of the programmes offered to your school.")},
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class MembershipReasonForm(forms.Form):
    """Why a programme refuses a school, or ends its membership: the school reads it."""

    reason = forms.CharField(
        label=_("Reason (the school will read it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        error_messages={"required": _("Say why, so the school knows what to change.")},
    )


# A domain name (any letters, as IDNA or not), or "*." and one: what an NSO's sign-up list holds.
DOMAIN_PATTERN = re.compile(r"^(\*\.)?([^\W_]([\w-]{0,61}[^\W_])?\.)+([^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})$")


class SignupDomainsForm(forms.Form):
    domains = forms.CharField(
        label=_("E-mail domains teachers may join from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "ltr", "spellcheck": "false"}),
        help_text=_(
            "One domain a line, such as education.gov.il, or *.edu.ps for every domain under edu.ps. "
            "Leave empty to let any address join. Teachers who already have an account keep it."
        ),
    )

    def clean_domains(self) -> list[str]:
        lines = [line.strip().lower().lstrip("@") for line in self.cleaned_data["domains"].splitlines()]
        domains = list(dict.fromkeys(line for line in lines if line))
        wrong = [domain for domain in domains if not DOMAIN_PATTERN.match(domain)]
        if wrong:
            raise forms.ValidationError(
                _("These are not domains: %(wrong)s. Write one domain a line, such as education.gov.il or *.edu.ps.")
                % {"wrong": ", ".join(f"\u2068{domain}\u2069" for domain in wrong)}
            )
        if len(domains) > 50:
            raise forms.ValidationError(_("At most 50 domains."))
        return domains
