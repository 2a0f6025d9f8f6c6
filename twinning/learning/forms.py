from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import LocalizedModelChoiceField, TranslatedTextField
from twinning.learning.models import Offering
from twinning.learning.services import Details
from twinning.schools.models import Language

DATE = {"type": "date"}
TIME = {"type": "time"}


def _when() -> forms.SplitDateTimeWidget:
    # A date and a time input: browsers' datetime-local pickers vary too much to rely on. The two are
    # grouped under the field's label (common/field.html: a fieldset and its legend), each named.
    widget = forms.SplitDateTimeWidget(
        date_attrs={**DATE, "aria-label": _("Date")},
        time_attrs={**TIME, "aria-label": _("Time")},
        date_format="%Y-%m-%d",
        time_format="%H:%M",
    )
    widget.grouped = True  # type: ignore[attr-defined]
    return widget


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Offering.Kind.choices])
    language = LocalizedModelChoiceField(
        label=_("Taught in"), queryset=Language.objects.all(), required=False, empty_label=_("Any language")
    )
    when = forms.ChoiceField(
        label=_("When"), required=False, choices=[("", _("Coming up")), ("past", _("Already over"))]
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "language": data["language"].pk if data.get("language") else "",
            "past": data.get("when") == "past",
        }


class OfferingForm(forms.Form):
    """An offering's words and rules; dates are entered in the organiser's own time zone."""

    organiser = forms.ChoiceField(label=_("Organised by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Offering.Kind.choices, widget=forms.RadioSelect)
    title = TranslatedTextField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give a title in at least one language.")}
    )
    description = TranslatedTextField(label=_("Description"), max_length=4000, rows=4, required=False)
    language = LocalizedModelChoiceField(label=_("Taught in"), queryset=Language.objects.all())
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000)
    audience = forms.ChoiceField(
        label=_("Who may register"), choices=Offering.Audience.choices, widget=forms.RadioSelect
    )
    opens_at = forms.SplitDateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=_when(),
        help_text=_("Empty: as soon as it is published."),
    )
    closes_at = forms.SplitDateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=_when(),
        help_text=_("Empty: when the first session starts."),
    )
    basis = forms.ChoiceField(label=_("Certificate for"), choices=Offering.Basis.choices, widget=forms.RadioSelect)
    sessions_required = forms.IntegerField(
        label=_("Sessions to attend for the certificate"),
        min_value=1,
        max_value=200,
        initial=1,
        help_text=_("Only when the certificate is for attending."),
    )
    hours = forms.DecimalField(
        label=_("Hours on the certificate"), required=False, min_value=Decimal("0.5"), max_value=1000, decimal_places=1
    )

    def __init__(self, *args, organisers=None, **kwargs):
        """`organisers`: (NSOs, programmes) to choose from when creating; None when editing."""
        super().__init__(*args, **kwargs)
        if organisers is None:
            del self.fields["organiser"]
        else:
            nsos, programmes = organisers
            self.fields["organiser"].choices = [(f"nso:{n.pk}", n.name) for n in nsos] + [
                (f"programme:{p.pk}", p.name) for p in programmes
            ]

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("Registration must close after it opens."))
        if data.get("basis") and data["basis"] != Offering.Basis.NONE and not data.get("hours"):
            self.add_error("hours", _("Give the number of hours the certificate states."))
        return data

    def organiser_rows(self, nsos, programmes) -> dict:
        kind, _sep, pk = self.cleaned_data["organiser"].partition(":")
        rows = nsos if kind == "nso" else programmes
        return {kind: rows.get(pk=int(pk))}

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            kind=data["kind"],
            titles=data["title"],
            descriptions=data["description"],
            language=data["language"],
            capacity=data["capacity"],
            audience=data["audience"],
            basis=data["basis"],
            sessions_required=data.get("sessions_required") or 1,
            hours=data.get("hours"),
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
        )

    @classmethod
    def initial_from(cls, offering: Offering) -> dict:
        initial = {
            name: getattr(offering, name)
            for name in ("kind", "language", "capacity", "audience", "basis", "sessions_required", "hours")
        }
        initial["title"], initial["description"] = offering.titles, offering.descriptions
        for name in ("opens_at", "closes_at"):
            value = getattr(offering, name)
            initial[name] = timezone.localtime(value) if value else None
        if offering.hours is not None and offering.hours == int(offering.hours):
            initial["hours"] = int(offering.hours)  # 12, not 12.0
        return initial


class SessionForm(forms.Form):
    """One session, on one day, in the organiser's own time zone."""

    title = forms.CharField(
        label=_("Title of the session"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Starts at (your time)"), widget=forms.TimeInput(attrs=TIME, format="%H:%M"))
    end = forms.TimeField(label=_("Ends at (your time)"), widget=forms.TimeInput(attrs=TIME, format="%H:%M"))
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For a face-to-face session: the address and the room."),
    )
    online_link = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
        help_text=_("For an online session. Only registered participants see the place and the link."),
    )

    def clean_online_link(self):
        link = self.cleaned_data["online_link"]
        if link and not link.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give a web address starting with https://."))
        return link

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            if data["end"] <= data["start"]:
                self.add_error("end", _("A session must end after it starts."))
            else:
                zone = timezone.get_current_timezone()
                data["starts_at"] = timezone.make_aware(datetime.combine(data["day"], data["start"]), zone)
                data["ends_at"] = timezone.make_aware(datetime.combine(data["day"], data["end"]), zone)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "title": data["title"],
            "place": data["place"],
            "online_link": data["online_link"],
        }

    @classmethod
    def initial_from(cls, session) -> dict:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "title": session.title,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "place": session.place,
            "online_link": session.online_link,
        }


class TickForm(forms.Form):
    """Attendance at a session, or completion: the registrations ticked, out of those listed."""

    ticked = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = [(r.pk, r.user.full_name) for r in registrations]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why?"), max_length=500, widget=forms.TextInput(attrs={"dir": "auto"}))


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("File"))


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("As printed on the certificate, for example 7KQM-X3PA-9WTR."),
    )
