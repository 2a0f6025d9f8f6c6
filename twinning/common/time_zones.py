"""Time zones as people, schools and profiles choose them: any zone of the IANA database, named by
its city and country in the reader's language (CLDR, through Babel)."""

import functools
import zoneinfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


@functools.cache
def _known() -> frozenset[str]:
    # Listing the zones walks the whole time-zone database (some 600 files): once per process.
    # It only changes with a system update, which restarts the site anyway.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _known():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


Choice = tuple[str, str]
Group = tuple[str, tuple[Choice, ...]]


def time_zone_choices() -> tuple[Choice | Group, ...]:
    """UTC, then every zone under its country, both named in the reader's language; computed once
    per language and process.

    A zone reads as its city ("ירושלים", "القدس", "Buenos Aires"), in a group named after its country
    ("Argentina"), countries in the order of their names. The database's other names (old aliases
    such as "Asia/Calcutta", "Etc/" and "SystemV/" left out) stay choosable, under "Other time
    zones", so a value chosen before is never refused.
    """
    return _choices(translation.get_language() or settings.LANGUAGE_CODE)


@functools.cache
def _choices(language: str) -> tuple[Choice | Group, ...]:
    locale = Locale.parse(translation.to_locale(language))
    known = _known()
    groups: list[Group] = []
    listed: set[str] = set()
    for country, zones in get_global("territory_zones").items():
        zones = [zone for zone in zones if zone in known and not zone.startswith(("Etc/", "SystemV/"))]
        if len(country) != 2 or not zones:
            continue
        cities = [(zone, get_timezone_location(zone, locale=locale, return_city=True)) for zone in zones]
        repeated = {city for _zone, city in cities if [c for _z, c in cities].count(city) > 1}
        cities = [(zone, f"{city} ({zone})" if city in repeated else city) for zone, city in cities]
        groups.append((locale.territories.get(country, country), tuple(sorted(cities, key=lambda c: c[1]))))
        listed.update(zones)
    groups.sort(key=lambda group: group[0])
    with translation.override(language):
        other = str(_("Other time zones"))
    aliases = sorted(z for z in known if "/" in z and not z.startswith(("Etc/", "SystemV/")) and z not in listed)
    return (("UTC", "UTC"), *groups, (other, tuple((zone, zone.replace("_", " ")) for zone in aliases)))


def country_of_zone() -> dict[str, str]:
    """Each zone's country (ISO code), for a form that pre-chooses the zone of a school's country."""
    return {zone: country for country, zones in get_global("territory_zones").items() for zone in zones}


class TimeZoneSelect(forms.Select):
    """The time-zone select: the same HTML as Django's, its ~600 options written in Python.

    Django's select renders a template for each option (and another for its attributes): for this
    list that was most of the time of every page showing it. Options and groups of options, as
    ``time_zone_choices`` gives; as in Django's, the first option matching the value is selected.
    """

    template_name = "common/widgets/time_zone_select.html"

    def get_context(self, name, value, attrs):
        # Widget's context (name, attributes, the value as a list of strings), without Django's
        # per-option dictionaries ("optgroups") that this template does not read.
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["options"] = self._options(context["widget"]["value"])
        return context

    def _options(self, chosen: list[str]) -> str:
        lines, first = _rendered(_frozen(self.choices))
        at = min((first[value] for value in chosen if value in first), default=None)
        if at is not None:
            value, label = lines[at][1]
            lines = [
                *lines[:at],
                (format_html('<option value="{}" selected>{}</option>', value, label), None),
                *lines[at + 1 :],
            ]
        return mark_safe("\n".join(line for line, _option in lines))  # noqa: S308  # nosec B308, B703  # each line escaped by format_html


def _frozen(choices) -> tuple:
    """The choices as a key of ``_rendered``'s cache (Django hands them over as lists)."""
    return tuple(
        (value, tuple(map(tuple, label)) if isinstance(label, list | tuple) else label) for value, label in choices
    )


@functools.lru_cache(maxsize=16)
def _rendered(choices: tuple) -> tuple[list[tuple[str, tuple[str, str] | None]], dict[str, int]]:
    """The select's lines, once per list of choices (one per language): each option's HTML with its
    value and label (to write it again when chosen), and the line of each value's first option."""
    lines: list[tuple[str, tuple[str, str] | None]] = []
    first: dict[str, int] = {}

    def add(value, label) -> None:
        text = "" if value is None else str(value)
        first.setdefault(text, len(lines))
        lines.append((format_html('<option value="{}">{}</option>', text, label), (text, label)))

    for value, label in choices:
        if isinstance(label, list | tuple):
            lines.append((format_html('<optgroup label="{}">', value), None))
            for option_value, option_label in label:
                add(option_value, option_label)
            lines.append(("</optgroup>", None))
        else:
            add(value, label)
    return lines, first
