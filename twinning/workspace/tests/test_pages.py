"""Workspace pages: Markdown cleaned with an allow-list; inline images only from the twinning's photos."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning import testing
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services
from twinning.workspace.models import Page

pytestmark = pytest.mark.django_db


def test_teacher_writes_a_page_in_markdown(client, cast, twinning):
    response = as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/pages/new/",
        {
            "title": "Our project",
            "source": "## Goals\n\n- **Letters** every month\n- A [video call](https://example.org)",
        },
    )
    page = Page.objects.get()
    assert response["Location"] == f"/twinnings/{twinning.pk}/pages/{page.pk}/"
    assert page.html == (
        "<h2>Goals</h2>\n<ul>\n<li><strong>Letters</strong> every month</li>\n"
        '<li>A <a href="https://example.org" rel="noopener noreferrer nofollow">video call</a></li>\n</ul>'
    )
    shown = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/pages/{page.pk}/").content.decode()
    assert page.html in shown


def test_scripts_handlers_styles_and_javascript_links_are_removed(cast, twinning):
    page = services.save_page(
        twinning=twinning,
        by=cast.teacher_a.user,
        title="Bad",
        source=(
            '<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<p style="color:red" onclick="x()">Hi</p>\n\n'
            '[click](javascript:alert(3))\n\n<iframe src="https://evil.example"></iframe>\n\n<style>body{}</style>'
        ),
    )
    for bad in ("<script", "alert(1)", "onerror", "onclick", "style", "javascript:", "<iframe", "evil.example"):
        assert bad not in page.html
    assert "<p>Hi</p>" in page.html


def test_inline_images_come_only_from_the_twinnings_own_photos(cast, twinning, media_root):
    photo = services.upload_media(
        twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile("p.jpg", jpeg_with_gps())
    )
    other = twinning_services.propose_twinning(
        from_school=cast.school_b,
        to_schools=[testing.make_school(country=cast.israel, name="Third")],
        by=cast.teacher_b.user,
        school_year=2026,
    )
    foreign = services.upload_media(
        twinning=other, by=cast.teacher_b.user, upload=SimpleUploadedFile("q.jpg", jpeg_with_gps())
    )
    page = services.save_page(
        twinning=twinning,
        by=cast.teacher_a.user,
        title="Photos",
        source=(
            f"![our playground](media:{photo.pk})\n\n![not ours](media:{foreign.pk})\n\n"
            "![tracker](https://tracker.example/pixel.gif)"
        ),
    )
    assert f'<img alt="our playground" src="/twinnings/{twinning.pk}/media/{photo.pk}/file/">' in page.html
    assert f"/media/{foreign.pk}/" not in page.html
    assert "tracker.example" not in page.html


def test_pupils_and_visitors_read_pages_but_only_teachers_write(client, cast, twinning):
    page = services.save_page(twinning=twinning, by=cast.teacher_a.user, title="Plan", source="Hello")
    coordinator = as_(client, cast.coordinator)
    assert coordinator.get(f"/twinnings/{twinning.pk}/pages/{page.pk}/").status_code == 200
    assert coordinator.post(f"/twinnings/{twinning.pk}/pages/new/", {"title": "x", "source": "y"}).status_code == 404
    assert (
        coordinator.post(f"/twinnings/{twinning.pk}/pages/{page.pk}/edit/", {"title": "x", "source": "y"}).status_code
        == 404
    )
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far away"), name="Out")
    assert as_(client, outsider.user).get(f"/twinnings/{twinning.pk}/pages/{page.pk}/").status_code == 404
    page.refresh_from_db()
    assert (page.title, Page.objects.count()) == ("Plan", 1)
