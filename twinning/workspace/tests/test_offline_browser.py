"""Offline-first in a real browser, through Chromium's own network emulation (CDP): a teacher reading in
Arabic opens the workspace on a slow 3G connection, loses it, writes a reply, and the reply arrives
once when the connection returns, for the partner school too. A message the server refuses meanwhile
stays on the device with the reason.

With TWINNING_SCREENSHOTS set to a folder, the pages are photographed there at each step.
"""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from twinning import testing
from twinning.common.models import SentOnce
from twinning.twinnings import services as twinning_services
from twinning.workspace import services
from twinning.workspace.models import Post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not testing.AXE_SCRIPT.exists(), reason="axe-core is not installed: `make browser-deps`"),
]

REPLY = "وصلتنا رسالتكم! سنرسل صور مدرستنا غدًا."
# Chromium DevTools' "Slow 3G": 400 kbit/s each way, 2 s of latency.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8}
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
SHOTS = os.environ.get("TWINNING_SCREENSHOTS", "")


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of its own, which the site's CSP (script-src 'self') refuses.
    return {**browser_context_args, "bypass_csp": True}


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _sign_in(context, live_server, user, language: str) -> None:
    type(user).objects.filter(pk=user.pk).update(preferred_language=language)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": testing.signed_in_session(user), "url": live_server.url}
    context.add_cookies([cookie])


def _network(context, cdp, conditions: dict) -> None:
    """The page's network through CDP; the service worker is a target of its own, which Playwright
    takes offline and back (with the same CDP command) for the whole context."""
    cdp.send("Network.emulateNetworkConditions", conditions)
    context.set_offline(conditions["offline"])


def _kept_offline(page, path: str) -> bool:
    """Whether the service worker holds this person's copy of the page."""
    return page.evaluate(
        """async (path) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith("twinning-pages-")) continue;
                if (await (await caches.open(name)).match(new URL(path, location.href).href)) return true;
            }
            return false;
        }""",
        path,
    )


def _wait_until_kept(page, path: str, *, kept: bool = True, seconds: float = 20) -> None:
    """Wait until the service worker holds (or no longer holds) this person's copy of the page."""
    deadline = time.monotonic() + seconds
    while _kept_offline(page, path) != kept:
        assert time.monotonic() < deadline, f"{path} {'never kept' if kept else 'still kept'}"
        page.wait_for_timeout(200)


def _open_workspace_and_keep_it(page, live_server, twinning, thread_path: str) -> None:
    page.goto(f"{live_server.url}/twinnings/{twinning.pk}/workspace/")
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # The worker fetches the twinning's key pages ahead of time: the thread among them.
    _wait_until_kept(page, thread_path)


@pytest.fixture
def scene(cast, twinning):
    topic = services.start_thread(
        twinning=twinning, by=cast.teacher_b.user, title="Our schools", body="Hello from London! Tell us about Haifa."
    )
    return twinning, topic, f"/twinnings/{twinning.pk}/forum/{topic.pk}/"


