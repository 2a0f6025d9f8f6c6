"""A real browser: a teacher makes a token on the tokens page (Arabic on a phone, English on a desktop),
sees it once, uses it, and revokes it; NSO staff do the same with an OAuth client for their NSO's
system; the API's documentation page draws its operations under the site's content security policy,
from files served here."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from twinning import testing
from twinning.api.models import AccessToken, OAuthClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Set TWINNING_SHOTS to a folder to keep screenshots of the pages to look at.
SHOTS = os.environ.get("TWINNING_SHOTS", "")


def shoot(page, name: str, **options) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), **options)


def signed_in(context, live_server, user, language: str):
    type(user).objects.filter(pk=user.pk).update(preferred_language=language)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(user), "url": live_server.url}]
    )
    return context.new_page()


@pytest.mark.parametrize(("language", "width"), [("ar", 390), ("en", 1280)])
def test_a_teacher_makes_a_token_sees_it_once_and_revokes_it(browser, live_server, cast, language, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = signed_in(context, live_server, cast.teacher_a.user, language)
    page.goto(f"{live_server.url}/api/tokens/")
    # Sent empty: the errors are listed first, in the page's language, and nothing is made.
    page.locator("main form.stacked button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert AccessToken.objects.count() == 0
    page.fill("input[name=name]", "سجل المدرسة" if language == "ar" else "School register")
    page.check("input[name=scopes][value='schools:read']")
    page.fill("input[name=days]", "30")
    page.locator("main form.stacked button[type=submit]").click()
    shown = page.get_by_test_id("new-token")
    expect(shown).to_be_visible()
    value = shown.locator(".token-value").inner_text()
    assert value.startswith("tw_")
    shoot(page, f"tokens-{language}-{width}.png", full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1"
        " || e.getBoundingClientRect().left < -1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide

    answer = page.request.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {value}"})
    assert answer.status == 200 and answer.json()["email"] == cast.teacher_a.user.email

    page.goto(f"{live_server.url}/api/tokens/")
    assert value not in page.content()  # shown once
    page.get_by_test_id("token-row").locator("button[type=submit]").click()
    expect(page.locator(".messages li").first).to_be_visible()
    answer = page.request.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {value}"})
    assert answer.status == 401
    context.close()


@pytest.mark.parametrize(("language", "width"), [("he", 390), ("ar", 1280), ("en", 1280)])
def test_nso_staff_make_a_client_see_its_secret_once_and_revoke_it(browser, live_server, cast, language, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = signed_in(context, live_server, cast.nso_il, language)
    page.goto(f"{live_server.url}/api/clients/")
    page.locator("main form.stacked button[type=submit]").click()  # empty: refused, nothing made
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert OAuthClient.objects.count() == 0
    page.fill("input[name=name]", {"he": "מרשם בתי הספר", "ar": "سجل المدارس"}.get(language, "School register"))
    page.check("input[name=scopes][value='schools:write']")
    page.locator("main form.stacked button[type=submit]").click()
    shown = page.get_by_test_id("new-client")
    expect(shown).to_be_visible()
    client_id, secret = (code.inner_text() for code in shown.locator(".token-value").all())
    assert client_id.startswith("twc_")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1"
        " || e.getBoundingClientRect().left < -1).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    shoot(page, f"clients-new-{language}-{width}.png", full_page=True)

    granted = page.request.post(
        f"{live_server.url}/api/oauth/token",
        form={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert granted.status == 200 and granted.json()["token_type"] == "Bearer"
    token = granted.json()["access_token"]
    answer = page.request.get(f"{live_server.url}/api/v1/schools", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200

    page.goto(f"{live_server.url}/api/clients/")
    assert secret not in page.content()  # shown once
    row = page.get_by_test_id("client-row")
    expect(row).to_contain_text(client_id)
    shoot(page, f"clients-{language}-{width}.png", full_page=True)
    row.locator("button[type=submit]").click()
    expect(page.locator(".messages li").first).to_be_visible()
    answer = page.request.get(f"{live_server.url}/api/v1/schools", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 401
    context.close()


def test_the_documentation_page_draws_every_operation_under_the_sites_policy(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside = []
    page.on("request", lambda request: outside.append(request.url) if live_server.url not in request.url else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() >= 15
    assert outside == []
    shoot(page, "docs-en-1280.png")
    context.close()
