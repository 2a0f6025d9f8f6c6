"""A real browser, as a phone: a parent answers in Arabic, and the teacher's clip of their child is refused."""

import pytest

from twinning.common.uploads.tests.corpus import phone_mp4
from twinning.consent import queries, services
from twinning.consent.models import ConsentAnswer
from twinning.testing import PASSWORD
from twinning.workspace.models import MediaItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_parent_agrees_to_photos_not_video_in_arabic_on_a_phone_and_the_clip_is_refused(
    page, live_server, cast, twinning, pupils, media_root
):
    ours, _theirs = pupils
    form = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="um@example.org", language="ar")
    path = services.link_path(queries.link_token(form))

    # The parent, on a phone, with no account.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Sending with no answer names each question in the error summary.
    page.click("form[action$='/answer/'] button[type=submit]")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.locator("li").count() == 7
    assert ConsentAnswer.objects.count() == 0
    # Each use is its own group, answered by its label.
    photos = page.locator("fieldset#question-photos")
    assert photos.locator("legend").inner_text() == "الظهور في الصور"
    photos.get_by_label("نعم، أوافق").check()
    for use in ("video", "voice", "full_name", "live", "recording", "public"):
        page.locator(f"fieldset#question-{use}").get_by_label("لا، لا أوافق").check()
    page.click("form[action$='/answer/'] button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "حُفظت إجاباتكم" in page.locator(".message-success").inner_text()
    assert {(a.use, a.given) for a in ConsentAnswer.objects.all()} == {
        ("photos", True),
        ("video", False),
        ("voice", False),
        ("full_name", False),
        ("live", False),
        ("recording", False),
        ("public", False),
    }

    # The teacher shares a clip in which the pupil can be seen: refused, naming them.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", cast.teacher_a.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/twinnings/{twinning.pk}/media/")
    page.set_input_files("input[name=file]", {"name": "trip.mp4", "mimeType": "video/mp4", "buffer": phone_mp4()})
    page.get_by_label("Maya K.").check()
    page.click("main form[enctype] button[type=submit]")
    error = page.locator(".field-error .error")
    error.first.wait_for()
    assert "Maya K. may not appear in video clips." in error.first.inner_text()
    assert MediaItem.objects.count() == 0
