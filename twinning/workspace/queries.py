"""Reads for a workspace: the feed since the last visit, the forum."""

from django.db.models import QuerySet

from twinning.twinnings.models import Twinning
from twinning.workspace.models import Event, MediaItem, Post, Thread, Visit

FEED_SIZE = 50


FEED_FIELDS = (
    "pk",
    "at",
    "kind",
    "actor__full_name",
    "thread_id",
    "thread__title",
    "media_id",
    "media__title",
    "media__kind",
    "activity_id",
    "activity__title",
)


def feed_for(user, twinning: Twinning) -> tuple[list[dict], object]:
    """The latest events (newest first, at most FEED_SIZE) and the time of the person's last visit.

    Events after that time are the ones new to them. Rows are plain dicts of just what the feed
    shows: the page is read on every visit, so it builds no model objects.
    """
    seen = Visit.objects.filter(twinning=twinning, user=user).values_list("seen_at", flat=True).first()
    return list(Event.objects.filter(twinning=twinning).values(*FEED_FIELDS)[:FEED_SIZE]), seen


def threads_of(twinning: Twinning) -> QuerySet[Thread]:
    return Thread.objects.filter(twinning=twinning).select_related("author")


def posts_of(thread: Thread) -> QuerySet[Post]:
    return thread.posts.select_related("author", "quote__author")


def media_of(twinning: Twinning) -> QuerySet[MediaItem]:
    return MediaItem.objects.filter(twinning=twinning).select_related("uploader")
