"""The region of a new school, asked at sign-up where its country's holidays differ by region."""

import re

from django.urls import reverse

from twinning.meetings.models import CalendarSettings
from twinning.schools.models import School
from twinning.schools.tests.conftest import new_school_data

BRITISH = {
    "country": "GB",
    "new_school_name": "Leeds Jewish Primary School",
    "new_school_native_name": "",
    "new_school_city": "Leeds",
    "new_school_type": "day",
    "new_school_languages": ["en"],
    "new_school_time_zone": "Europe/London",
    "new_school_week": "mon_fri",
}


def test_a_british_school_is_asked_its_region_with_the_choices(client, cast):
    response = client.post(reverse("schools:signup"), new_school_data(cast, **BRITISH))
    assert response.status_code == 200
    assert response.context["form"].errors["new_school_region"] == [
        "Choose your school's region: public and school holidays in United Kingdom depend on it. "
        "The regions are: \u2068England (ENG), Northern Ireland (NIR), Scotland (SCT), Wales (WLS)\u2069."
    ]
    page = response.content.decode()
    assert '<optgroup label="United Kingdom">' in page and '<option value="SCT">Scotland (SCT)</option>' in page
    assert not School.objects.filter(name=BRITISH["new_school_name"]).exists()


def test_a_region_of_another_country_is_refused_in_the_persons_language(client, cast):
    response = client.post(reverse("schools:signup"), new_school_data(cast, **BRITISH, new_school_region="BY"))
    assert response.context["form"].errors["new_school_region"] == [
        "\u2068BY\u2069 is not a region of United Kingdom. Choose one of: \u2068England (ENG), Northern Ireland (NIR), "
        "Scotland (SCT), Wales (WLS)\u2069."
    ]
    client.cookies["twinning_language"] = "he"
    response = client.post(reverse("schools:signup"), new_school_data(cast, **BRITISH, new_school_region="BY"))
    [error] = response.context["form"].errors["new_school_region"]
    assert re.search("[\u0590-\u05ff]", error) and "England (ENG)" in error, error
    # What was typed is kept.
    assert 'value="Leeds Jewish Primary School"' in response.content.decode()
    israeli = client.post(reverse("schools:signup"), new_school_data(cast, new_school_region="ENG"))
    assert "new_school_region" in israeli.context["form"].errors


def test_the_region_and_the_jewish_festivals_are_kept_in_the_new_schools_calendar(client, cast):
    response = client.post(reverse("schools:signup"), new_school_data(cast, **BRITISH, new_school_region="ENG"))
    assert response.status_code == 302
    settings = CalendarSettings.objects.get(school__name=BRITISH["new_school_name"])
    assert (settings.subdivision, settings.festivals, settings.date_calendar) == ("ENG", ("jewish",), "hebrew")
    # Israel has no regions for holidays: nothing to ask.
    assert client.post(reverse("schools:signup"), new_school_data(cast, email="b@example.org")).status_code == 302
    assert CalendarSettings.objects.get(school__name="Galil Democratic School").subdivision == ""
