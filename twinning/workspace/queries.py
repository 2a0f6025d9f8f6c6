"""Reads for a workspace: the feed since the last visit, the forum."""

from django.db.models import Count, FilteredRelation, Max, Q, QuerySet

from twinning.accounts.models import Pupil
from twinning.common.prepared import PreparedRead
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace.models import Album, Event, MediaItem, MediaVariant, Moderation, Post, Thread, Visit
from twinning.workspace.rules import may_read, readable

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
    "media__album_id",
    "activity_id",
    "activity__title",
    # A shared photo's thumbnail, in the same query (`feed_thumbnails`): at most one per file and name.
    "thumb__pk",
    "thumb__width",
    "thumb__height",
)


def _latest_events(twinning_id: int) -> QuerySet:
    return (
        Event.objects.filter(twinning_id=twinning_id)
        .annotate(thumb=FilteredRelation("media__variants", condition=Q(media__variants__name=MediaVariant.Name.THUMB)))
        .values(*FEED_FIELDS)[:FEED_SIZE]
    )


# The feed's two reads, made on every visit: compiled once (common.prepared), run with the ids.
# One visit row at most per person and twinning: a slice, not first(), which would order it.
_LAST_VISIT = PreparedRead(
    lambda twinning_id, user_id: Visit.objects.filter(twinning_id=twinning_id, user_id=user_id).values_list("seen_at")[
        :1
    ],
    arity=2,
)
_LATEST_EVENTS = PreparedRead(_latest_events)


def feed_for(user, twinning: Twinning) -> tuple[list[dict], object]:
    """The latest events (newest first, at most FEED_SIZE) and the time of the person's last visit.

    Events after that time are the ones new to them. Rows are plain dicts of just what the feed
    shows: the page is read on every visit, so it builds no model objects. A shared file's
    thumbnail comes in the same query (a join on the one variant of that name), for
    `feed_thumbnails`.
    """
    seen = _LAST_VISIT.value(twinning.pk, user.pk)
    return _LATEST_EVENTS.dicts(twinning.pk), seen


def feed_thumbnails(events: list[dict]) -> dict[int, dict[str, int | None]]:
    """The thumbnails of the photos the feed's events name, by photo (read with the events by `feed_for`)."""
    return {
        e["media_id"]: {"pk": e["thumb__pk"], "width": e["thumb__width"], "height": e["thumb__height"]}
        for e in events
        if e["kind"] == Event.Kind.MEDIA and e["media__kind"] == "photo" and e["thumb__pk"] is not None
    }


# The orders of the forum and of a thread, paged by key (`common.keyset`).
THREAD_KEYS = ("-last_post_at", "-pk")
POST_KEYS = ("created_at", "pk")


def threads_of(twinning: Twinning) -> QuerySet[Thread]:
    return Thread.objects.filter(twinning=twinning).select_related("author").order_by(*THREAD_KEYS)


def posts_of(thread: Thread, *, member, user) -> QuerySet[Post]:
    """The posts of a thread this person may read, each with the post it quotes (shown only if
    that one is readable too: see `shown_quotes`)."""
    return (
        thread.posts.filter(readable(member, user, author_field="author"))
        .select_related("author", "quote__author")
        .order_by(*POST_KEYS)
    )


def readable_post(thread: Thread, pk, *, member, user) -> Post | None:
    """One post of the thread by its id, if this person may read it (a reply can only quote that)."""
    if not (isinstance(pk, int) or (isinstance(pk, str) and pk.isascii() and pk.isdigit())):
        return None
    return posts_of(thread, member=member, user=user).filter(pk=int(pk)).first()


def shown_quotes(posts, *, member, user) -> None:
    """Set `shown_quote` on each post: the post it quotes, or None when the reader may not read
    that one (still waiting for approval, or turned down after the reply was written)."""
    for post in posts:
        quoted = post.quote
        post.shown_quote = quoted if quoted is not None and may_read(quoted, member=member, user=user) else None


def pending_for(twinning: Twinning, member) -> tuple[QuerySet[Post], QuerySet[MediaItem]]:
    """What a teacher's school's pupils posted or shared, waiting for approval."""
    if member is None or member.role not in (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER):
        return Post.objects.none(), MediaItem.objects.none()
    posts = Post.objects.filter(thread__twinning=twinning, status=Moderation.PENDING, school_id=member.school_id)
    media = MediaItem.objects.filter(twinning=twinning, status=Moderation.PENDING, school_id=member.school_id)
    return posts.select_related("author", "thread"), media.select_related("uploader")


def media_of(twinning: Twinning, *, member, user) -> QuerySet[MediaItem]:
    return (
        MediaItem.objects.filter(twinning=twinning)
        .filter(readable(member, user, author_field="uploader"))
        .select_related("uploader")
        .prefetch_related("variants")
    )


def with_variants(items):
    """Each item's light copies by name (`shown_variants`), from the prefetched rows; the items back."""
    for item in items:
        item.shown_variants = {variant.name: variant for variant in item.variants.all()}
    return items


def taggable_pupils(twinning: Twinning, school_id: int | None) -> QuerySet[Pupil]:
    """Pupils of one school who are in the twinning: the ones a file its teacher shares can show."""
    if school_id is None:
        return Pupil.objects.none()
    in_twinning = Membership.objects.filter(
        twinning=twinning, active=True, role=Membership.Role.PUPIL, school_id=school_id
    ).values("user_id")
    return Pupil.objects.filter(school_id=school_id, user_id__in=in_twinning).order_by("display_name")


def albums_for(twinning: Twinning, *, member, user) -> list[Album]:
    """The workspace's albums in their order, each with `shown_count` (the files in it this person
    may see) and `cover_id` (the newest photo in it they may see, or None).

    Counts and covers come from the same `readable` rule as the gallery: a file hidden after a
    family withdrew consent is neither counted nor a cover for anyone who may not see it.
    """
    seen = (
        media_of(twinning, member=member, user=user)
        .filter(album__isnull=False)
        .order_by()
        .values("album_id")
        .annotate(n=Count("pk"), cover=Max("pk", filter=Q(kind=MediaItem.Kind.PHOTO)))
    )
    figures = {row["album_id"]: (row["n"], row["cover"]) for row in seen}
    albums = list(Album.objects.filter(twinning=twinning))
    for album in albums:
        album.shown_count, album.cover_id = figures.get(album.pk, (0, None))
    return albums


def album_order(twinning: Twinning) -> list[int]:
    """The ids of the workspace's albums in their order: what a page shows and a move post echoes."""
    return list(Album.objects.filter(twinning=twinning).values_list("pk", flat=True))
