"""Text is sent compressed to browsers that accept it; files that are compressed already are not."""

import gzip

import pytest
from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from twinning.common.middleware import TextCompressionMiddleware

PAGE = "<!doctype html><html><body>" + "<p>Twinned classes learn together.</p>" * 200 + "</body></html>"


def compressed(response_factory, accept="gzip, deflate, br"):
    request = RequestFactory().get("/", headers={"accept-encoding": accept})
    return TextCompressionMiddleware(lambda r: response_factory())(request)


def test_a_page_is_compressed_and_reads_back_the_same():
    response = compressed(lambda: HttpResponse(PAGE, content_type="text/html; charset=utf-8"))
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content).decode() == PAGE
    assert len(response.content) < len(PAGE) / 5


def test_the_same_page_compresses_to_different_lengths():
    """Random padding on every response (Django's mitigation of BREACH for pages with a CSRF token)."""
    lengths = {len(compressed(lambda: HttpResponse(PAGE, content_type="text/html")).content) for _ in range(12)}
    assert len(lengths) > 1


def test_a_photo_is_left_as_it_is(tmp_path):
    photo = tmp_path / "class.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"\x00" * 5000)
    response = compressed(lambda: FileResponse(photo.open("rb"), content_type="image/jpeg"))
    assert not response.has_header("Content-Encoding")


def test_nothing_is_compressed_for_a_client_that_does_not_ask():
    response = compressed(lambda: HttpResponse(PAGE, content_type="text/html"), accept="identity")
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_the_sign_in_page_is_compressed_end_to_end(client):
    response = client.get(reverse(settings.LOGIN_URL), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "csrfmiddlewaretoken" in gzip.decompress(response.content).decode()
