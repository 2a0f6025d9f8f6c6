"""A real browser (Debian's Chromium) signs in and reads the dashboard in English and Hebrew."""

import pytest

from twinning.testing import PASSWORD, current_code, enrol_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def boxes(page, selector):
    return page.eval_on_selector_all(
        selector, "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    )


def test_dashboard_in_english_then_hebrew_mirrors_the_layout(page, live_server, cast):
    device = enrol_second_factor(cast.nso_il)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", cast.nso_il.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    # NSO staff type the code of their authenticator app next.
    page.wait_for_url(f"{live_server.url}/accounts/sign-in/code/?next=%2Fdashboard%2F")
    page.fill("input[name=code]", current_code(device))
    page.click("main button[type=submit]")

    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Hello, Noa"
    assert page.locator("[data-testid=nso-queue]").is_visible()
    english_nav = boxes(page, "[data-testid=main-nav] > ul > li")
    assert english_nav[0][0] < english_nav[-1][0], "in English the navigation reads left to right"

    page.click("form.language-switcher button[value=he]")
    page.wait_for_load_state()

    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "he"
    assert page.locator("[data-testid=nso-queue] h2").inner_text() == "אימות"
    nav = boxes(page, "[data-testid=main-nav] > ul > li")
    width = page.viewport_size["width"]
    brand_left, brand_right = boxes(page, ".brand")[0]
    assert nav[0][1] > nav[-1][1], "the first navigation item is the right-most"
    assert brand_right > width * 0.9, "the header starts on the right"
    assert nav[0][1] > width / 2, "the main navigation starts in the right half"
    assert nav[0][1] <= brand_left, "the navigation follows the brand, leftwards"

    # The choice is remembered on the account: a new session opens in Hebrew.
    cast.nso_il.refresh_from_db()
    assert cast.nso_il.preferred_language == "he"
