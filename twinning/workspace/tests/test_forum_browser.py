"""A real browser posts to a twinning's forum in Arabic and the message reads right to left."""

import pytest

from twinning import testing
from twinning.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARABIC = "مرحبًا يا أصدقاءنا! سنكتب لكم عن مدينتنا وعن أعيادنا."


def test_forum_post_in_arabic_renders_right_to_left(page, live_server, cast):
    twinning = testing.active_twinning(cast, title="Letters across the sea")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", cast.teacher_b.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")

    # The interface stays English: the message's own direction must come from its text.
    page.goto(f"{live_server.url}/twinnings/{twinning.pk}/forum/")
    page.fill("input[name=title]", "رسالتنا الأولى")
    page.fill("textarea[name=body]", ARABIC)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=post]")

    body = page.locator("[data-testid=post] .post-body")
    assert body.inner_text().strip() == ARABIC
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator("h2 bdi").evaluate("el => el.matches(':dir(rtl)')")  # the title isolated, read right to left
    # Right-aligned: the text's right edge is at the right of its box, not its left.
    text_box = body.locator("p").evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); const t = r.getBoundingClientRect();"
        " const b = el.getBoundingClientRect(); return [t.right, b.right, t.left, b.left]; }"
    )
    text_right, box_right, text_left, box_left = text_box
    assert abs(box_right - text_right) < 2 and text_left - box_left > 50
    assert page.get_attribute("html", "dir") == "ltr"
