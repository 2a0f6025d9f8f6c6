"""In a real browser, against the real OpenID Connect provider (``oidc_support``): a teacher links their
school account from their profile, then signs in with it from the sign-in page, in Arabic."""

import pytest

from twinning import testing
from twinning.accounts.models import LinkedIdentity
from twinning.accounts.tests.oidc_support import through_provider_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
    through_provider_pages(page, "dana@school.example")

    assert page.url == f"{live_server.url}/accounts/profile/"
    assert page.get_attribute("html", "dir") == "rtl"
    assert "School Account" in page.inner_text(".messages")
    assert "dana@school.example" in page.inner_text("[data-testid=linked-accounts]")
    assert LinkedIdentity.objects.filter(user=teacher, subject="dana@school.example").exists()

    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.click("[data-testid=oidc-buttons] button[data-provider=school]")
    through_provider_pages(page, "dana@school.example")

    assert page.url == f"{live_server.url}/dashboard/"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.locator("form[action='/accounts/sign-out/']").count() == 1
