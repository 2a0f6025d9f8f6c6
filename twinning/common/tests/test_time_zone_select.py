"""The time-zone choice: the list, and its select written like Django's own (see ``TimeZoneSelect``)."""

import re
import zoneinfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from twinning.common.time_zones import TimeZoneSelect, time_zone_choices


def _tags(html: str) -> str:
    """The HTML without the white space between its tags (Django's select writes a line per option)."""
    return re.sub(r">\s+<", "><", html).strip()


def values(choices) -> list[str]:
    flat = []
    for value, label in choices:
        flat.extend(v for v, _l in label) if isinstance(label, tuple) else flat.append(value)
    return flat


def test_time_zone_choices_are_utc_then_cities_grouped_by_country():
    choices = time_zone_choices()
    groups = [name for name, label in choices if isinstance(label, tuple)]

    assert choices[0] == ("UTC", "UTC")
    assert groups[-1] == "Other time zones"
    assert groups[:-1] == sorted(groups[:-1])
    assert ("America/Argentina/Buenos_Aires", "Buenos Aires") in dict(choices[1:])["Argentina"]
    assert ("Asia/Hebron", "Hebron") in dict(choices[1:])["Palestinian Territories"]
    # Every zone of the database but its legacy folders can be chosen, once.
    zones = values(choices)
    assert len(zones) == len(set(zones))
    assert set(zones) == {
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    } | {"UTC"}
    assert ("Asia/Calcutta", "Asia/Calcutta") in dict(choices[1:])["Other time zones"]
    assert time_zone_choices() is choices  # listed once per language and process


@pytest.mark.parametrize(
    ("language", "country", "city"),
    [("he", "ישראל", "ירושלים"), ("ar", "إسرائيل", "القدس"), ("ar", "الأراضي الفلسطينية", "غزة")],
)
def test_cities_and_countries_are_named_in_the_readers_language(language, country, city):
    with translation.override(language):
        choices = dict(time_zone_choices()[1:])
    assert city in {label for _zone, label in choices[country]}
    assert not any("/" in label for _zone, label in choices[country])


@pytest.mark.parametrize("value", ["Asia/Jerusalem", "UTC", "", None, "Mars/Olympus", '"><script>'])
@pytest.mark.parametrize("with_empty_choice", [False, True])
def test_time_zone_select_writes_the_same_html_as_djangos_select(value, with_empty_choice):
    choices = [("", _("Choose…")), *time_zone_choices()] if with_empty_choice else time_zone_choices()
    attrs = {"id": "id_time_zone", "required": True, "aria-describedby": 'help "zone"'}

    with translation.override("he"):
        ours = TimeZoneSelect(choices=choices).render("time_zone", value, attrs=attrs)
        djangos = forms.Select(choices=choices).render("time_zone", value, attrs=attrs)

    assert _tags(ours) == _tags(djangos)


def test_time_zone_select_selects_only_the_first_option_of_a_repeated_value():
    choices = [("a&b", "A <&> B"), ("UTC", "UTC"), ("UTC", "UTC again")]

    html = TimeZoneSelect(choices=choices).render("zone", "UTC")

    assert _tags(html) == _tags(forms.Select(choices=choices).render("zone", "UTC"))
    assert html.count(" selected") == 1


def test_profile_page_shows_the_persons_own_time_zone_chosen(client, cast):
    user = cast.teacher_a.user
    user.time_zone = "America/Argentina/Buenos_Aires"
    user.save(update_fields=["time_zone"])
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()

    select = re.search(r'<select name="person-time_zone".*?</select>', page, re.DOTALL).group()
    assert re.findall(r'<option value="([^"]*)" selected>', select) == ["America/Argentina/Buenos_Aires"]
    assert select.count("<option ") == len(values(time_zone_choices()))
    assert "<optgroup " in select
