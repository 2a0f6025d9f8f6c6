"""The report's wide tables can be scrolled with the keyboard on a phone (axe: scrollable-region-focusable)."""

import pytest
from django.conf import settings

from twinning.testing import signed_in_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BOXES = """() => [...document.querySelectorAll('.table-wrap, .chart-wrap')].map(box => ({
    scrolls: box.scrollWidth > box.clientWidth + 1,
    tabindex: box.getAttribute('tabindex'),
    role: box.getAttribute('role'),
    name: box.getAttribute('aria-label'),
    section: box.closest('section[aria-labelledby]')?.querySelector('h2')?.textContent.trim() ?? null,
}))"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_table_wider_than_the_screen_takes_the_focus_and_one_that_fits_does_not(page, live_server, cast, language):
    cast.nso_il.preferred_language = language
    cast.nso_il.save(update_fields=["preferred_language"])
    key = signed_in_session(cast.nso_il)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reports/")
    boxes = page.evaluate(BOXES)
    assert any(box["scrolls"] for box in boxes)
    for box in boxes:
        if box["scrolls"]:
            assert box["tabindex"] == "0" and box["name"]
            # A region, or a group when its section is already a region of that name (axe: landmark-unique).
            assert box["role"] == ("group" if box["name"] == box["section"] else "region"), box
        else:
            assert box["tabindex"] is None and box["role"] is None
    # The keyboard reaches the first wide table and scrolls it.
    wide = page.locator(".table-wrap[tabindex='0']").first
    wide.focus()
    page.keyboard.press("ArrowLeft" if language == "ar" else "ArrowRight")
    page.wait_for_timeout(300)
    assert wide.evaluate("box => box.scrollLeft") != 0

    # On a desktop the same tables fit and add no Tab stop.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(300)
    for box in page.evaluate(BOXES):
        assert box["scrolls"] or box["tabindex"] is None
