"""In a real browser, in Hebrew: a programme's administrator imports 50 schools from an XLSX file,
fixes the two lines it rejects, imports again, and the 50 invitations wait in the queue. The pages
pass axe and fit a phone."""

import os
from pathlib import Path

import pytest

from twinning import testing
from twinning.accounts.models import Role
from twinning.common.models import Job
from twinning.onboarding.models import Invitation
from twinning.onboarding.tests.conftest import row, xlsx_bytes
from twinning.schools.models import Programme, School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("ONBOARDING_SHOTS", "")  # a folder: the pages are also photographed there


def _rows(*, broken: bool) -> list[list[str]]:
    rows = [
        row(
            name=f"Gesher {n}",
            native=f"בית ספר גשר {n}",
            city=("Haifa", "Akko", "Eilat")[n % 3],
            teacher=f"מורה {n}",
            email=f"teacher{n}@example.org",
            language=("he", "ar", "en")[n % 3],
        )
        for n in range(50)
    ]
    if broken:
        rows[6][9] = "teacher6-at-example.org"  # line 8: not an address
        rows[30][5], rows[30][6] = "15", "12"  # line 32: ages the wrong way round
    return rows


def _shoot(page, name: str, *, full_page: bool = True) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=full_page)


@pytest.fixture
def admin_page(browser, live_server, cast, settings):
    # The invitations' e-mails stay in the queue, as they do until a worker takes them.
    settings.JOBS_IMMEDIATE = False
    testing.restore_reference_data()
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים"})
    programme.countries.set([cast.israel, cast.uk])
    person = testing.make_person(name="פנינה מנהלת", language="he")
    testing.grant(person, Role.Kind.PROGRAMME_ADMIN, programme=programme)

    def open_page(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(person), "url": live_server.url}]
        )
        return context.new_page()

    return open_page, programme, person


def _axe(page) -> None:
    found = testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
    assert found == [], testing.describe_violations(found)


def _send(page, path: Path) -> None:
    page.set_input_files("input[type=file]", str(path))
    page.click("form[action$='/onboarding/check/'] button[type=submit]")


def test_an_administrator_imports_50_schools_fixing_two_lines(admin_page, live_server, tmp_path):
    open_page, programme, person = admin_page
    page = open_page(1280)
    broken, fixed = tmp_path / "בתי ספר.xlsx", tmp_path / "schools-fixed.xlsx"
    broken.write_bytes(xlsx_bytes(_rows(broken=True)))
    fixed.write_bytes(xlsx_bytes(_rows(broken=False)))

    page.goto(f"{live_server.url}/onboarding/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    _axe(page)
    _shoot(page, "start-he-1280")
    _send(page, broken)
    problems = page.locator("[data-testid=problem]")
    assert problems.count() == 2
    assert problems.nth(0).inner_text().split("\t")[:2] == ["8", "teacher_email"]
    assert "אינה כתובת דואר אלקטרוני" in problems.nth(0).inner_text()
    assert problems.nth(1).inner_text().split("\t")[:2] == ["32", "age_to"]
    assert not School.objects.filter(programmes=programme).exists()
    _axe(page)
    _shoot(page, "problems-he-1280")

    _send(page, fixed)
    page.wait_for_url("**/onboarding/*/")
    assert page.locator("[data-testid=new-schools]").inner_text() == "50"
    assert page.locator("[data-testid=teachers]").inner_text() == "50"
    assert not School.objects.filter(programmes=programme).exists()  # the dry run saved nothing
    _axe(page)
    _shoot(page, "review-he-1280")
    page.click("[data-testid=import]")
    page.wait_for_url("**/invitations/")
    assert page.locator("[data-testid=count-waiting]").inner_text() == "50"
    assert page.locator("[data-testid=invitation]").count() == 50
    _axe(page)
    _shoot(page, "invitations-he-1280")

    assert School.objects.filter(programmes=programme, status="validated").count() == 50
    assert Invitation.objects.filter(sent_at__isnull=True, accepted_at__isnull=True).count() == 50
    queued = Job.objects.filter(name="onboarding.send_invitations", status=Job.Status.QUEUED)
    assert sorted(i for job in queued for i in job.args["invitation_ids"]) == sorted(
        Invitation.objects.values_list("pk", flat=True)
    )
    page.context.close()

    phone = open_page(390)
    for path, name in (("/onboarding/", "start"), (page.url.removeprefix(live_server.url), "invitations")):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        _shoot(phone, f"{name}-he-390", full_page=False)
    phone.context.close()
    if SHOTS:  # the same pages in English, at both widths
        type(person).objects.filter(pk=person.pk).update(preferred_language="en")
        for width in (1280, 390):
            english = open_page(width)
            english.goto(f"{live_server.url}/onboarding/")
            _send(english, broken)
            _shoot(english, f"problems-en-{width}", full_page=width == 1280)
            english.goto(page.url)
            _shoot(english, f"invitations-en-{width}", full_page=False)
            # The same schools with other teachers: the check offers every school for merging.
            again = tmp_path / "more-teachers.xlsx"
            again.write_bytes(
                xlsx_bytes([cells[:9] + [f"new-{cells[9]}"] + cells[10:] for cells in _rows(broken=False)])
            )
            english.goto(f"{live_server.url}/onboarding/")
            _send(english, again)
            english.wait_for_url("**/onboarding/*/")
            assert english.locator("[data-testid=duplicate]").count() == 50
            _shoot(english, f"review-en-{width}", full_page=False)
            english.context.close()
