"""The sessions a load test's clients send as their cookie act as a sign-in through the pages does."""

import django.test
import pytest

from twinning import testing

pytestmark = pytest.mark.django_db


def browser_with(user) -> django.test.Client:
    # Django's plain client: nothing signs it in but the cookie.
    browser = django.test.Client()
    browser.cookies["sessionid"] = testing.signed_in_session(user)
    return browser


def test_a_teachers_session_reaches_a_signed_in_page(cast):
    assert browser_with(cast.teacher_a.user).get("/dashboard/").status_code == 200


def test_a_staff_session_has_passed_the_second_step(cast):
    # NSO staff need a second factor: without it every page would send them to set one up.
    assert browser_with(cast.nso_il).get("/matching/cohorts/").status_code == 200
