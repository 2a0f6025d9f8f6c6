"""The public privacy notice: read from the register, in each language, with no sign-in, linked from
every page's footer."""

import pytest
from django.test import Client

from twinning.common import privacy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [("en", "ltr", "Privacy notice"), ("he", "rtl", "הודעת פרטיות"), ("ar", "rtl", "إشعار الخصوصية")],
)
def test_notice_is_public_and_in_the_readers_language(language, direction, heading):
    response = Client(headers={"accept-language": language}).get("/privacy/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}"' in page
    assert f"<h1>{heading}</h1>" in page


def test_notice_lists_every_declared_purpose_and_retention():
    page = Client(headers={"accept-language": "en"}).get("/privacy/").content.decode().replace("&#x27;", "'")
    for entry in privacy.entries():
        assert str(entry.purpose) in page, entry.model
        assert str(entry.retention.words) in page, entry.model
    assert page.count('data-testid="notice-group"') == len(privacy.purposes())


def test_every_page_links_to_the_notice():
    home = Client().get("/").content.decode()
    assert 'href="/privacy/" data-testid="privacy-link"' in home
