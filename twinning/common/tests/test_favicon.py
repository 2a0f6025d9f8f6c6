"""The site has an icon: no 404 for /favicon.ico on every page, and the page names its icons."""

import pytest
from django.conf import settings
from django.urls import reverse


def test_favicon_is_served_at_the_root(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


@pytest.mark.django_db
def test_pages_name_their_icons(client):
    page = client.get(reverse(settings.LOGIN_URL)).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert 'rel="apple-touch-icon"' in page
    for name in ("favicon.svg", "apple-touch-icon.png"):
        assert client.get(f"/static/common/{name}").status_code == 200
