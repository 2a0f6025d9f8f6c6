"""Reads for a workspace: the feed since the last visit, the forum."""

from django.db.models import QuerySet

from twinning.twinnings.models import Twinning
from twinning.workspace.models import Event, MediaItem, Post, Thread, Visit

FEED_SIZE = 50


def feed_for(user, twinning: Twinning) -> tuple[list[Event], object]:
    """What happened since the person's last visit (newest first, at most FEED_SIZE), and that visit's time."""
    seen = Visit.objects.filter(twinning=twinning, user=user).values_list("seen_at", flat=True).first()
    events = Event.objects.filter(twinning=twinning).select_related("actor", "thread", "post", "media", "activity")
    if seen is not None:
        events = events.filter(at__gt=seen)
    return list(events[:FEED_SIZE]), seen


def threads_of(twinning: Twinning) -> QuerySet[Thread]:
    return Thread.objects.filter(twinning=twinning).select_related("author")


def posts_of(thread: Thread) -> QuerySet[Post]:
    return thread.posts.select_related("author", "quote__author")


def media_of(twinning: Twinning) -> QuerySet[MediaItem]:
    return MediaItem.objects.filter(twinning=twinning).select_related("uploader")
