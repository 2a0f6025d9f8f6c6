"""A programme's administrators set its public page: description, accent colour (checked for
contrast), logo (cleaned of its metadata), published or not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.accounts.models import Role
from twinning.common.errors import ServiceError
from twinning.common.models import AuditEntry
from twinning.common.uploads.tests import corpus
from twinning.showcase import colours, services
from twinning.testing import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(programme):
    person = testing.make_person(name="Hadas Admin")
    testing.grant(person, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    return person


def _post(client, person, programme, **fields):
    data = {
        "descriptions_en": "Classes learn together.",
        "descriptions_he": "",
        "descriptions_ar": "",
        "accent_colour": "",
        "public": "on",
    }
    data.update(fields)
    return as_(client, person).post(f"/programmes/{programme.slug}/public-page/", data)


def test_known_contrast_ratios():
    assert round(colours.contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(colours.contrast("#777777", "#ffffff"), 2) == 4.48
    assert colours.contrast("#0b5c8c", "#ffffff") == pytest.approx(colours.contrast("#ffffff", "#0b5c8c"))
    assert colours.normalise("#08C") == "#0088cc"
    assert colours.normalise("blue") is None


@pytest.mark.parametrize("colour", ["#777777", "#ff0000", "#ffd700", "#ffffff"])
def test_a_colour_too_light_to_read_is_refused_with_its_ratio(client, administrator, programme, colour):
    response = _post(client, administrator, programme, accent_colour=colour)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This colour is too light to read" in html
    assert "at least 4.5:1" in html
    programme.refresh_from_db()
    assert programme.accent_colour == ""


def test_a_colour_that_is_not_one_is_refused(client, administrator, programme):
    response = _post(client, administrator, programme, accent_colour="blue")
    assert response.status_code == 400
    assert "six hexadecimal digits" in response.content.decode()
    with pytest.raises(ServiceError, match="six hexadecimal digits"):
        services.check_accent_colour("#12345")


def test_the_refusal_is_in_the_administrators_language(client, administrator, programme):
    administrator.preferred_language = "he"
    administrator.save(update_fields=["preferred_language"])
    response = _post(client, administrator, programme, accent_colour="#777777")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This colour is too light to read" not in html
    assert "4.5:1" in html


def test_a_readable_colour_is_kept_and_served_as_the_pages_style(client, administrator, programme):
    response = _post(client, administrator, programme, accent_colour="#1D6B3A")
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.accent_colour == "#1d6b3a"
    client.logout()
    sheet = client.get(f"/programmes/{programme.slug}/accent.css")
    assert sheet["Content-Type"].startswith("text/css")
    assert sheet.content.decode() == ".programme-page { --accent: #1d6b3a; }\n"
    assert (
        f'href="/programmes/{programme.slug}/accent.css"'
        in client.get(f"/programmes/{programme.slug}/").content.decode()
    )
    assert AuditEntry.objects.filter(action="showcase.page_set", target_id=programme.pk).count() == 1


def test_the_logo_is_kept_without_its_metadata_and_served_publicly(client, administrator, programme, media_root):
    logo = SimpleUploadedFile("logo.jpg", corpus.jpeg_with_gps(), content_type="image/jpeg")
    assert _post(client, administrator, programme, logo=logo).status_code == 302
    programme.refresh_from_db()
    stored = media_root / programme.logo.name
    assert not Image.open(stored).getexif()
    client.logout()
    response = client.get(f"/programmes/{programme.slug}/logo/")
    assert response.status_code == 200
    assert response["Content-Type"] == programme.logo_type
    assert b"".join(response.streaming_content) == stored.read_bytes()
    # Replaced by none: the file goes.
    assert _post(client, administrator, programme, remove_logo="on").status_code == 302
    assert not stored.exists()
    client.logout()
    assert client.get(f"/programmes/{programme.slug}/logo/").status_code == 404


def test_a_logo_that_is_not_a_picture_is_refused(client, administrator, programme, media_root):
    logo = SimpleUploadedFile("logo.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = _post(client, administrator, programme, logo=logo)
    assert response.status_code == 400
    programme.refresh_from_db()
    assert not programme.logo


def test_publishing_needs_a_description(client, administrator, programme):
    response = _post(client, administrator, programme, descriptions_en="")
    assert response.status_code == 400
    assert "description before publishing" in response.content.decode()


def test_only_the_programmes_administrators_set_its_page(client, cast, administrator, programme, programme_coordinator):
    url = f"/programmes/{programme.slug}/public-page/"
    assert as_(client, administrator).get(url).status_code == 200
    assert as_(client, cast.admin).get(url).status_code == 200
    for person in (programme_coordinator, cast.coordinator, cast.nso_il, cast.teacher_a.user):
        assert as_(client, person).get(url).status_code == 404
        assert _post(client, person, programme, accent_colour="#000000").status_code == 404
    programme.refresh_from_db()
    assert programme.accent_colour == ""


def test_a_colour_written_around_the_checks_never_reaches_the_style_sheet(client, programme):
    type(programme).objects.filter(pk=programme.pk).update(accent_colour="r}*{x:y")  # as long as the column allows
    sheet = client.get(f"/programmes/{programme.slug}/accent.css").content.decode()
    assert sheet == ".programme-page { --accent: #0b5c8c; }\n"
