"""The public certificate check: genuine codes always verify, only unknown codes are limited."""

import pytest
from django.core.cache import cache

from twinning.learning.tests.conftest import issued
from twinning.learning.views.verification import UNKNOWN_CODES

pytestmark = pytest.mark.django_db
SCHOOL = "203.0.113.7"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def check(client, code: str, *, address: str = SCHOOL, **headers):
    return client.get(f"/learning/verify/{code}/", REMOTE_ADDR=address, **headers)


def use_up_the_limit(client, address: str = SCHOOL):
    for _n in range(UNKNOWN_CODES.limit):
        assert check(client, "AAAAAAAAAAAA", address=address).status_code == 404


def test_verification_genuine_code_verifies_even_when_the_address_is_limited(client, cast):
    certificate = issued(client, cast)
    client.logout()
    use_up_the_limit(client)

    assert check(client, "BBBBBBBBBBBB").status_code == 429
    response = check(client, certificate.code)

    assert response.status_code == 200
    assert "This certificate is genuine." in response.content.decode()


def test_verification_genuine_lookups_are_never_counted(client, cast):
    certificate = issued(client, cast)
    client.logout()
    for _n in range(UNKNOWN_CODES.limit * 2):
        assert check(client, certificate.code).status_code == 200

    assert check(client, "AAAAAAAAAAAA").status_code == 404


def test_verification_limited_address_is_told_why_in_its_language(client, cast):
    use_up_the_limit(client)

    response = check(client, "AAAAAAAAAAAA", HTTP_ACCEPT_LANGUAGE="he")

    assert response.status_code == 429
    assert response["Retry-After"] == str(UNKNOWN_CODES.window)
    body = response.content.decode()
    assert 'lang="he"' in body
    assert "Too many unknown codes" not in body
    assert "15" in body


def test_verification_limit_is_per_address_and_an_ipv6_network_counts_as_one(client, cast):
    use_up_the_limit(client)
    assert check(client, "AAAAAAAAAAAA", address="198.51.100.20").status_code == 404
    for n in range(UNKNOWN_CODES.limit):
        check(client, "AAAAAAAAAAAA", address=f"2001:db8:1:2::{n + 1:x}")

    assert check(client, "AAAAAAAAAAAA", address="2001:db8:1:2:ffff::1").status_code == 429
    assert check(client, "AAAAAAAAAAAA", address="2001:db8:1:3::1").status_code == 404


def test_verification_counts_live_in_the_shared_cache(client, cast):
    use_up_the_limit(client)
    assert check(client, "AAAAAAAAAAAA").status_code == 429

    # Another process reads the same cache: once the count is gone there (the window is over), the
    # address may try again.
    cache.clear()

    assert check(client, "AAAAAAAAAAAA").status_code == 404