def test_a_reply_written_offline_arrives_once_for_the_partner_school(browser, live_server, cast, scene):
    twinning, topic, thread_path = scene
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    _sign_in(context, live_server, cast.teacher_a.user, "ar")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    _network(context, cdp, SLOW_3G)

    _open_workspace_and_keep_it(page, live_server, twinning, thread_path)
    assert page.get_attribute("html", "dir") == "rtl"
    page.goto(f"{live_server.url}{thread_path}")
    assert page.locator("[data-testid=offline-notice]").inner_text() == ""

    # The connection goes: the thread still opens, from the device, and says when it was saved.
    _network(context, cdp, OFFLINE)
    page.wait_for_function("navigator.onLine === false")
    page.reload()
    notice = page.locator("[data-testid=offline-notice]")
    assert notice.get_attribute("role") == "status"
    assert notice.inner_text().startswith("غير متصل — يُعرض ما حُفظ في الساعة ")
    assert "Hello from London!" in page.locator("[data-testid=post]").first.inner_text()
    _shot(page, "thread-offline-saved-ar-390")

    # A reply written offline is kept on the device, waiting.
    page.fill("textarea[name=body]", REPLY)
    page.click("#reply form button[type=submit]")
    item = page.locator("[data-testid=outbox-item]")
    item.wait_for()
    assert item.get_attribute("data-state") == "waiting"
    assert page.locator("[data-testid=outbox-state]").inner_text() == "بانتظار الإرسال"
    assert page.locator("textarea[name=body]").input_value() == ""
    assert not Post.objects.filter(body=REPLY).exists()
    assert not testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
    _shot(page, "thread-outbox-waiting-ar-390")

    # Back on a slow connection: it is sent, once, and says so.
    _network(context, cdp, SLOW_3G)
    page.wait_for_selector("[data-testid=outbox-item][data-state=sent]", timeout=30_000)
    assert page.locator("[data-testid=outbox-state]").inner_text() == "تم الإرسال"
    assert Post.objects.filter(thread=topic, body=REPLY, author=cast.teacher_a.user).count() == 1
    _shot(page, "thread-outbox-sent-ar-390")

    # The same message sent again with its key (an answer lost on the way) writes nothing.
    key = SentOnce.objects.get(user=cast.teacher_a.user).key
    replay = page.evaluate(
        """async ([path, key, body]) => {
            const data = new FormData();
            data.append("body", body);
            data.append("csrfmiddlewaretoken", document.querySelector("input[name=csrfmiddlewaretoken]").value);
            const headers = {Accept: "application/json", "Idempotency-Key": key};
            const answer = await fetch(path, {method: "POST", body: data, headers});
            return [answer.status, await answer.json()];
        }""",
        [thread_path, key, REPLY],
    )
    # It answers with where the reply is: the thread's last page, at the reply.
    shown = f"{thread_path}?before=end#post-{Post.objects.get(body=REPLY).pk}"
    assert replay == [200, {"state": "sent", "url": shown, "replayed": True}]
    page.reload()  # the page sends whatever still waits: nothing does
    page.wait_for_selector("[data-testid=outbox-item][data-state=sent]")
    assert Post.objects.filter(body=REPLY).count() == 1
    context.close()

    # The partner school reads it, once.
    partner = browser.new_context(viewport={"width": 1280, "height": 900})
    _sign_in(partner, live_server, cast.teacher_b.user, "en")
    theirs = partner.new_page()
    theirs.goto(f"{live_server.url}{thread_path}")
    bodies = [text.strip() for text in theirs.locator("[data-testid=post] .post-body").all_inner_texts()]
    assert bodies == ["Hello from London! Tell us about Haifa.", REPLY]
    partner.close()


def test_a_reply_refused_meanwhile_stays_on_the_device_with_the_reason(browser, live_server, cast, scene):
    twinning, topic, thread_path = scene
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    _sign_in(context, live_server, cast.teacher_a.user, "ar")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    _open_workspace_and_keep_it(page, live_server, twinning, thread_path)
    page.goto(f"{live_server.url}{thread_path}")

    _network(context, cdp, OFFLINE)
    page.wait_for_function("navigator.onLine === false")
    page.fill("textarea[name=body]", REPLY)
    page.click("#reply form button[type=submit]")
    page.locator("[data-testid=outbox-item][data-state=waiting]").wait_for()

    # Meanwhile the twinning closes.
    twinning_services.close_twinning(twinning=twinning, by=cast.coordinator, reason="End of the year")
    _network(context, cdp, SLOW_3G)
    page.wait_for_selector("[data-testid=outbox-item][data-state=refused]", timeout=30_000)
    assert page.locator("[data-testid=outbox-state]").inner_text() == (
        "مرفوض: أُغلقت هذه التوأمة: لم تعد مساحة العمل فيها تستقبل رسائل جديدة."
    )
    assert not Post.objects.filter(body=REPLY).exists()
    _shot(page, "thread-outbox-refused-ar-1280")

    # Still there after a reload, with its text, for the writer to copy.
    page.reload()
    item = page.locator("[data-testid=outbox-item][data-state=refused]")
    item.wait_for()
    assert item.locator(".post-body").inner_text() == REPLY
    assert item.get_by_role("button", name="نسخ النص").count() == 1
    assert not testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
    context.close()


def test_another_person_on_the_same_device_never_gets_the_first_ones_pages(browser, live_server, cast, scene):
    twinning, _topic, thread_path = scene
    context = browser.new_context()
    _sign_in(context, live_server, cast.teacher_a.user, "en")
    page = context.new_page()
    _open_workspace_and_keep_it(page, live_server, twinning, thread_path)
    assert _kept_offline(page, thread_path)

    # Someone else signs in on the same phone: the first person's copies go at their first page.
    context.clear_cookies()
    _sign_in(context, live_server, cast.teacher_b.user, "en")
    page.goto(f"{live_server.url}/dashboard/")
    _wait_until_kept(page, thread_path, kept=False, seconds=10)
    context.close()
