"""Addresses reversed once and kept (common.addresses) are the addresses reverse() gives, under any prefix."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from twinning.common.addresses import address


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("workspace:home", (5,)),
        ("workspace:home", (6,)),
        ("workspace:thread", (5, 17)),
        ("workspace:album", (5, 3)),
        ("meetings:twinning", (5,)),
        ("twinnings:detail", (12,)),
        ("notifications", ()),
    ],
)
def test_a_kept_address_is_the_reversed_one(name, args):
    assert address(name, *args) == reverse(name, args=args)
    assert address(name, *args) == reverse(name, args=args)  # the kept one, the second time


def test_each_address_prefix_keeps_its_own_addresses():
    plain = address("workspace:forum", 5)
    set_script_prefix("/twinning/")
    try:
        assert address("workspace:forum", 5) == "/twinning" + plain == reverse("workspace:forum", args=[5])
    finally:
        clear_script_prefix()
    assert address("workspace:forum", 5) == plain


def test_a_changed_url_configuration_forgets_the_kept_addresses(settings):
    kept = address("workspace:home", 5)
    settings.ROOT_URLCONF = "twinning.common.tests.urls_elsewhere"
    assert address("workspace:home", 5) == "/elsewhere/5/" != kept
