"""The workspace forum and feed: members post and read; nobody else gets anything (404)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.common.errors import ServiceError
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services
from twinning.workspace.models import Post, Thread, Visit

pytestmark = pytest.mark.django_db


def test_members_start_threads_reply_and_quote(client, cast, twinning):
    response = as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/forum/", {"title": "Hello from Haifa", "body": "Shalom to our partners!"}
    )
    thread = Thread.objects.get()
    assert response["Location"] == f"/twinnings/{twinning.pk}/forum/{thread.pk}/"
    first = thread.posts.get()
    as_(client, cast.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/forum/{thread.pk}/", {"body": "Hello from London!", "quote": first.pk}
    )
    reply = Post.objects.exclude(pk=first.pk).get()
    thread.refresh_from_db()
    assert (reply.quote, reply.author, thread.post_count) == (first, cast.teacher_b.user, 2)
    page = client.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/")
    assert [p.body for p in page.context["page"]] == ["Shalom to our partners!", "Hello from London!"]


def test_quoting_a_post_of_another_thread_is_refused(cast, twinning):
    one = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="One", body="First")
    two = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Two", body="Second")
    with pytest.raises(ServiceError):
        services.reply(thread=two, by=cast.teacher_b.user, body="Hi", quote=one.posts.get())


def test_empty_message_gets_a_clear_error_and_nothing_is_saved(client, cast, twinning):
    response = as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/forum/", {"title": "Hi", "body": " "})
    assert response.context["form"].errors["body"] == ["This field is required."]
    assert Thread.objects.count() == 0


def test_visitors_read_but_cannot_post(client, cast, twinning):
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Plans", body="Our plan")
    coordinator = as_(client, cast.coordinator)
    assert coordinator.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").status_code == 200
    assert coordinator.post(f"/twinnings/{twinning.pk}/forum/{thread.pk}/", {"body": "Hi"}).status_code == 404
    assert coordinator.post(f"/twinnings/{twinning.pk}/forum/", {"title": "x", "body": "y"}).status_code == 404
    assert Post.objects.count() == 1


def test_outsiders_get_404_on_every_workspace_url(client, cast, twinning):
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Private", body="Members only")
    other_school = testing.make_school(country=cast.uk, name="Other School")
    outsider = testing.make_teacher(school=other_school, name="Out Sider")
    urls = [
        f"/twinnings/{twinning.pk}/workspace/",
        f"/twinnings/{twinning.pk}/forum/",
        f"/twinnings/{twinning.pk}/forum/{thread.pk}/",
    ]
    for person in (outsider.user, cast.pending_il.user):
        client = as_(client, person)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"title": "x", "body": "y"}).status_code == 404
    assert Post.objects.count() == 1


def test_a_thread_of_another_twinning_is_404_even_for_members(client, cast, twinning):
    other = twinning_services.propose_twinning(
        from_school=cast.school_b,
        to_schools=[testing.make_school(country=cast.israel, name="Third")],
        by=cast.teacher_b.user,
        school_year=2026,
    )
    elsewhere = services.start_thread(twinning=other, by=cast.teacher_b.user, title="Elsewhere", body="Not yours")
    assert as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/forum/{elsewhere.pk}/").status_code == 404


def test_school_that_left_loses_the_workspace_and_a_closed_one_is_read_only(client, cast, twinning):
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Plans", body="Our plan")
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user, reason="Done")
    client = as_(client, cast.teacher_a.user)
    assert client.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").status_code == 200
    assert client.post(f"/twinnings/{twinning.pk}/forum/{thread.pk}/", {"body": "Late"}).status_code == 404
    assert Post.objects.count() == 1


def test_feed_marks_what_happened_since_the_last_visit(client, cast, twinning):
    partner = as_(client, cast.teacher_b.user)
    assert partner.get(f"/twinnings/{twinning.pk}/workspace/").context["events"] == []
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Plans", body="Our plan")
    services.reply(thread=thread, by=cast.teacher_a.user, body="And a second thought")
    page = partner.get(f"/twinnings/{twinning.pk}/workspace/")
    assert [e["kind"] for e in page.context["events"]] == ["post", "thread"]
    assert page.content.decode().count('data-testid="new"') == 2
    # Seen now: still listed, no longer new.
    again = partner.get(f"/twinnings/{twinning.pk}/workspace/")
    assert ([e["kind"] for e in again.context["events"]], again.content.decode().count('data-testid="new"')) == (
        ["post", "thread"],
        0,
    )
    services.reply(thread=thread, by=cast.teacher_a.user, body="A third")
    assert partner.get(f"/twinnings/{twinning.pk}/workspace/").content.decode().count('data-testid="new"') == 1


def test_feed_and_forum_query_counts_are_the_same_for_one_and_three_threads(client, cast, twinning):
    def add_threads(n):
        for i in range(n):
            thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title=f"T{i}", body="Body")
            services.reply(thread=thread, by=cast.teacher_b.user, body="Reply")

    def counts():
        result = {}
        for url in (f"/twinnings/{twinning.pk}/workspace/", f"/twinnings/{twinning.pk}/forum/"):
            services.mark_seen(twinning=twinning, user=cast.teacher_b.user)  # the same visit row either way
            Visit.objects.filter(user=cast.teacher_b.user).update(seen_at=twinning.created_at)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            result[url] = len(queries)
        return result

    client = as_(client, cast.teacher_b.user)
    add_threads(1)
    one = counts()
    add_threads(2)
    assert counts() == one


def test_feed_escapes_what_people_wrote(client, cast, twinning):
    cast.teacher_a.user.full_name = "Dana <b>Levi</b>"
    cast.teacher_a.user.save()
    services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="<script>alert(1)</script>", body="x")
    page = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<bdi>Dana &lt;b&gt;Levi&lt;/b&gt;</bdi> started a thread:" in page


def test_forum_and_thread_page_by_key_with_as_many_queries_for_1_as_for_31(client, cast, twinning):
    reader = as_(client, cast.teacher_b.user)
    forum = f"/twinnings/{twinning.pk}/forum/"
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="T00", body="Post 00")
    url = f"{forum}{thread.pk}/"
    (one_forum,), _ = testing.walk_pages(reader, forum, not_counted="workspace_visit")
    (one_thread,), _ = testing.walk_pages(reader, url, not_counted="workspace_visit")
    for n in range(1, 31):
        services.start_thread(twinning=twinning, by=cast.teacher_a.user, title=f"T{n:02}", body="Body")
        services.reply(thread=thread, by=cast.teacher_a.user, body=f"Post {n:02}")

    forum_counts, threads = testing.walk_pages(reader, forum, not_counted="workspace_visit")
    thread_counts, posts = testing.walk_pages(reader, url, not_counted="workspace_visit")

    assert forum_counts == [one_forum, one_forum] and thread_counts == [one_thread, one_thread]
    assert [t.title for t in threads] == [t.title for t in Thread.objects.order_by("-last_post_at", "-pk")]
    assert [p.body for p in posts] == [f"Post {n:02}" for n in range(31)]


def test_a_reply_lands_on_the_threads_last_page(client, cast, twinning):
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Long", body="Post 00")
    for n in range(1, 35):
        services.reply(thread=thread, by=cast.teacher_a.user, body=f"Post {n:02}")
    partner = as_(client, cast.teacher_b.user)
    testing.reply_lands_on_the_last_page(partner, f"/twinnings/{twinning.pk}/forum/{thread.pk}/", "The newest")
