"""The data-saver mode: switched on or off by the person (on the account, and in a cookie for pages
read signed out), on by itself when the browser sends Save-Data unless they turned it off; photos
become placeholders that load on tap, nothing plays by itself, and the header says it is on."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning.common.tests.access_network import png
from twinning.testing import as_
from twinning.workspace import services as workspace

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/data-saver/"


@pytest.fixture
def gallery(cast, twinning, media_root):
    """A workspace gallery with a photo in an album and a loose photo and clip."""
    album = workspace.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    photo = workspace.upload_media(
        twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile("a.png", png()), title="Bridge"
    )
    workspace.file_media(item=photo, album=album, by=cast.teacher_a.user)
    loose = workspace.upload_media(
        twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile("b.png", png()), title="Sky"
    )
    for item in (photo, loose):  # their light copies, as the job queue makes them
        workspace.prepare_variants(item_id=item.pk)
    return f"/twinnings/{twinning.pk}/media/", photo, loose


def photo_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*/media/\d+/(?:file|copy/\w+)/[^>]*>", html)


def test_save_data_header_turns_it_on_photos_wait_for_a_tap(client, cast, gallery):
    url, photo, loose = gallery
    page = as_(client, cast.teacher_b.user).get(url, HTTP_SAVE_DATA="on")
    html = page.content.decode()
    assert photo_tags(html) == []  # neither the loose photo nor the album's cover
    assert f'<a class="tap-image" href="{url}{loose.pk}/copy/screen/?v=' in html  # the screen-size copy
    assert 'data-testid="data-saver-on"' in html
    assert "Save-Data" in page["Vary"]
    plain = as_(client, cast.teacher_b.user).get(url).content.decode()
    assert len(photo_tags(plain)) == 2 and 'data-testid="data-saver-on"' not in plain


def test_turned_off_on_the_account_wins_over_the_browser_on_every_device(client, cast, gallery):
    url, _photo, _loose = gallery
    teacher = as_(client, cast.teacher_b.user)
    response = teacher.post(SWITCH, {"data_saver": "off", "next": url}, HTTP_SAVE_DATA="on")
    assert response.status_code == 302 and response["Location"] == url
    cast.teacher_b.user.refresh_from_db()
    assert cast.teacher_b.user.data_saver is False
    client.cookies.clear()  # another device: the account remembers
    html = as_(client, cast.teacher_b.user).get(url, HTTP_SAVE_DATA="on").content.decode()
    assert len(photo_tags(html)) == 2


def test_switched_on_without_the_header_and_back_to_the_browser(client, cast, gallery):
    url, _photo, _loose = gallery
    teacher = as_(client, cast.teacher_b.user)
    teacher.post(SWITCH, {"data_saver": "on"})
    cast.teacher_b.user.refresh_from_db()
    assert cast.teacher_b.user.data_saver is True
    assert photo_tags(teacher.get(url).content.decode()) == []
    teacher.post(SWITCH, {"data_saver": "browser"})
    cast.teacher_b.user.refresh_from_db()
    assert cast.teacher_b.user.data_saver is None
    assert len(photo_tags(teacher.get(url).content.decode())) == 2
    assert photo_tags(teacher.get(url, HTTP_SAVE_DATA="on").content.decode()) == []


def test_signed_out_pages_remember_it_in_a_cookie(client):
    response = client.post(SWITCH, {"data_saver": "on", "next": "/privacy/"})
    assert (response.status_code, response["Location"]) == (302, "/privacy/")
    cookie = response.cookies["data_saver"]
    assert (cookie.value, bool(cookie["httponly"])) == ("on", True)
    assert 'data-testid="data-saver-on"' in client.get("/privacy/").content.decode()
    client.post(SWITCH, {"data_saver": "off"})
    html = client.get("/privacy/", HTTP_SAVE_DATA="on").content.decode()
    assert 'data-testid="data-saver-on"' not in html and 'data-testid="data-saver-switch"' in html


def test_a_bad_choice_changes_nothing_and_says_why_in_arabic(client, cast):
    teacher = as_(client, cast.teacher_a.user, "ar")
    teacher.post(SWITCH, {"data_saver": "on"}, follow=True)
    response = teacher.post(SWITCH, {"data_saver": "maybe", "next": "/accounts/profile/"}, follow=True)
    cast.teacher_a.user.refresh_from_db()
    assert cast.teacher_a.user.data_saver is True
    assert [str(m) for m in response.context["messages"]] == ["يُرجى اختيار: يعمل، أو متوقف، أو حسب طلب المتصفح."]
    assert "data_saver" not in response.cookies or response.cookies["data_saver"].value == "on"


def test_an_outside_next_is_not_followed(client):
    response = client.post(SWITCH, {"data_saver": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_nothing_plays_by_itself_and_clips_load_nothing_until_asked(client, cast, twinning, media_root):
    from twinning.workspace.models import MediaItem

    clip = MediaItem.objects.create(
        twinning=twinning, uploader=cast.teacher_a.user, kind="video", file="x.mp4", content_type="video/mp4", size=1
    )
    html = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/media/", HTTP_SAVE_DATA="on")
    html = html.content.decode()
    (video,) = re.findall(r"<video [^>]*>", html)
    assert f"/media/{clip.pk}/file/" in video
    assert 'preload="none"' in video and "autoplay" not in html


def test_the_profile_offers_the_three_choices_with_the_current_one(client, cast):
    teacher = as_(client, cast.teacher_a.user)
    form = teacher.get("/accounts/profile/").context["data_saver_form"]
    assert form["data_saver"].value() == "browser"
    teacher.post(SWITCH, {"data_saver": "off"})
    assert teacher.get("/accounts/profile/").context["data_saver_form"]["data_saver"].value() == "off"


def test_the_feed_stays_text_in_data_saver_mode(client, cast, gallery, twinning):
    home = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/", HTTP_SAVE_DATA="on")
    html = home.content.decode()
    assert home.context["data_saver"] is True
    assert "<img" not in html and "<video" not in html
    assert len(re.findall(r'data-testid="event"', html)) == 2


def test_photos_inside_a_workspace_page_wait_for_a_tap_too(client, cast, gallery, twinning):
    _url, photo, _loose = gallery
    page = workspace.save_page(
        twinning=twinning,
        by=cast.teacher_a.user,
        title="Our trip",
        source=f"The bridge:\n\n![Bridge & river](media:{photo.pk})",
    )
    address = f"/twinnings/{twinning.pk}/pages/{page.pk}/"
    light = as_(client, cast.teacher_b.user).get(address, HTTP_SAVE_DATA="on")
    assert light.status_code == 200, address
    body = re.search(r'data-testid="page-html">(.*?)</div>', light.content.decode(), re.S).group(1)
    assert "<img" not in body
    assert f'data-src="/twinnings/{twinning.pk}/media/{photo.pk}/file/"' in body
    assert "Bridge &amp; river" in body  # the alt text, escaped once, names the photo on its button
    plain = as_(client, cast.teacher_b.user).get(address).content.decode()
    assert re.search(rf'<img [^>]*src="/twinnings/{twinning.pk}/media/{photo.pk}/file/"', plain)


def test_the_placeholder_filter_keeps_the_rest_of_the_html_and_escapes_what_it_reads():
    from twinning.common.templatetags.data_saver import photos_on_tap

    html = '<p>Before <img src="/a.png?x=1&amp;y=2" alt="&quot;quoted&quot;"> after</p><img alt="no source">'
    out = str(photos_on_tap(html))
    assert out.startswith('<p>Before <a class="tap-image"') and out.endswith(" after</p>")
    assert 'data-src="/a.png?x=1&amp;y=2"' in out and "&quot;quoted&quot;" in out
    assert "<img" not in out
