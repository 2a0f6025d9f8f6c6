"""A real browser: the second button of a form posts to its own address (formaction), in English
and in Arabic, on a wide and a narrow screen."""

import os

import pytest

from twinning.library.models import Activity, Version
from twinning.schools.models import Language, Subject
from twinning.testing import PASSWORD, current_code, enrol_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("TWINNING_SCREENSHOTS", "")  # a folder to keep the screenshots in, when set


def sign_in(page, live_server, user, device=None):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if device is not None:  # staff type the code of their authenticator app next
        page.wait_for_url(f"{live_server.url}/accounts/sign-in/code/?next=%2Fdashboard%2F")
        page.fill("input[name=code]", current_code(device))
        page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_draft_is_sent_for_review_and_returned_by_the_second_buttons(page, live_server, cast, context):
    teacher, coordinator = cast.teacher_a.user, cast.coordinator
    # Made here: a transactional test that ran before may have emptied the reference subjects.
    Subject.objects.get_or_create(code="geography", defaults={"names": {"en": "Geography", "ar": "الجغرافيا"}})
    Language.objects.get_or_create(code="en", defaults={"names": {"en": "English", "ar": "الإنجليزية"}})
    coordinator.preferred_language = "ar"
    coordinator.save(update_fields=["preferred_language"])

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, teacher)
    page.goto(f"{live_server.url}/library/new/")
    page.fill("input[name=title]", "Our streets, our stories")
    page.fill("textarea[name=summary]", "Each class photographs its street.")
    page.fill("textarea[name=goals]", "Describe a place")
    page.fill("textarea[name=steps]", "Walk the street\nTake three photographs")
    page.fill("input[name=duration_minutes]", "90")
    page.locator("input[name=themes]").first.check()
    page.locator("input[name=languages]").first.check()
    shoot(page, "library-new-en-1280")
    page.get_by_role("button", name="Save and send for review").click()
    page.wait_for_selector("[data-testid=version-state]")
    version = Version.objects.get()
    assert version.state == Version.State.SUBMITTED
    assert page.url == f"{live_server.url}/library/{version.activity_id}/edit/"

    context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, coordinator, enrol_second_factor(coordinator))
    page.goto(f"{live_server.url}/library/{version.activity_id}/versions/1/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("textarea[name=note]", "Add a step for the reply.")
    shoot(page, "library-review-ar-390")
    page.locator("form[action$='/publish/'] button[formaction$='/return/']").click()
    page.wait_for_url(f"{live_server.url}/library/review/")
    version.refresh_from_db()
    assert (version.state, version.review_note) == (Version.State.RETURNED, "Add a step for the reply.")
    assert Activity.objects.get().status == Activity.Status.DRAFT
