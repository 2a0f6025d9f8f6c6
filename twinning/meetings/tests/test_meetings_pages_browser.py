"""A real browser: the meeting page partners open from their notification and the twinning's meetings page
fit a phone in every language, the year's days are one Tab stop with arrow keys inside (mirrored right to
left), and axe-core finds nothing to fix."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from twinning import testing
from twinning.meetings.tests.conftest import first_window, make_meeting
from twinning.schools.models import School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_NAME = "The Hendon and Golders Green Jewish Primary School and Nursery of the London Borough of Barnet"


@pytest.fixture
def pages(cast, twinning, live_server):
    """The two pages as a teacher of the British school sees them, its name as long as real ones get."""
    School.objects.filter(pk=cast.school_b.pk).update(name=LONG_NAME)
    window = first_window(twinning)
    meeting = make_meeting(twinning, cast, starts_at=window.start)
    return {
        "meeting": f"{live_server.url}/twinnings/{twinning.pk}/meetings/{meeting.pk}/",
        # The week of the meeting: the week grid has blocks to choose.
        "meetings": f"{live_server.url}/twinnings/{twinning.pk}/meetings/?week={window.start.date().isoformat()}",
    }


def signed_in(context, live_server, user, language: str):
    type(user).objects.filter(pk=user.pk).update(preferred_language=language, time_zone="Europe/London")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(user), "url": live_server.url}]
    )
    return context.new_page()


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_both_pages_fit_a_phone_without_sideways_scroll(browser, live_server, cast, pages, language):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = signed_in(context, live_server, cast.teacher_b.user, language)
    for url in pages.values():
        page.goto(url)
        assert page.evaluate("document.documentElement.dir") == ("ltr" if language == "en" else "rtl")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    # The year keeps its own scroll inside the page.
    assert page.evaluate("document.querySelector('.year-wrap').scrollWidth") > 390
    context.close()


def _focused_day(page) -> str | None:
    return page.evaluate("document.activeElement.closest('[data-day]')?.dataset.day ?? null")


@pytest.mark.parametrize("language", ["en", "he"])
def test_the_year_is_one_tab_stop_with_arrow_keys_in_the_reading_direction(browser, live_server, cast, pages, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = signed_in(context, live_server, cast.teacher_b.user, language)
    page.goto(pages["meetings"])
    assert page.locator("svg.week-grid a").count() >= 1
    # From the top of the page, Tab by Tab: "Propose a meeting" comes early, and the whole year is one stop.
    stops, year_stops, to_propose = 0, 0, None
    while stops < 80:
        page.keyboard.press("Tab")
        stops += 1
        if page.evaluate("document.activeElement.dataset.testid") == "to-propose":
            to_propose = stops
        if _focused_day(page):
            year_stops += 1
            start = _focused_day(page)
        if page.evaluate("document.activeElement.name") == "title":
            break
    assert to_propose is not None and to_propose <= 25
    assert year_stops == 1
    assert stops <= 60  # the proposal form's first field; 366 stops when the year was 334 links
    # Inside the year: down to the next day, and the week after in the reading direction.
    page.focus(f"[data-day='{start}']")
    page.keyboard.press("ArrowDown")
    day = date.fromisoformat(start) + timedelta(days=1)
    assert _focused_day(page) == day.isoformat()
    page.keyboard.press("ArrowLeft" if language == "he" else "ArrowRight")
    assert _focused_day(page) == (day + timedelta(days=7)).isoformat()
    page.keyboard.press("ArrowRight" if language == "he" else "ArrowLeft")
    assert _focused_day(page) == day.isoformat()
    assert page.locator("[data-year] [tabindex='0']").count() == 1  # the stop moved with the focus
    # Leaving and coming back lands on the day last chosen.
    page.keyboard.press("Tab")
    assert _focused_day(page) is None
    page.keyboard.press("Shift+Tab")
    assert _focused_day(page) == day.isoformat()
    context.close()


@pytest.mark.skipif(
    not testing.AXE_SCRIPT.exists(), reason="axe-core is not installed: `make browser-deps` installs it with npm"
)
@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_axe_finds_no_violation_on_either_page(browser, live_server, cast, pages, language):
    # axe is injected as a script of its own: the page's CSP (script-src 'self') is bypassed for it alone.
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = signed_in(context, live_server, cast.teacher_b.user, language)
        for url in pages.values():
            page.goto(url)
            found = testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
            assert found == [], f"{url} at {width} px:\n{testing.describe_violations(found)}"
        context.close()
