from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.regions import regions_differ, regions_in_words, regions_of
from twinning.meetings import festivals
from twinning.meetings.models import WEEKDAYS, Closure, DateCalendar
from twinning.workspace.forms import PupilChoice

TIME = {"type": "time"}
DATE = {"type": "date"}


class TimetableForm(forms.Form):
    """The school's hours for each day of the week (a day left empty has no lessons), its region and festivals."""

    subdivision = forms.ChoiceField(label=_("Region for public and school holidays"), required=False)
    date_calendar = forms.ChoiceField(label=_("Dates shown"), choices=DateCalendar.choices, required=False)
    keeps = forms.MultipleChoiceField(
        label=_("Religious festivals the school keeps"),
        choices=[
            (festivals.JEWISH, _("Jewish festivals (Rosh Hashanah to Shavuot)")),
            (festivals.MUSLIM, _("Muslim festivals (Eid al-Fitr and Eid al-Adha)")),
            (festivals.CHRISTIAN, _("Christian festivals (Good Friday to Christmas)")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No lessons on these days, on top of the country's public holidays."),
    )

    def __init__(self, *args, country: str, country_name: str = "", first_weekday: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.country, self.country_name = country, country_name or country
        regions = regions_of(country)
        self.region_needed = regions_differ(country)
        field = self.fields["subdivision"]
        field.choices = [("", _("Choose…") if self.region_needed else _("The whole country"))] + [
            (code, name if name == code else f"{name} ({code})") for code, name in regions
        ]
        field.error_messages["invalid_choice"] = _(
            "%(value)s is not a region of %(country)s. Choose one of: %(choices)s."
        ) % {"value": "\u2068%(value)s\u2069", "country": self.country_name, "choices": regions_in_words(country)}
        if not regions:
            field.widget = forms.HiddenInput()
        elif self.region_needed:
            field.help_text = _("Public and school holidays in %(country)s differ from region to region.") % {
                "country": self.country_name
            }
        self.days = []
        # The days in the order of the school's own week (Sunday first in Israel, Saturday in Palestine).
        for number, name in sorted(WEEKDAYS, key=lambda day: (day[0] - first_weekday) % 7):
            start = forms.TimeField(
                label=_("%(day)s: first lesson") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs=TIME, format="%H:%M"),
            )
            end = forms.TimeField(
                label=_("%(day)s: last lesson ends") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs=TIME, format="%H:%M"),
            )
            self.fields[f"start_{number}"], self.fields[f"end_{number}"] = start, end
            self.days.append((name, self[f"start_{number}"], self[f"end_{number}"]))

    def clean(self):
        data = super().clean()
        hours = {}
        for number, _name in WEEKDAYS:
            start, end = data.get(f"start_{number}"), data.get(f"end_{number}")
            if start is None and end is None:
                hours[number] = None
            elif start is None or end is None:
                self.add_error(
                    f"end_{number}" if start else f"start_{number}",
                    _("Give both the start and the end of this day, or leave both empty."),
                )
            elif end <= start:
                self.add_error(f"end_{number}", _("The school day must end after it starts."))
            else:
                hours[number] = (start, end)
        if not self.errors and not any(hours.values()):
            raise forms.ValidationError(_("Give the hours of at least one school day."))
        if self.region_needed and not data.get("subdivision") and "subdivision" not in self.errors:
            self.add_error("subdivision", region_missing_message(self.country, self.country_name))
        data["hours"] = hours
        return data


def region_missing_message(country: str, country_name: str) -> str:
    return _(
        "Choose the school's region: public and school holidays in %(country)s depend on it. "
        "The regions are: %(choices)s."
    ) % {"country": country_name, "choices": regions_in_words(country)}


class _Period(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs=DATE))
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs=DATE))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        return data


class TermForm(_Period):
    name = forms.CharField(label=_("Term"), max_length=80, widget=forms.TextInput(attrs={"dir": "auto"}))
    field_order = ["name", "first_day", "last_day"]


class ClosureForm(_Period):
    kind = forms.ChoiceField(label=_("Kind"), choices=Closure.Kind.choices)
    reason = forms.CharField(
        label=_("What it is"), max_length=120, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    field_order = ["kind", "reason", "first_day", "last_day"]


class MeetingForm(forms.Form):
    """A meeting proposed in the proposer's own time zone."""

    title = forms.CharField(label=_("Title"), max_length=160, widget=forms.TextInput(attrs={"dir": "auto"}))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs=DATE))
    start = forms.TimeField(label=_("Starts at (your time)"), widget=forms.TimeInput(attrs=TIME, format="%H:%M"))
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=240, initial=45)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The link of your school's own video tool. Only teachers and coordinators see it."),
    )
    agenda = forms.CharField(
        label=_("Plan for the meeting"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    to_be_recorded = forms.BooleanField(
        label=_("The meeting will be recorded"),
        required=False,
        help_text=_("Only if the family of every pupil of each school taking part agreed to it."),
    )

    def clean_day(self):
        # Said with the other fields' errors, not only once they are all right (the service checks again).
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose a time in the future."))
        return day

    def clean_video_link(self):
        link = self.cleaned_data["video_link"]
        if link and not link.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give a web address starting with https://."))
        return link

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("minutes"):
            zone = timezone.get_current_timezone()
            naive = datetime.combine(data["day"], data["start"])
            data["starts_at"] = timezone.make_aware(naive, zone)
            data["ends_at"] = data["starts_at"] + timedelta(minutes=data["minutes"])
            if data["starts_at"] <= timezone.now() and "day" not in self.errors:
                self.add_error("start", _("Choose a time in the future."))
        return data


class AnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("A word to the partners (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RecordForm(forms.Form):
    """What happened: held or not, who came from each school, notes, photos for the workspace."""

    held = forms.TypedChoiceField(
        label=_("Did the meeting take place?"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Yes, it took place")), ("no", _("No, it was cancelled"))],
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("Shared to the workspace's photos without their location and camera details."),
    )
    pupils = PupilChoice(
        label=_("Pupils who can be seen in the photos"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their families' consent is checked before the photos are shared."),
    )

    def __init__(self, *args, schools, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.attendance = []
        for school in schools:
            pupils = forms.IntegerField(
                label=_("Pupils of %(school)s") % {"school": school.name}, min_value=0, max_value=2000, required=False
            )
            teachers = forms.IntegerField(
                label=_("Teachers of %(school)s") % {"school": school.name}, min_value=0, max_value=200, required=False
            )
            self.fields[f"pupils_{school.pk}"], self.fields[f"teachers_{school.pk}"] = pupils, teachers
            self.attendance.append((school, self[f"pupils_{school.pk}"], self[f"teachers_{school.pk}"]))

    def counts(self) -> dict[int, tuple[int | None, int | None]]:
        return {
            school.pk: (self.cleaned_data.get(f"pupils_{school.pk}"), self.cleaned_data.get(f"teachers_{school.pk}"))
            for school, _p, _t in self.attendance
        }
