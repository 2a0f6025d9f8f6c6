"""Threads and replies, read marks, hiding and showing messages, pinning threads."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.keyset import END
from twinning.common.notifications import notify
from twinning.communities.models import Community, Membership, Post, Thread, ThreadVisit
from twinning.communities.text import render

from ._common import _active, _name_for


def _touched(community: Community, when) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=when)


def start_thread(*, community: Community, by, title: str, body: str) -> Thread:
    """A new thread with its first message."""
    _active(community)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ServiceError(_("A thread needs a title and a first message."))
    with transaction.atomic():
        thread = Thread.objects.create(community=community, title=title, author=by, post_count=1)
        Post.objects.create(thread=thread, author=by, body=body, html=render(body), created_at=thread.created_at)
        ThreadVisit.objects.create(thread=thread, user=by, seen_at=thread.created_at)
        Community.objects.filter(pk=community.pk).update(
            thread_count=F("thread_count") + 1, last_activity_at=thread.created_at
        )
    return thread


def reply(*, thread: Thread, by, body: str) -> Post:
    """A reply. Side effect: the thread's starter (still a member) is notified, once until they read it."""
    community = thread.community
    _active(community)
    body = body.strip()
    if not body:
        raise ServiceError(_("Write a message first."))
    with transaction.atomic():
        post = Post.objects.create(thread=thread, author=by, body=body, html=render(body))
        Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
        _touched(community, post.created_at)
        ThreadVisit.objects.update_or_create(thread=thread, user=by, defaults={"seen_at": post.created_at})
        _tell_starter(thread, by, post)
    return post


def _tell_starter(thread: Thread, by, post: Post) -> None:
    starter = thread.author
    if starter is None or starter.pk == by.pk:
        return
    if not Membership.objects.filter(community_id=thread.community_id, user=starter).exists():
        return
    visit, _created = ThreadVisit.objects.select_for_update().get_or_create(
        thread=thread, user=starter, defaults={"seen_at": thread.created_at}
    )
    if visit.notified_at is not None and visit.notified_at > visit.seen_at:
        return  # told already, not read since: one notice is enough
    url = reverse("communities:thread", args=[thread.community_id, thread.pk])
    notify(
        user=starter,
        kind="community_reply",
        url=f"{url}?before={END}#post-{post.pk}",
        title=thread.title,
        community=_name_for(thread.community, starter),
    )
    visit.notified_at = post.created_at
    visit.save(update_fields=["notified_at"])


def mark_read(*, thread: Thread, user) -> None:
    """Remember that the person has read the thread up to now. Only a visit that brings news writes:
    reading the same thread again is one UPDATE that touches no row."""
    now = timezone.now()
    if ThreadVisit.objects.filter(thread=thread, user=user, seen_at__lt=thread.last_post_at).update(seen_at=now):
        return
    ThreadVisit.objects.get_or_create(thread=thread, user=user, defaults={"seen_at": now})


def hide_post(*, post: Post, by, reason: str) -> Post:
    """Hide a message, saying why (the author is told). Hiding a thread's first message hides the thread."""
    thread = post.thread
    _active(thread.community)
    if post.hidden_at is not None:
        raise ServiceError(_("This message is already hidden."))
    if not reason.strip():
        raise ServiceError(_("Say why the message is hidden: its author will read it."))
    with transaction.atomic():
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), by, reason.strip()[:500]
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") - 1)
        if _is_first(post):
            Thread.objects.filter(pk=thread.pk).update(hidden_at=post.hidden_at)
            Community.objects.filter(pk=thread.community_id).update(thread_count=F("thread_count") - 1)
        audit.record(actor=by, action="communities.post_hidden", target=post, reason=post.hidden_reason)
        if post.author_id and post.author_id != by.pk:
            notify(
                user=post.author,
                kind="community_post_hidden",
                url=reverse("communities:thread", args=[thread.community_id, thread.pk]),
                title=thread.title,
                community=_name_for(thread.community, post.author),
                reason=post.hidden_reason,
            )
    return post


def show_post(*, post: Post, by) -> Post:
    """Undo a hiding."""
    thread = post.thread
    _active(thread.community)
    if post.hidden_at is None:
        raise ServiceError(_("This message is not hidden."))
    with transaction.atomic():
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1)
        if _is_first(post):
            Thread.objects.filter(pk=thread.pk).update(hidden_at=None)
            Community.objects.filter(pk=thread.community_id).update(thread_count=F("thread_count") + 1)
        audit.record(actor=by, action="communities.post_shown", target=post)
    return post


def _is_first(post: Post) -> bool:
    return not Post.objects.filter(thread_id=post.thread_id, pk__lt=post.pk).exists()


def pin_thread(*, thread: Thread, by, pinned: bool) -> Thread:
    """A pinned thread stays at the top of the community's discussions."""
    _active(thread.community)
    thread.pinned_at = timezone.now() if pinned else None
    thread.save(update_fields=["pinned_at"])
    return thread
