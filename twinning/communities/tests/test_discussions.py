"""Discussions and shared resources in a community: posting, moderating, notifying, files and links."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from twinning.common.models import Notification
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.communities import services
from twinning.communities.models import Community, Post, Resource, Thread
from twinning.communities.tests.conftest import make
from twinning.communities.text import render
from twinning.testing import as_, reply_lands_on_the_last_page, walk_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(cast) -> Community:
    """An open community the coordinator moderates, with both cast teachers as members."""
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    services.join(community=community, user=cast.teacher_b.user)
    return community


def test_members_start_threads_and_reply_in_markdown(client, cast, community):
    response = as_(client, cast.teacher_a.user).post(
        f"/communities/{community.pk}/threads/",
        {"title": "Reading clubs", "body": "How do you run **reading clubs**?\nWe meet on Tuesdays."},
    )
    thread = Thread.objects.get()
    assert response["Location"] == f"/communities/{community.pk}/threads/{thread.pk}/"
    as_(client, cast.teacher_b.user).post(
        f"/communities/{community.pk}/threads/{thread.pk}/", {"body": "We use [this list](https://example.org/l)."}
    )
    thread.refresh_from_db()
    community.refresh_from_db()
    assert (thread.post_count, community.thread_count) == (2, 1)
    page = client.get(f"/communities/{community.pk}/threads/{thread.pk}/").content.decode()
    assert "<strong>reading clubs</strong>?<br>" in page
    assert '<a href="https://example.org/l" rel="noopener noreferrer nofollow">this list</a>' in page


def test_markdown_loses_scripts_and_javascript_links():
    html = render('Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">')
    assert "script" not in html
    assert "javascript" not in html
    assert "onerror" not in html
    assert "<img" not in html


def test_empty_messages_get_a_clear_error_and_nothing_is_saved(client, cast, community):
    member = as_(client, cast.teacher_a.user)
    response = member.post(f"/communities/{community.pk}/threads/", {"title": "Hi", "body": "  "})
    assert response.context["form"].errors["body"] == ["This field is required."]
    thread = services.start_thread(community=community, by=cast.coordinator, title="Welcome", body="Say hello")
    response = member.post(f"/communities/{community.pk}/threads/{thread.pk}/", {"body": "   "})
    assert "This field is required." in response.content.decode()
    assert (Thread.objects.count(), Post.objects.count()) == (1, 1)


def test_moderator_hides_a_message_with_a_reason_and_its_author_is_told(client, cast, community):
    thread = services.start_thread(community=community, by=cast.coordinator, title="Welcome", body="Say hello")
    rude = services.reply(thread=thread, by=cast.teacher_a.user, body="Buy cheap watches at spam.example")
    url = f"/communities/{community.pk}/posts/{rude.pk}/hide/"
    # A member who is not a moderator cannot; a moderator must say why.
    assert as_(client, cast.teacher_b.user).post(url, {"reason": "spam"}).status_code == 404
    response = as_(client, cast.coordinator).post(url, {"reason": ""}, follow=True)
    assert "Say why the message is hidden" in response.content.decode()
    rude.refresh_from_db()
    assert rude.hidden_at is None
    as_(client, cast.coordinator).post(url, {"reason": "Advertising is not allowed here."})
    rude.refresh_from_db()
    thread.refresh_from_db()
    assert (rude.hidden_by, rude.hidden_reason, thread.post_count) == (
        cast.coordinator,
        "Advertising is not allowed here.",
        1,
    )
    note = Notification.objects.get(recipient=cast.teacher_a.user, kind="community_post_hidden")
    assert note.params["reason"] == "Advertising is not allowed here."
    # Other members see that something was hidden, not what or why; the author sees why.
    other = as_(client, cast.teacher_b.user).get(f"/communities/{community.pk}/threads/{thread.pk}/").content.decode()
    assert "cheap watches" not in other
    assert "A moderator hid this message." in other
    assert "Advertising is not allowed here." not in other
    author = as_(client, cast.teacher_a.user).get(f"/communities/{community.pk}/threads/{thread.pk}/")
    assert "Advertising is not allowed here." in author.content.decode()
    # The moderator can show it again.
    as_(client, cast.coordinator).post(url)
    rude.refresh_from_db()
    assert rude.hidden_at is None


def test_hiding_the_first_message_hides_the_thread(client, cast, community):
    thread = services.start_thread(community=community, by=cast.teacher_a.user, title="Off topic", body="Spam")
    services.hide_post(post=thread.posts.get(), by=cast.coordinator, reason="Spam")
    community.refresh_from_db()
    assert community.thread_count == 0
    member = as_(client, cast.teacher_b.user)
    assert 'data-testid="thread"' not in member.get(f"/communities/{community.pk}/threads/").content.decode()
    assert member.get(f"/communities/{community.pk}/threads/{thread.pk}/").status_code == 404
    assert as_(client, cast.coordinator).get(f"/communities/{community.pk}/threads/{thread.pk}/").status_code == 200


def test_the_starter_is_told_of_replies_once_until_they_read_the_thread(client, cast, community):
    thread = services.start_thread(community=community, by=cast.teacher_a.user, title="Exchange", body="Who's in?")
    for n in range(3):
        services.reply(thread=thread, by=cast.teacher_b.user, body=f"Me! ({n})")
    services.reply(thread=thread, by=cast.teacher_a.user, body="Great")  # their own reply tells nobody
    notices = Notification.objects.filter(recipient=cast.teacher_a.user, kind="community_reply")
    assert notices.count() == 1
    assert notices.get().url.startswith(f"/communities/{community.pk}/threads/{thread.pk}/?before=end#post-")
    # Once they have read it, the next reply tells them again.
    as_(client, cast.teacher_a.user).get(f"/communities/{community.pk}/threads/{thread.pk}/")
    services.reply(thread=thread, by=cast.coordinator, body="Count me in")
    assert notices.count() == 2
    assert Notification.objects.filter(recipient=cast.teacher_b.user).count() == 0


def test_thread_queries_do_not_grow_with_messages(client, cast, community):
    thread = services.start_thread(community=community, by=cast.teacher_a.user, title="Tips", body="First")
    url = f"/communities/{community.pk}/threads/{thread.pk}/"
    reader = as_(client, cast.coordinator)
    reader.get(url)
    with CaptureQueriesContext(connection) as one:
        reader.get(url)
    services.reply(thread=thread, by=cast.teacher_b.user, body="Second")
    services.reply(thread=thread, by=cast.nso_il, body="Third")
    reader = as_(client, cast.coordinator)
    reader.get(url)
    with CaptureQueriesContext(connection) as three:
        body = reader.get(url).content.decode()
    assert body.count('data-testid="post"') == 3
    assert len(three) == len(one)


def test_thread_list_queries_do_not_grow_with_threads(client, cast, community):
    services.start_thread(community=community, by=cast.teacher_a.user, title="One", body="1")
    url = f"/communities/{community.pk}/threads/"
    reader = as_(client, cast.teacher_b.user)
    reader.get(url)
    with CaptureQueriesContext(connection) as one:
        reader.get(url)
    services.start_thread(community=community, by=cast.teacher_b.user, title="Two", body="2")
    services.start_thread(community=community, by=cast.coordinator, title="Three", body="3")
    reader = as_(client, cast.teacher_b.user)
    reader.get(url)
    with CaptureQueriesContext(connection) as three:
        body = reader.get(url).content.decode()
    assert body.count('data-testid="thread"') == 3
    assert len(three) == len(one)


def test_links_are_https_only(client, cast, community):
    member = as_(client, cast.teacher_a.user)
    url = f"/communities/{community.pk}/resources/"
    for address in ("javascript:alert(document.cookie)", "http://example.org/plain", "data:text/html,hi"):
        response = member.post(url, {"what": "link", "url": address, "title": "Trap"})
        assert response.status_code == 400
        assert "Share a web address that starts with https://" in response.content.decode()
    assert Resource.objects.count() == 0
    member.post(url, {"what": "link", "url": "https://www.etwinning.net/en/pub/index.htm", "title": "eTwinning"})
    assert Resource.objects.get().url == "https://www.etwinning.net/en/pub/index.htm"


def test_files_are_checked_stripped_and_served_only_inside(client, cast, community, media_root):
    member = as_(client, cast.teacher_a.user)
    url = f"/communities/{community.pk}/resources/"
    refused = member.post(
        url, {"what": "file", "file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00binary"), "title": "Tool"}
    )
    assert refused.status_code == 400
    assert "This kind of file cannot be shared here." in refused.content.decode()
    assert (Resource.objects.count(), list(media_root.rglob("*.*"))) == (0, [])
    member.post(url, {"what": "file", "file": SimpleUploadedFile("IMG_1.JPG", jpeg_with_gps()), "title": "Our class"})
    item = Resource.objects.get()
    served = member.get(f"{url}{item.pk}/file/")
    body = b"".join(served.streaming_content)
    assert (served["Content-Type"], Image.open(io.BytesIO(body)).getexif().get_ifd(0x8825)) == ("image/jpeg", {})
    assert "sandbox" in served["Content-Security-Policy"]
    # Only its sharer or a moderator removes it, and the stored file goes with it.
    assert as_(client, cast.teacher_b.user).post(f"{url}{item.pk}/remove/").status_code == 404
    path = media_root / item.file.name
    assert path.exists()
    assert as_(client, cast.coordinator).post(f"{url}{item.pk}/remove/").status_code == 302
    assert (Resource.objects.count(), path.exists()) == (0, False)
    community.refresh_from_db()
    assert community.resource_count == 0


def test_moderating_one_community_gives_no_power_in_another(client, cast, community):
    """Being a moderator somewhere gives no power in another community."""
    other = make(cast, name="Other", by=cast.nso_uk)
    services.join(community=other, user=cast.teacher_a.user)
    thread = services.start_thread(community=other, by=cast.teacher_a.user, title="Hi", body="Hello")
    post = thread.posts.get()
    coordinator = as_(client, cast.coordinator)
    assert coordinator.post(f"/communities/{other.pk}/posts/{post.pk}/hide/", {"reason": "x"}).status_code == 404
    # …and an id of another community's message through this community's address is a 404 as well.
    assert coordinator.post(f"/communities/{community.pk}/posts/{post.pk}/hide/", {"reason": "x"}).status_code == 404
    post.refresh_from_db()
    assert post.hidden_at is None


def test_community_files_refuse_a_picture_bomb_and_keep_pdfs_without_their_author(client, cast, community, media_root):
    from twinning.common.uploads.tests import corpus

    member = as_(client, cast.teacher_a.user)
    url = f"/communities/{community.pk}/resources/"
    refused = member.post(
        url, {"what": "file", "file": SimpleUploadedFile("map.png", corpus.png_bomb()), "title": "Map"}
    )
    assert refused.status_code == 400
    assert "This picture is too large: at most 50 megapixels." in refused.content.decode()
    assert (Resource.objects.count(), corpus.stored_files(media_root)) == (0, [])
    pdf = corpus.pdf_with_author()
    member.post(url, {"what": "file", "file": SimpleUploadedFile("guide.pdf", pdf), "title": "Guide"})
    body = Resource.objects.get().file.read()
    assert (corpus.AUTHOR.encode() in pdf, corpus.AUTHOR.encode() in body, b"Exif" in body) == (True, False, False)


def test_threads_page_by_key_pinned_first_with_as_many_queries_for_1_as_for_31(client, cast, community):
    url = f"/communities/{community.pk}/threads/"
    first = services.start_thread(community=community, by=cast.teacher_a.user, title="Thread 00", body="Hello")
    reader = as_(client, cast.teacher_b.user)
    (one,), _ = walk_pages(reader, url, not_counted="threadvisit")
    for n in range(1, 31):
        services.start_thread(community=community, by=cast.teacher_a.user, title=f"Thread {n:02}", body="Hello")
    Thread.objects.filter(pk=first.pk).update(pinned_at=first.created_at)

    counts, shown = walk_pages(reader, url, not_counted="threadvisit")

    assert counts == [one, one]
    assert [t.title for t in shown] == ["Thread 00", *(f"Thread {n:02}" for n in range(30, 0, -1))]


def test_posts_page_by_key_and_a_reply_lands_on_the_last_page(client, cast, community):
    thread = services.start_thread(community=community, by=cast.teacher_a.user, title="Long", body="Post 00")
    url = f"/communities/{community.pk}/threads/{thread.pk}/"
    reader = as_(client, cast.teacher_b.user)
    (one,), _ = walk_pages(reader, url, not_counted="threadvisit")
    for n in range(1, 31):
        services.reply(thread=thread, by=cast.teacher_a.user, body=f"Post {n:02}")

    counts, shown = walk_pages(reader, url, not_counted="threadvisit")

    assert counts == [one, one]
    assert [p.body for p in shown] == [f"Post {n:02}" for n in range(31)]
    reply_lands_on_the_last_page(reader, url, "The newest reply")
    assert reader.get(f"{url}?page=last")["Location"] == f"{url}?before=end"  # links in older notifications
