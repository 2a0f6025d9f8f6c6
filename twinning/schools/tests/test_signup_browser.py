"""In a real browser: choosing the school's country at sign-up pre-chooses its usual time zone."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_countrys_time_zone_is_pre_chosen_unless_one_was_chosen_by_hand(page, live_server, cast):
    page.goto(f"{live_server.url}/join/")
    zone = "select[name=new_school_time_zone]"
    assert page.input_value(zone) == ""

    page.select_option("select[name=country]", "IL")
    assert page.input_value(zone) == "Asia/Jerusalem"

    page.select_option(zone, "Europe/London")
    page.select_option("select[name=country]", "GB")
    page.select_option("select[name=country]", "IL")
    assert page.input_value(zone) == "Europe/London"  # a zone chosen by hand is kept
