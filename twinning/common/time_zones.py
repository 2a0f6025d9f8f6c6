"""Time zones as people, schools and profiles choose them: any zone of the IANA database."""

import functools
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
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


@functools.cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """UTC, then every "Region/City" zone by its name (legacy "Etc/" and "SystemV/" aliases left
    out), sorted; computed once per process."""
    zones = sorted(z for z in _known() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return (("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones))


# An option's attribute when chosen, as Django's own select writes it.
_SELECTED = mark_safe(" selected")  # noqa: S308  # nosec B308  # a constant: no outside text in it


class TimeZoneSelect(forms.Select):
    """The time-zone select: the same HTML as Django's, its ~600 options written in Python.

    Django's select renders a template for each option (and another for its attributes): for this
    list that was most of the time of every page showing it. Flat choices only (no groups), as
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
        rows, found = [], False
        for value, label in self.choices:
            text = "" if value is None else str(value)
            selected = not found and text in chosen
            found = found or selected
            rows.append((text, _SELECTED if selected else "", label))
        return format_html_join("\n", '<option value="{}"{}>{}</option>', rows)
