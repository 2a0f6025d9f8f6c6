"""A real browser keeps what was typed in a form until it has been sent (common/static/common/drafts.js)."""

import pytest

from twinning.testing import PASSWORD
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = "Our class wrote a long letter about the harbour, the market and the festival."


def test_drafts_survive_an_expired_form_and_are_cleared_once_sent(page, live_server, cast):
    twinning = twinning_services.propose_twinning(
        from_school=cast.school_a, to_schools=[cast.school_b], by=cast.teacher_a.user, school_year=2026, titles={}
    )
    twinning_services.answer_invitation(
        twinning=twinning, row=twinning.schools.get(school=cast.school_b), by=cast.teacher_b.user, accept=True
    )
    twinning_services.approve_twinning(twinning=twinning, by=cast.coordinator)
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Letters", body="Hello")
    url = f"{live_server.url}/twinnings/{twinning.pk}/forum/{thread.pk}/"
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", cast.teacher_b.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")

    # Typed, then the page is reloaded: the text comes back, with a note.
    page.goto(url)
    page.fill("textarea[name=body]", TEXT)
    page.wait_for_timeout(500)
    page.reload()
    assert page.input_value("textarea[name=body]") == TEXT
    assert page.locator(".draft-note").count() == 1

    # The form has expired (its token is gone): the error page keeps the text for the next visit.
    page.context.clear_cookies(name="csrftoken")
    page.click("main form button[type=submit]")
    assert page.locator("[data-testid=error-page]").count() == 1
    page.goto(url)
    assert page.input_value("textarea[name=body]") == TEXT

    # Sent: the reply is posted and the draft is gone.
    page.click("main form button[type=submit]")
    page.wait_for_selector(f"text={TEXT}")
    page.reload()
    assert page.input_value("textarea[name=body]") == ""
    assert page.locator(".draft-note").count() == 0
    assert thread.posts.filter(body=TEXT).count() == 1
