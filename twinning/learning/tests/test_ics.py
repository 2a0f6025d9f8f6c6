"""An offering's .ics never fails, whatever its organiser typed into a title or a place."""

import pytest
from icalendar import Calendar

from twinning.learning.models import Offering, Session
from twinning.learning.tests.conftest import make_offering

pytestmark = pytest.mark.django_db


def test_ics_offering_with_a_title_on_two_lines_is_a_valid_calendar(client, cast):
    offering = make_offering(cast, titles={"en": "Teaching\nwith tablets\r\n\x07"})
    Session.objects.filter(offering=offering).update(title="First\nevening", place="Room 4\nReali School")
    client.force_login(cast.nso_il)

    response = client.get(f"/learning/{offering.pk}/calendar.ics")

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["x-wr-calname"]) == "Teaching with tablets"
    assert str(event["summary"]) == "Teaching with tablets: First evening"
    assert str(event["location"]) == "Room 4 Reali School"
    assert Offering.objects.get().titles["en"] == "Teaching\nwith tablets\r\n\x07"
