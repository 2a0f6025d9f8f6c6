"""The client's address: X-Forwarded-For is believed only from the proxies the deployment names."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from twinning.common.models import AuditEntry
from twinning.common.net import client_address


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::1"]


def test_client_address_without_proxies_is_the_connections_own(settings):
    settings.TRUSTED_PROXIES = []

    assert address("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_client_address_spoofed_header_from_an_untrusted_address_is_ignored(proxies):
    assert address("203.0.113.5", "10.0.0.1, 198.51.100.7") == "203.0.113.5"


def test_client_address_from_a_trusted_proxy_is_the_right_most_untrusted_hop(proxies):
    # The client made up "6.6.6.6"; our proxy appended the address it really saw.
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    # Two proxies of ours in a row.
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert address("2001:db8:ffff::1", "[2001:db8:5::9]:4433") == "2001:db8:5::9"
    assert address("10.0.0.2", "198.51.100.7:51234") == "198.51.100.7"


def test_client_address_from_a_trusted_proxy_without_header_is_the_proxy(proxies):
    assert address("10.0.0.2") == "10.0.0.2"
    assert address("10.0.0.2", "10.9.9.9") == "10.9.9.9"


def test_client_address_garbage_in_the_header_stops_at_the_last_trusted_hop(proxies):
    assert address("10.0.0.2", "198.51.100.7, not-an-address") == "10.0.0.2"
    assert address("10.0.0.2", "not-an-address, 10.1.1.1") == "10.1.1.1"


def test_client_address_ipv4_through_an_ipv6_socket(settings):
    settings.TRUSTED_PROXIES = []

    assert address("::ffff:203.0.113.5") == "203.0.113.5"


def _failed_sign_in_address(client, **headers) -> str:
    client.post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "x"}, **headers)
    return AuditEntry.objects.filter(action="signin.failed").latest("pk").data["address"]


def test_client_address_sign_in_believes_only_trusted_proxies(client, db, proxies):
    spoofed = _failed_sign_in_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    proxied = _failed_sign_in_address(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert (spoofed, proxied) == ("203.0.113.5", "198.51.100.1")


def test_client_address_behind_the_proxy_one_client_cannot_pause_another(client, cast, proxies, settings):
    settings.SIGNIN_THROTTLE = {**settings.SIGNIN_THROTTLE, "ADDRESS_FAILURES": 3}
    for n in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": f"nobody{n}@example.org", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )

    def sign_in(client_ip):
        return client.post(
            reverse("accounts:login"),
            {"username": cast.teacher_a.user.email, "password": "a-long-test-passphrase-42"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    assert sign_in("198.51.100.66").status_code == 429
    assert sign_in("198.51.100.67").status_code == 302
