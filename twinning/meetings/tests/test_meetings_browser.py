"""A real browser: a Hebrew-speaking teacher picks a common time on the week grid and proposes a meeting."""

import pytest

from twinning import testing
from twinning.meetings.models import Meeting
from twinning.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_teacher_proposes_a_meeting_from_the_week_grid_in_hebrew(page, live_server, cast):
    twinning = testing.active_twinning(cast, title="Letters across the sea", start=False)
    user = cast.teacher_a.user
    user.preferred_language, user.time_zone = "he", "Asia/Jerusalem"
    user.save(update_fields=["preferred_language", "time_zone"])

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")

    page.goto(f"{live_server.url}/twinnings/{twinning.pk}/meetings/?week=2027-01-10")
    assert page.get_attribute("html", "dir") == "rtl"
    # In Hebrew the week runs from right to left: Sunday's column is to the right of Monday's.
    columns = page.locator("svg.week-grid > text[text-anchor=middle]")
    assert columns.nth(0).bounding_box()["x"] > columns.nth(1).bounding_box()["x"]
    # Each green block is a common time; choosing one fills in the proposal form.
    page.locator("svg.week-grid a").first.click()
    assert page.input_value("input[name=start]") == "10:00"  # 08:00 in London
    page.fill("input[name=title]", "מפגש היכרות")
    page.click("#propose button[type=submit]")
    page.wait_for_selector("[data-testid=status]")

    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.title) == ("proposed", "מפגש היכרות")
    assert meeting.starts_at.isoformat() == "2027-01-11T08:00:00+00:00"
    assert "08:00" in page.locator("dl.facts").inner_text() or "8:00" in page.locator("dl.facts").inner_text()
