"""The retention policy and dry-run pages in a real browser (Debian's Chromium): English and Hebrew,
on a desktop and a phone, right to left in Hebrew and nothing wider than the screen. With
RETENTION_SCREENSHOTS set to a folder, each page is saved there as a PNG to be looked at."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from twinning import testing
from twinning.accounts import pupils as pupil_service
from twinning.accounts.models import Pupil, Role
from twinning.retention.models import RetentionPolicy
from twinning.schools.models import Programme
from twinning.testing import signed_in_session
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Twinning
from twinning.workspace import services as workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def due(cast, twinning):
    """A twinning closed two years ago whose pupils wrote in it: everything of theirs is due."""
    made = pupil_service.create_pupils(school=cast.school_a, by=cast.teacher_a.user, names=["Maya K.", "נועה ש."])
    pupils = [pupil for pupil, _password in made]
    twinning_services.add_pupils(
        twinning=twinning, row=twinning.schools.get(school=cast.school_a), pupils=pupils, by=cast.teacher_a.user
    )
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Rivers", body="Tell us")
    for pupil in pupils:
        workspace.reply(thread=thread, by=pupil.user, body="Our river")
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    long_ago = timezone.now() - timedelta(days=2 * 365)
    Twinning.objects.filter(pk=twinning.pk).update(closed_at=long_ago, school_year=long_ago.year - 1)
    Pupil.objects.filter(pk__in=[p.pk for p in pupils]).update(created_at=long_ago)
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=6, updated_by=cast.nso_il)
    return twinning


@pytest.mark.parametrize("language", ["en", "he"])
@pytest.mark.parametrize("width", [1280, 390])
def test_policy_and_dry_run_pages_read_in_both_directions(page, live_server, cast, due, language, width):
    cast.nso_il.preferred_language = language
    cast.nso_il.save(update_fields=["preferred_language"])
    key = signed_in_session(cast.nso_il)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    shots = os.environ.get("RETENTION_SCREENSHOTS")
    for name, path in (("policy", "/privacy/retention/il/"), ("dry-run", "/privacy/retention/il/next-run/")):
        page.goto(f"{live_server.url}{path}")
        assert page.get_attribute("html", "lang") == language
        assert page.get_attribute("html", "dir") == ("rtl" if language == "he" else "ltr")
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{language}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than the screen"
    assert page.locator("[data-testid=dry-run] td").count() >= 3


@pytest.mark.parametrize("language", ["en", "he"])
@pytest.mark.parametrize("width", [1280, 390])
def test_programme_policy_and_dry_run_pages_read_in_both_directions(page, live_server, cast, due, language, width):
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים", "ar": "جسور"})
    Twinning.objects.filter(pk=due.pk).update(programme=programme)
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=18, pupil_account_days=60)
    admin = testing.make_person(name="Programme Admin", language=language)
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    key = signed_in_session(admin)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    shots = os.environ.get("RETENTION_SCREENSHOTS")
    base = "/privacy/retention/programme/bridges/"
    for name, path in (("programme-policy", base), ("programme-dry-run", f"{base}next-run/")):
        page.goto(f"{live_server.url}{path}")
        assert page.get_attribute("html", "dir") == ("rtl" if language == "he" else "ltr")
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{language}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than the screen"
    assert page.locator("[data-testid=dry-run] td").count() >= 3
