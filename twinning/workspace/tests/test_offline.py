"""Offline reading and writing, on the server's side: what the service worker may keep, and a message
written offline sent (and perhaps sent again) by the page's outbox."""

import json

import pytest
from django.urls import reverse

from twinning import testing
from twinning.common.models import SentOnce
from twinning.common.offline import device_key
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services
from twinning.workspace.models import Post, Thread, Visit

pytestmark = pytest.mark.django_db

KEY = "0b7e6a1c-1d2f-4e3a-9b8c-7d6e5f4a3b2c"
JSON = {"HTTP_ACCEPT": "application/json"}


def _send(client, url, data, key=KEY):
    return client.post(url, data, HTTP_IDEMPOTENCY_KEY=key, **JSON)


@pytest.fixture
def topic(cast, twinning):
    return services.start_thread(twinning=twinning, by=cast.teacher_b.user, title="Our towns", body="Hello!")


def test_a_reply_sent_twice_with_its_key_is_posted_once(client, cast, twinning, topic):
    url = f"/twinnings/{twinning.pk}/forum/{topic.pk}/"
    teacher = as_(client, cast.teacher_a.user)
    first = _send(teacher, url, {"body": "مرحبا من حيفا"})
    again = _send(teacher, url, {"body": "مرحبا من حيفا"})
    assert first.status_code == again.status_code == 200
    shown = f"{url}?before=end#post-{Post.objects.get(body='مرحبا من حيفا').pk}"  # the last page, where it is
    assert first.json() == {"state": "sent", "url": shown, "replayed": False}
    assert again.json() == {"state": "sent", "url": shown, "replayed": True}
    assert list(Post.objects.filter(thread=topic).values_list("body", flat=True)) == ["Hello!", "مرحبا من حيفا"]
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_the_form_sent_twice_with_its_key_posts_once_and_says_so_once(client, cast, twinning, topic):
    url = f"/twinnings/{twinning.pk}/forum/{topic.pk}/"
    teacher = as_(client, cast.teacher_a.user)
    data = {"body": "Double tap", "idempotency_key": KEY}
    shown = teacher.post(url, data)["Location"]
    assert teacher.post(url, data)["Location"] == shown
    assert Post.objects.filter(thread=topic, body="Double tap").count() == 1
    assert shown == f"{url}?before=end#post-{Post.objects.get(body='Double tap').pk}"
    said = [str(m) for m in teacher.get(url).context["messages"]]
    assert said == ["Your reply is posted."]


def test_the_same_key_from_the_partner_is_another_message(client, cast, twinning, topic):
    url = f"/twinnings/{twinning.pk}/forum/{topic.pk}/"
    _send(as_(client, cast.teacher_a.user), url, {"body": "From A"})
    _send(as_(client, cast.teacher_b.user), url, {"body": "From B"})
    assert list(Post.objects.filter(thread=topic).values_list("body", flat=True)) == ["Hello!", "From A", "From B"]


def test_a_reply_to_a_twinning_closed_meanwhile_is_refused_with_the_reason(client, cast, twinning, topic):
    twinning_services.close_twinning(twinning=twinning, by=cast.coordinator, reason="Year over")
    answer = _send(as_(client, cast.teacher_a.user), f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "Late"})
    assert answer.status_code == 422
    assert answer.json() == {
        "state": "refused",
        "reason": "This twinning has closed: its workspace takes no new messages.",
    }
    assert not Post.objects.filter(body="Late").exists()
    assert not SentOnce.objects.exists()


def test_a_refusal_is_in_the_writers_language(client, cast, twinning, topic):
    cast.teacher_a.user.preferred_language = "ar"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    answer = _send(as_(client, cast.teacher_a.user), f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "  "})
    assert answer.status_code == 422
    reason = answer.json()["reason"]
    assert reason and reason != "This field is required." and any("\u0600" <= c <= "\u06ff" for c in reason)


def test_an_outsider_sending_to_a_thread_gets_404_and_nothing_is_kept(client, cast, twinning, topic):
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far School"), name="Out Sider")
    answer = _send(as_(client, outsider.user), f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "Hi"})
    assert answer.status_code == 404
    assert Post.objects.count() == 1 and not SentOnce.objects.exists()


def test_a_visitor_is_told_they_can_only_read(client, cast, twinning, topic):
    answer = _send(as_(client, cast.coordinator), f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "Hi"})
    assert answer.status_code == 422
    assert answer.json()["reason"] == "You can read this workspace but not write in it."


def test_a_thread_written_offline_is_started_once(client, cast, twinning):
    url = f"/twinnings/{twinning.pk}/forum/"
    teacher = as_(client, cast.teacher_a.user)
    first = _send(teacher, url, {"title": "Our festival", "body": "Photos soon"})
    again = _send(teacher, url, {"title": "Our festival", "body": "Photos soon"})
    thread = Thread.objects.get()
    assert first.json()["url"] == again.json()["url"] == f"/twinnings/{twinning.pk}/forum/{thread.pk}/"
    assert again.json()["replayed"] is True


