"""In a real browser, against the real OpenID Connect provider (``oidc_support``): a new teacher joins
through their school account, in Hebrew, and waits for their NSO; axe reads the page of the sign-up's
second step (which needs a verified identity in the session, so the main accessibility test cannot reach it)."""

import pytest

from twinning import testing
from twinning.accounts.models import LinkedIdentity
from twinning.accounts.tests.oidc_support import through_provider_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of its own, which the site's CSP (script-src 'self') refuses.
    return {**browser_context_args, "bypass_csp": True}


def test_oidc_in_a_browser_sign_up_then_wait_for_the_nso(page, live_server, cast, settings, browser_provider):
    settings.OIDC_PROVIDERS = browser_provider.settings()
    settings.SITE_URL = live_server.url
    testing.restore_reference_data()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "he", "url": live_server.url}])

    page.goto(f"{live_server.url}/join/")
    page.click("[data-testid=oidc-buttons] button[data-provider=school]")
    through_provider_pages(page, "miriam@school.example")

    assert page.url == f"{live_server.url}/join/with-account/"
    assert page.inner_text("[data-testid=identity-email]") == "miriam@school.example"
    found = testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
    assert not found, testing.describe_violations(found)
    assert page.input_value("input[name=full_name]") == "Miriam"
    page.fill("input[name=full_name]", "Miriam Katz")
    page.check("input[name=subjects][value=history]")
    page.check("input[name=languages][value=en]")
    page.select_option("select[name=country]", "IL")
    page.fill("input[name=school_search]", "Reali")
    page.check(f"input[name=school][value='{cast.school_a.pk}']")
    page.click("main form.stacked button[type=submit]:not([formaction])")
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/dashboard/"
    teacher = LinkedIdentity.objects.get(subject="miriam@school.example").user.teacher
    assert teacher.status == "pending" and teacher.school == cast.school_a
