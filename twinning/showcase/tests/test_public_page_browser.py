"""The public page and a story in a browser, as an anonymous visitor switching language with the menu,
on a phone and a desktop; axe on every showcase page. With SHOWCASE_SCREENSHOTS set to a folder, each
page is saved there as a PNG to be looked at."""

import os
from pathlib import Path

import pytest

from twinning import testing
from twinning.accounts.models import Role
from twinning.showcase import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not testing.AXE_SCRIPT.exists(), reason="axe-core is not installed: `make browser-deps`"),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of its own, which the site's CSP (script-src 'self') refuses.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def network(cast, programme, published, finished, programme_coordinator):
    testing.restore_reference_data()
    services.set_public_page(
        programme=programme,
        by=cast.admin,
        descriptions=programme.descriptions,
        accent_colour="#1d6b3a",
        public=True,
    )
    administrator = testing.make_person(name="Hadas Admin")
    testing.grant(administrator, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    return {"story": published, "administrator": administrator}


def _shoot(page, name: str) -> None:
    shots = os.environ.get("SHOWCASE_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def _axe(page, where: str) -> None:
    found = testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
    assert not found, f"{where}:\n{testing.describe_violations(found)}"


@pytest.mark.parametrize("width", [390, 1280])
def test_anonymous_visitor_reads_the_programme_and_a_story_in_three_languages(
    page, live_server, network, programme, width
):
    page.set_viewport_size({"width": width, "height": 900})
    story = network["story"]
    page.goto(f"{live_server.url}/programmes/{programme.slug}/")
    for language, direction in (("en", "ltr"), ("he", "rtl"), ("ar", "rtl")):
        if page.get_attribute("html", "lang") != language:
            toggle = page.locator("button.nav-toggle")
            if toggle.is_visible():
                toggle.click()
            page.locator(f"form.language-switcher button[value={language}]").click()
            page.wait_for_load_state()
        assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == (language, direction)
        assert page.locator("h1").inner_text() == programme.names[language]
        assert page.locator("[data-testid=story-card]").count() == 1
        join = page.locator("[data-testid=join]")
        assert join.get_attribute("href") == f"/join/?programme={programme.slug}"
        # The accent colour, from the programme's own style sheet.
        assert join.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 107, 58)"
        _axe(page, f"programme page, {language}, {width} px")
        _shoot(page, f"programme-{language}-{width}")
        page.locator("[data-testid=story-card] h3 a").click()
        page.wait_for_url(f"**/stories/{story.pk}/")
        assert page.locator("article img").count() == 2
        # The photos load lazily: each is brought into view, then must have loaded (a broken one never does).
        for img in page.locator("article img").all():
            img.scroll_into_view_if_needed()
            img.evaluate(
                "i => i.complete && i.naturalWidth ? true : new Promise((ok, bad) => {"
                " i.addEventListener('load', () => ok(true)); i.addEventListener('error', () => bad('broken')); })"
            )
            assert img.evaluate("i => i.naturalWidth > 0")
        _axe(page, f"story page, {language}, {width} px")
        _shoot(page, f"story-{language}-{width}")
        page.go_back()


def test_the_showcase_pages_of_teachers_coordinators_and_administrators_pass_axe(
    page, live_server, cast, network, programme, programme_coordinator, finished
):
    from django.conf import settings

    from twinning.showcase.models import Story

    Story.objects.filter(pk=network["story"].pk).update(status=Story.Status.REMOVED)
    services.write_story(
        twinning=finished,
        by=cast.teacher_a.user,
        title="Waiting story",
        body="The classes compared their towns.",
        language="en",
        photos=[finished.photo_ok],
        everyone_tagged=True,
    )
    pages = [
        (cast.teacher_a.user, "write", f"/showcase/twinnings/{finished.pk}/story/"),
        (cast.teacher_a.user, "mine", "/showcase/"),
        (programme_coordinator, "queue", f"/programmes/{programme.slug}/stories/queue/"),
        (network["administrator"], "settings", f"/programmes/{programme.slug}/public-page/"),
    ]
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for language in ("ar", "en"):
            for user, name, path in pages:
                type(user).objects.filter(pk=user.pk).update(preferred_language=language)
                page.context.clear_cookies()
                page.context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": testing.signed_in_session(user),
                            "url": live_server.url,
                        }
                    ]
                )
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (name, response and response.status)
                _axe(page, f"{name}, {language}, {width} px")
                _shoot(page, f"{name}-{language}-{width}")