def test_a_pupil_sending_a_new_thread_is_told_to_reply_instead(client, cast, twinning, pupils):
    ours, _theirs = pupils
    answer = _send(as_(client, ours.user), f"/twinnings/{twinning.pk}/forum/", {"title": "Hi", "body": "Hello"})
    assert answer.status_code == 422
    assert answer.json()["reason"] == "Only teachers start a new thread; reply in one instead."


def test_a_malformed_key_is_refused_with_a_reason(client, cast, twinning, topic):
    answer = _send(
        as_(client, cast.teacher_a.user), f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "x"}, key="<>"
    )
    assert answer.status_code == 422 and "key" in answer.json()["reason"]
    assert Post.objects.count() == 1


def test_workspace_pages_may_be_kept_offline_for_the_person_who_opened_them(client, cast, twinning, topic):
    teacher = as_(client, cast.teacher_a.user)
    for url in (
        f"/twinnings/{twinning.pk}/workspace/",
        f"/twinnings/{twinning.pk}/forum/",
        f"/twinnings/{twinning.pk}/forum/{topic.pk}/",
        f"/twinnings/{twinning.pk}/plan/",
        f"/twinnings/{twinning.pk}/pages/",
        f"/twinnings/{twinning.pk}/meetings/",
    ):
        answer = teacher.get(url)
        assert (answer["Offline-Keep"], answer["Cache-Control"]) == (
            device_key(cast.teacher_a.user),
            "private, no-cache",
        )
    # Each person's copies have their own name; files and other pages are not marked.
    assert device_key(cast.teacher_a.user) != device_key(cast.teacher_b.user)
    assert "Offline-Keep" not in teacher.get(f"/twinnings/{twinning.pk}/members/")
    assert "Offline-Keep" not in teacher.post(f"/twinnings/{twinning.pk}/forum/{topic.pk}/", {"body": "x"})


def test_the_workspace_lists_its_key_pages_to_keep_ahead_of_time(client, cast, twinning, topic):
    page = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/plan/").content.decode()
    assert f"/twinnings/{twinning.pk}/forum/{topic.pk}/ " in page.split('data-offline-prefetch="')[1]


def test_a_page_fetched_ahead_of_time_does_not_mark_the_feed_seen(client, cast, twinning, topic):
    teacher = as_(client, cast.teacher_a.user)
    teacher.get(f"/twinnings/{twinning.pk}/workspace/", HTTP_PURPOSE="prefetch")
    assert not Visit.objects.filter(user=cast.teacher_a.user).exists()
    teacher.get(f"/twinnings/{twinning.pk}/workspace/")
    assert Visit.objects.filter(user=cast.teacher_a.user).exists()


def test_the_service_worker_is_served_from_the_root_with_fresh_headers(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert (answer["Cache-Control"], answer["Service-Worker-Allowed"]) == ("no-cache", "/")
    text = answer.content.decode()
    assert '"/static/common/site.css"' in text and '"Offline-Keep"' in text and "&quot;" not in text
    assert "http://" not in text and "https://" not in text  # nothing from outside the site


@pytest.mark.parametrize(
    ("language", "direction", "name"), [("en", "ltr", "Twinning"), ("he", "rtl", None), ("ar", "rtl", None)]
)
def test_the_manifest_speaks_each_language(client, language, direction, name):
    answer = client.get(reverse("web_manifest", args=[language]))
    manifest = json.loads(answer.content)
    assert answer["Content-Type"] == "application/manifest+json"
    assert (manifest["lang"], manifest["dir"], manifest["start_url"], manifest["scope"]) == (
        language,
        direction,
        "/dashboard/",
        "/",
    )
    assert name is None or manifest["name"] == name
    if language != "en":
        assert manifest["name"] != "Twinning"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get(reverse("web_manifest", args=["xx"])).status_code == 404


def test_pages_link_the_manifest_of_their_language(client, cast):
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    page = as_(client, cast.teacher_a.user).get("/dashboard/").content.decode()
    assert 'rel="manifest" href="/manifest/he.webmanifest"' in page
    assert f'data-offline-key="{device_key(cast.teacher_a.user)}"' in page


def test_signing_out_clears_what_the_site_kept_on_the_device(client, cast):
    answer = as_(client, cast.teacher_a.user).post(reverse("accounts:logout"))
    assert answer["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_reads_without_signing_in(client):
    answer = client.get(reverse("offline"))
    assert answer.status_code == 200 and "Offline-Keep" not in answer


def test_a_page_fetched_ahead_of_time_sets_no_form_token_cookie(client, cast, twinning, topic):
    # Its answer may arrive after the page being used, whose forms must keep working.
    teacher = as_(client, cast.teacher_a.user)
    assert (
        "csrftoken" not in teacher.get(f"/twinnings/{twinning.pk}/forum/{topic.pk}/", HTTP_PURPOSE="prefetch").cookies
    )
    assert "csrftoken" in teacher.get(f"/twinnings/{twinning.pk}/forum/{topic.pk}/").cookies
