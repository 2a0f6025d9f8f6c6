"""In a real browser, against the real OpenID Connect provider (``oidc_support``): a teacher links their
school account from their profile, then signs in with it from the sign-in page, in Arabic."""

import pytest
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import LinkedIdentity
from twinning.accounts.tests import oidc_support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def browser_provider(live_server):
    """A provider of its own whose client sends people back to the live server."""
    running = oidc_support.start(live_server.url + reverse("accounts:oidc_return", args=[oidc_support.NAME]))
    yield running
    oidc_support.stop(running)


def _at_provider(page, login: str) -> None:
    """The provider's development pages: sign in with any password, then agree."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # "Continue": the client may read the e-mail and name
    page.wait_for_load_state()


def test_oidc_in_a_browser_link_then_sign_in(page, live_server, cast, settings, browser_provider):
    settings.OIDC_PROVIDERS = browser_provider.settings()
    settings.SITE_URL = live_server.url
    teacher = cast.teacher_a.user
    type(teacher).objects.filter(pk=teacher.pk).update(preferred_language="ar")
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(teacher), "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/accounts/profile/")
    page.click("#linked-accounts button[data-provider=school]")
    _at_provider(page, "dana@school.example")

    assert page.url == f"{live_server.url}/accounts/profile/"
    assert page.get_attribute("html", "dir") == "rtl"
    assert "School Account" in page.inner_text(".messages")
    assert "dana@school.example" in page.inner_text("[data-testid=linked-accounts]")
    assert LinkedIdentity.objects.filter(user=teacher, subject="dana@school.example").exists()

    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.click("[data-testid=oidc-buttons] button[data-provider=school]")
    _at_provider(page, "dana@school.example")

    assert page.url == f"{live_server.url}/dashboard/"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.locator("form[action='/accounts/sign-out/']").count() == 1
