"""In a real browser: after a failed submit the focus is on the error summary, errors are visible on
every kind of field, the focus ring can be seen, and a navigation menu closes when tabbed past."""

import pytest
from playwright.sync_api import expect

from twinning.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BAD = "rgb(160, 34, 43)"  # --bad


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")


def test_a_failed_submit_leads_to_the_summary_and_from_it_to_each_field(page, live_server, cast):
    sign_in(page, live_server, cast.teacher_a.user)
    page.goto(f"{live_server.url}/matching/profile/")
    page.fill("textarea[name=vision]", "")
    page.fill("input[name=class_size]", "500")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-error-summary]")

    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    links = page.locator("[data-error-summary] a")
    assert links.count() >= 2
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href").removeprefix("#")
        assert page.locator(f"[id='{target}']").count() == 1
    # Following a link puts the focus on the field.
    first = links.nth(0).get_attribute("href").removeprefix("#")
    links.nth(0).click()
    assert page.evaluate("document.activeElement.id") == first
    # Text areas and inputs in error turn red, as selects did.
    for selector in ("textarea[name=vision]", "input[name=class_size]"):
        assert page.eval_on_selector(selector, "e => getComputedStyle(e).borderTopColor") == BAD
    # Each is described by its error.
    described = page.get_attribute("input[name=class_size]", "aria-describedby").split()
    assert "id_class_size_error" in described
    # What was typed is kept.
    assert page.input_value("input[name=class_size]") == "500"


def test_the_focus_ring_contrasts_and_menus_close_when_tabbed_past(page, live_server, cast):
    sign_in(page, live_server, cast.teacher_a.user)
    menu = page.locator(".main-nav details").first
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert menu.evaluate("d => d.open")
    # In the blue header the ring is light yellow.
    assert summary.evaluate("e => getComputedStyle(e).outlineColor") == "rgb(255, 213, 74)"
    for _ in range(menu.locator("a").count() + 1):
        page.keyboard.press("Tab")
    assert not menu.evaluate("d => d.open")
    # On the page, dark ink.
    page.locator("main a").first.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == "rgb(29, 37, 48)"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_the_header_folds_and_its_menus_stay_on_the_screen(page, live_server, cast, language):
    sign_in(page, live_server, cast.teacher_a.user)
    if language != "en":
        page.click(".language-switcher button[lang=ar]")
        page.wait_for_load_state()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/schools/")
    header = page.locator(".site-header")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and not page.locator("#main-nav").is_visible()
    assert header.bounding_box()["height"] <= 80  # it was 191 px, 23 % of the screen

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#main-nav").is_visible() and page.locator(".language-switcher").is_visible()
    menu = page.locator(".main-nav details").first
    menu.locator("summary").click()
    for box in (link.bounding_box() for link in menu.locator("a").all()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # On a desktop nothing is folded.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(page.locator("#main-nav")).to_be_visible()
