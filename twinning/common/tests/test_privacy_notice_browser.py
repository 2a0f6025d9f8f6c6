"""The privacy notice reads on a phone: in Arabic, right to left, nothing wider than the screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["ar", "he", "en"])
def test_notice_fits_a_phone_screen(page, live_server, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/")
    page.click("[data-testid=privacy-link]")
    page.wait_for_selector("[data-testid=notice-group]")
    assert page.evaluate("document.documentElement.dir") == ("ltr" if language == "en" else "rtl")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("[data-testid=notice-group]").count() >= 10
