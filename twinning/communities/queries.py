"""Reads for communities: the listing, discussions, resources, members and invitations.

Every list here is read in a fixed number of queries whatever its length: counters are stored on
the community, the reader's own membership is an indexed subquery, and related rows are joined or
prefetched once per page.
"""

from datetime import UTC, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from twinning.accounts.models import Role, User
from twinning.accounts.rules import roles_of
from twinning.common.search import contains_words
from twinning.communities import rules
from twinning.communities.models import (
    Answer,
    Community,
    Folder,
    Invitation,
    JoinRequest,
    Membership,
    Resource,
    Thread,
    ThreadVisit,
)
from twinning.schools.models import ValidationStatus

# The orders the long lists page by key in (`common.keyset`). The listing: the person's own communities first (a
# handful), then the most recently active, through the index on (status, -last_activity_at). Members: moderators
# first, then by name: a big community has thousands of members, sorted from the index on (community, role) — the name
# is the person's, in another table. Resources: the newest first, through the index on (community, -added_at).
LISTING_KEYS = ("-mine", "-last_activity_at", "-pk")
MEMBER_KEYS = ("-role", "user__full_name", "pk")
RESOURCE_KEYS = ("-added_at", "-pk")


def communities_for_listing(
    user,
    *,
    text: str = "",
    subject: str = "",
    theme: str = "",
    country: str = "",
    access: str = "",
    archived: bool = False,
) -> QuerySet[Community]:
    """Active communities (with `archived`, archived ones too) matching every filter, the person's
    own first, then the most recently active.

    Words are looked for in the names and descriptions in every language (a stored lower-cased
    text). The region is filtered with EXISTS, so a community of many countries is listed once.
    """
    statuses = [Community.Status.ACTIVE, Community.Status.ARCHIVED] if archived else [Community.Status.ACTIVE]
    found = rules.communities_for(user).filter(status__in=statuses)
    for word in text.lower().split()[:8]:
        found = found.filter(search_text__contains=word)
    if subject:
        found = found.filter(subject_id=subject)
    if theme:
        found = found.filter(theme_id=theme)
    if country:
        through = Community.countries.through
        found = found.filter(Exists(through.objects.filter(community_id=OuterRef("pk"), country_id=country)))
    if access:
        found = found.filter(access=access)
    own = Membership.objects.filter(community=OuterRef("pk"), user=user)
    return (
        found.annotate(
            mine=Exists(own),
            my_role=Subquery(own.values("role")[:1]),
            asked=Exists(JoinRequest.objects.filter(community=OuterRef("pk"), user=user, status=Answer.PENDING)),
        )
        .select_related("subject", "theme")
        .prefetch_related("countries")
        .order_by(*LISTING_KEYS)
    )


def proposals_for(user) -> QuerySet[Community]:
    """Proposals waiting for this person's decision, and the person's own proposals not yet open."""
    roles = roles_of(user)
    shown = Q(created_by=user, status__in=[Community.Status.PROPOSED, Community.Status.DECLINED])
    if roles.admin:
        shown |= Q(status=Community.Status.PROPOSED)
    elif roles.nso_ids:
        shown |= Q(status=Community.Status.PROPOSED, nso_id__in=roles.nso_ids)
    return Community.objects.filter(shown).select_related("created_by").order_by("created_at", "pk")


def invitations_for(user) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(user=user, status=Answer.PENDING, community__status=Community.Status.ACTIVE)
        .select_related("community", "invited_by")
        .order_by("-created_at", "-pk")
    )


# The orders of a community's threads and of a thread's posts, paged by key (`common.keyset`): `pinned` is when
# the thread was pinned, or long ago for a thread not pinned.
THREAD_KEYS = ("-pinned", "-last_post_at", "-pk")
POST_KEYS = ("created_at", "pk")
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def threads_of(community: Community, user, *, moderator: bool) -> QuerySet[Thread]:
    """Pinned threads first, then the latest (`THREAD_KEYS`); each with when the reader last read it (`seen_at`).

    A hidden thread is shown to moderators only.
    """
    threads = Thread.objects.filter(community=community)
    if not moderator:
        threads = threads.filter(hidden_at__isnull=True)
    seen = ThreadVisit.objects.filter(thread=OuterRef("pk"), user=user).values("seen_at")[:1]
    return (
        threads.annotate(seen_at=Subquery(seen), pinned=Coalesce("pinned_at", Value(_NEVER)))
        .select_related("author")
        .order_by(*THREAD_KEYS)
    )


def posts_of(thread: Thread):
    return thread.posts.select_related("author__teacher__school__country", "hidden_by").order_by(*POST_KEYS)


def moderator_ids(community: Community) -> set[int]:
    return set(
        Membership.objects.filter(community=community, role=Membership.Role.MODERATOR).values_list("user_id", flat=True)
    )


def moderators_of(community: Community, *, limit: int = 20) -> list[Membership]:
    return list(
        Membership.objects.filter(community=community, role=Membership.Role.MODERATOR)
        .select_related("user")
        .order_by("user__full_name", "pk")[:limit]
    )


def resources_of(community: Community) -> QuerySet[Resource]:
    return Resource.objects.filter(community=community).select_related("added_by").order_by(*RESOURCE_KEYS)


def folders_of(community: Community) -> list[Folder]:
    """The community's folders in their order, each with `shown_count`, its resources."""
    counts = dict(
        Resource.objects.filter(community=community, folder__isnull=False)
        .order_by()
        .values("folder_id")
        .annotate(n=Count("pk"))
        .values_list("folder_id", "n")
    )
    folders = list(Folder.objects.filter(community=community))
    for folder in folders:
        folder.shown_count = counts.get(folder.pk, 0)
    return folders


def members_of(community: Community, *, text: str = "") -> QuerySet[Membership]:
    """Moderators first, then by name; with each person's school, country and staff roles."""
    members = Membership.objects.filter(community=community)
    members = members.filter(contains_words("user__search_text", text, most=4))
    return (
        members.select_related("user__teacher__school__country")
        .prefetch_related(Prefetch("user__roles", Role.objects.exclude(kind=Role.Kind.PRINCIPAL).order_by("kind")))
        .order_by(*MEMBER_KEYS)
    )


def requests_for(community: Community) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(community=community, status=Answer.PENDING).select_related(
        "user__teacher__school__country"
    )


def pending_invitations_of(community: Community) -> QuerySet[Invitation]:
    return Invitation.objects.filter(community=community, status=Answer.PENDING).select_related("user", "invited_by")


def people_to_invite(community: Community, text: str, *, limit: int = 20) -> list[User]:
    """People who may take part, found by name (or their whole e-mail address), who are not members yet."""
    text = text.strip()
    if len(text) < 3:
        return []
    eligible = (
        Q(
            teacher__status=ValidationStatus.VALIDATED,
            teacher__left_at__isnull=True,
            teacher__school__status=ValidationStatus.VALIDATED,
        )
        | Q(is_superuser=True)
        | Q(roles__kind__in=[Role.Kind.NSO_STAFF, Role.Kind.COORDINATOR])
    )
    found = Q(email__iexact=text) if "@" in text else contains_words("search_text", text)
    people = (
        User.objects.filter(found, eligible, is_active=True)
        .exclude(pk__in=Membership.objects.filter(community=community).values("user_id"))
        .exclude(pupil__isnull=False)
        .distinct()
        .select_related("teacher__school__country")
        .order_by("full_name", "pk")
    )
    return list(people[:limit])
