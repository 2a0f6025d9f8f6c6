"""Reading the library: search with filters, the review queue, a person's own drafts."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from twinning.common.search import contains_words
from twinning.library.models import Activity, Attachment, Version

# Each order of the search, paged by key (`common.keyset`): the last key unique, none null.
SORTS = {
    "used": ("-use_count", "-published_at", "-pk"),
    "new": ("-published_at", "-pk"),
    "title": ("published__title", "pk"),
}


def _with_face(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("published__text_language").prefetch_related(
        "published__themes", "published__occasions", "published__languages"
    )


def library_for(
    user,
    *,
    text: str = "",
    theme: str = "",
    language: str = "",
    occasion: str = "",
    age: int | None = None,
    longest: int | None = None,
    sort: str = "used",
) -> QuerySet[Activity]:
    """Published activities matching every filter given, in the chosen order.

    Tags are filtered with EXISTS rather than joins, so an activity with many themes is listed once
    and the database never needs DISTINCT over the whole library.
    """
    found = Activity.objects.filter(
        status=Activity.Status.PUBLISHED, published__isnull=False, published_at__isnull=False
    )
    # Every word, in the title, the summary or the goals, however it is accented or pointed (common/search.py).
    found = found.filter(contains_words("published__search_text", text))
    tags = (
        ("themes", "subject_id", theme),
        ("languages", "language_id", language),
        ("occasions", "occasion_id", occasion),
    )
    for relation, column, value in tags:
        if value:
            through = getattr(Version, relation).through
            found = found.filter(Exists(through.objects.filter(version_id=OuterRef("published_id"), **{column: value})))
    if age is not None:
        found = found.filter(published__age_from__lte=age, published__age_to__gte=age)
    if longest is not None:
        found = found.filter(published__duration_minutes__lte=longest)
    return _with_face(found.order_by(*SORTS.get(sort, SORTS["used"])))


# The review queue, oldest first, paged by key (`common.keyset`) through the index on (state, submitted_at): a version
# is submitted with its time.
REVIEW_KEYS = ("submitted_at", "pk")


def review_queue_for(user) -> QuerySet[Version]:
    """Versions waiting for review, oldest first, without the reviewer's own."""
    return (
        Version.objects.filter(state=Version.State.SUBMITTED)
        .exclude(author=user)
        .select_related("activity", "author", "text_language")
        .order_by(*REVIEW_KEYS)
    )


def drafts_of(user) -> QuerySet[Version]:
    """The person's versions still being written or reviewed."""
    return (
        Version.objects.filter(author=user, state__in=Version.OPEN).select_related("activity").order_by("-created_at")
    )


def version_with_everything(version: Version) -> Version:
    return (
        Version.objects.select_related("text_language", "author", "reviewed_by", "activity")
        .prefetch_related("themes", "occasions", "languages", Prefetch("attachments", Attachment.objects.all()))
        .get(pk=version.pk)
    )
