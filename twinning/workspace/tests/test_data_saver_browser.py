"""Data-saver mode in a real browser: the gallery asks for no photo until one is tapped (a button made
by the script, from a link that works without it), and the header offers to turn the mode off."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.workspace import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def gallery(cast, twinning, media_root):
    teacher = cast.teacher_a.user
    album = services.create_album(twinning=twinning, by=teacher, name="Trip")
    shared = [
        services.upload_media(
            twinning=twinning, by=teacher, upload=SimpleUploadedFile(f"{n}.png", _png(colour)), title=f"Photo {n}"
        )
        for n, colour in enumerate([(200, 80, 40), (40, 120, 200)])
    ]
    services.file_media(item=shared[0], album=album, by=teacher)
    for item in shared:  # their light copies, as the job queue makes them
        services.prepare_variants(item_id=item.pk)
    teacher.data_saver = True
    teacher.preferred_language = "ar"
    teacher.save(update_fields=["data_saver", "preferred_language"])
    return f"/twinnings/{twinning.pk}/media/", shared[1]


def _sign_in(context, live_server, user):
    context.add_cookies([{"name": "sessionid", "value": testing.signed_in_session(user), "url": live_server.url}])


def test_photos_load_only_when_tapped_and_the_header_turns_the_mode_off(page, live_server, cast, gallery):
    url, loose = gallery
    _sign_in(page.context, live_server, cast.teacher_a.user)
    files = []
    page.on(
        "request",
        lambda request: files.append(request.url) if "/file/" in request.url or "/copy/" in request.url else None,
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}{url}")
    page.wait_for_load_state("networkidle")
    assert files == []  # neither the photo nor the album's cover

    button = page.locator(f"#media-{loose.pk} button.tap-image")
    assert button.get_attribute("type") == "button"
    assert "Photo 1" in button.inner_text()
    button.focus()
    page.keyboard.press("Enter")
    photo = page.locator(f"#media-{loose.pk} img")
    photo.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 120", arg=photo.element_handle())
    assert photo.get_attribute("alt") == "Photo 1"
    assert photo.evaluate("el => el === document.activeElement")
    # The one photo tapped, and its lightest copy only.
    thumb = loose.variants.get(name="thumb")
    assert files == [f"{live_server.url}{url}{loose.pk}/copy/thumb/?v={thumb.pk}"]

    # On a phone the note stays visible while the menu is folded; one press turns the mode off.
    note = page.locator("[data-testid=data-saver-on]")
    assert note.is_visible()
    note.locator("button").click()
    page.wait_for_selector(f"#media-{loose.pk} img")
    cast.teacher_a.user.refresh_from_db()
    assert cast.teacher_a.user.data_saver is False


def test_without_a_script_each_placeholder_is_a_link_to_its_photo(browser, live_server, cast, gallery):
    url, loose = gallery
    context = browser.new_context(java_script_enabled=False)
    _sign_in(context, live_server, cast.teacher_a.user)
    page = context.new_page()
    page.goto(f"{live_server.url}{url}")
    link = page.locator(f"#media-{loose.pk} a.tap-image")
    screen = loose.variants.get(name="screen")
    assert link.get_attribute("href") == f"{url}{loose.pk}/copy/screen/?v={screen.pk}"  # the screen-size copy
    assert page.locator("main img").count() == 0
    context.close()
