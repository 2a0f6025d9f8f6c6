"""In a real browser: the gallery shows each photo's thumbnail (not the 12-megapixel original),
sized before it loads; a clip plays its small copy on a slow connection and its medium one
otherwise, and the viewer can switch."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning import testing
from twinning.common.uploads.tests import corpus
from twinning.workspace import services
from twinning.workspace.models import MediaItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shared(cast, twinning, media_root):
    """A phone photo and a 720p clip shared by teacher A; their copies made by the job on commit."""
    teacher = cast.teacher_a.user
    photo = services.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile("IMG_1.jpg", corpus.phone_photo()), title="Our yard"
    )
    clip = services.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile("VID_1.mp4", corpus.hd_mp4()), title="Our song"
    )
    photo.refresh_from_db()
    clip.refresh_from_db()
    assert (photo.preparation, clip.preparation) == ("ready", "ready")
    return photo, clip


def _open_gallery(page, live_server, user, twinning, language="en"):
    type(user).objects.filter(pk=user.pk).update(preferred_language=language)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(user), "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/twinnings/{twinning.pk}/media/")


def test_gallery_shows_thumbnails_and_the_clip_follows_the_connection(page, live_server, cast, twinning, shared):
    photo, clip = shared
    page.set_viewport_size({"width": 1280, "height": 900})
    _open_gallery(page, live_server, cast.teacher_b.user, twinning, "ar")
    image = page.locator(f"#media-{photo.pk} img")
    image.evaluate("img => img.decode()")
    thumb = photo.variants.get(name="thumb")
    # Loaded, and laid out from its width and height before it came (the box never jumps).
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert (image.get_attribute("width"), image.get_attribute("height")) == (str(thumb.width), str(thumb.height))
    assert f"/media/{photo.pk}/copy/thumb/" in image.evaluate("img => img.currentSrc")
    video = page.locator(f"#media-{clip.pk} video")
    assert "/copy/medium/" in video.get_attribute("src")
    page.locator(f"#media-{clip.pk} select").select_option("small")
    assert "/copy/small/" in video.get_attribute("src")
    assert page.get_attribute("html", "dir") == "rtl"


def test_on_a_slow_connection_the_small_copy_plays_by_default(browser, live_server, cast, twinning, shared):
    _photo, clip = shared
    # A phone with Save-Data on (the header) ...
    context = browser.new_context(extra_http_headers={"Save-Data": "on"}, viewport={"width": 390, "height": 800})
    page = context.new_page()
    _open_gallery(page, live_server, cast.teacher_b.user, twinning)
    assert "/copy/small/" in page.locator(f"#media-{clip.pk} video").get_attribute("src")
    context.close()
    # ... or on slow 3G, which the browser reports through the Network Information API.
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000,
         "connectionType": "cellular3g"},
    )  # fmt: skip
    _open_gallery(page, live_server, cast.teacher_b.user, twinning)
    assert page.evaluate("navigator.connection.effectiveType") in ("slow-2g", "2g", "3g")
    video = page.locator(f"#media-{clip.pk} video")
    page.wait_for_function("v => v.getAttribute('src').includes('/copy/small/')", arg=video.element_handle())
    assert page.locator(f"#media-{clip.pk} select").input_value() == "small"
    assert MediaItem.objects.get(pk=clip.pk).variants.count() == 3
    context.close()
