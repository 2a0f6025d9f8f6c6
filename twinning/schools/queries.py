"""Reads about schools and teachers, shaped for the pages that show them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from twinning.accounts.models import User
from twinning.accounts.rules import roles_of
from twinning.common.search import contains_words
from twinning.schools import rules
from twinning.schools.models import (
    NEVER,
    Country,
    KeptCounts,
    Programme,
    ProgrammeMembership,
    School,
    TeacherProfile,
    ValidationStatus,
)

# The orders of the long lists, paged by key (`common.keyset`): the last key is unique, none is null.
DIRECTORY_KEYS = ("name", "pk")
QUEUE_KEYS = ("-vouched", "submitted_at", "pk")


def validation_queue_for_staff(user, *, country: str = "", search: str = "") -> QuerySet[TeacherProfile]:
    """Teachers waiting for this person's decision: confirmed e-mail, in their NSO's countries.

    Vouched-for teachers first (a principal has already confirmed them), then oldest first (`QUEUE_KEYS`: `vouched`
    is when a principal vouched, or long ago for nobody).
    """
    teachers = rules.teachers_validated_by(user).filter(
        status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False
    )
    if country:
        teachers = teachers.filter(school__country_id=country)
    if search:
        teachers = teachers.filter(
            contains_words("user__search_text", search) | contains_words("school__search_text", search)
        )
    return (
        teachers.select_related("user", "school__country", "vouched_by")
        .prefetch_related("subjects", "languages")
        .annotate(vouched=Coalesce("vouched_at", Value(NEVER)))
        .order_by(*QUEUE_KEYS)
    )


def pending_schools_for_staff(user) -> QuerySet[School]:
    return (
        rules.schools_validated_by(user)
        .filter(status=ValidationStatus.PENDING)
        .select_related("country", "created_by")
        .prefetch_related("languages")
        .order_by("created_at", "pk")
    )


def countries_for_staff(user) -> QuerySet[Country]:
    roles = roles_of(user)
    if roles.admin:
        return Country.objects.all()
    return Country.objects.filter(nso_id__in=roles.nso_ids)


def validation_counts_for_staff(user, counting: KeptCounts) -> dict[str, int]:
    """The validation queue's figures for this person's scope. The teachers and schools waiting are few and
    counted now, through the indexes of the waiting rows alone; the totals (validated, decided in the last 30
    days) come from the job's last `counting`, as the page says."""
    scope = rules.validator_scope(user)
    if scope is None:
        return dict.fromkeys(
            ("waiting", "unconfirmed", "schools_waiting", "validated", "decided_recently", "schools_validated"), 0
        )
    pending = TeacherProfile.objects.filter(status=ValidationStatus.PENDING)
    if not roles_of(user).admin:  # the administrator's scope is every school: no need to read them
        pending = pending.filter(school__in=School.objects.filter(scope))
    # Every teacher waiting, counted from the index of the waiting alone (the person counted, not the row's key: the
    # index holds the person); of them, those whose address is not confirmed yet, found among the few people with an
    # unconfirmed address (`user_address_unconfirmed`) rather than by looking up each person waiting. A teacher's
    # account always has an address (signing up and the import ask for it; pupils, who have none, teach nobody).
    unconfirmed_people = User.objects.filter(email_confirmed_at__isnull=True, email__isnull=False).values("pk")
    counts = pending.aggregate(
        everyone=Count("user"),
        unconfirmed=Count("user", filter=Q(user_id__in=unconfirmed_people)),
    )
    counts = {"waiting": (counts["everyone"] or 0) - (counts["unconfirmed"] or 0), "unconfirmed": counts["unconfirmed"]}
    counts["schools_waiting"] = School.objects.filter(scope, status=ValidationStatus.PENDING).count()
    groups = counting.groups.all()
    if not roles_of(user).admin:
        groups = groups.filter(country__in=Country.objects.filter(nso_id__in=roles_of(user).nso_ids).values("pk"))
    kept = groups.aggregate(
        validated=Sum("teachers_validated"),
        decided_recently=Sum("teachers_decided_recently"),
        schools_validated=Sum("schools", filter=Q(status=ValidationStatus.VALIDATED)),
    )
    return {**{name: counts[name] or 0 for name in counts}, **{name: kept[name] or 0 for name in kept}}


def count_school_groups(*, since: datetime) -> dict[tuple[str, str, str], dict[str, int]]:
    """The network's schools and teachers counted per group of schools alike for every scope of readers (country,
    programmes they are members of, status; see `KeptGroup`), teachers decided since `since` apart: what the job
    keeps (`services.count_figures`). Reads every school, membership and teacher once, in a few queries."""
    programmes: dict[int, list[int]] = {}
    members = School.programmes.through.objects.order_by().values_list("school_id", "programme_id")
    for school_id, programme_id in members.iterator(chunk_size=10_000):
        programmes.setdefault(school_id, []).append(programme_id)
    validated = Q(status=ValidationStatus.VALIDATED)
    recent = Q(decided_at__gte=since)
    per_school = (
        TeacherProfile.objects.order_by()
        .values("school_id")
        .annotate(
            validated=Count("pk", filter=validated),
            decided=Count("pk", filter=recent),
            validated_recently=Count("pk", filter=validated & recent),
        )
        .values_list("school_id", "validated", "decided", "validated_recently")
    )
    teachers = {row[0]: row[1:] for row in per_school.iterator(chunk_size=10_000)}
    groups: dict[tuple[str, str, str], dict[str, int]] = {}
    schools = School.objects.order_by().values_list("pk", "country_id", "status")
    for pk, country, status in schools.iterator(chunk_size=10_000):
        key = (country, programmes_key(programmes.get(pk, ())), status)
        group = groups.setdefault(key, dict.fromkeys(KEPT_FIGURES, 0))
        group["schools"] += 1
        counted = teachers.get(pk)
        if counted is not None:
            group["teachers_validated"] += counted[0]
            group["teachers_decided_recently"] += counted[1]
            group["teachers_validated_recently"] += counted[2]
    return groups


KEPT_FIGURES = ("schools", "teachers_validated", "teachers_decided_recently", "teachers_validated_recently")


def programmes_key(programme_ids) -> str:
    """How a group names the programmes its schools are members of (`KeptGroup.programmes`)."""
    return "".join(f",{pk}" for pk in sorted(programme_ids)) + "," if programme_ids else ""


def latest_counting() -> KeptCounts | None:
    return KeptCounts.objects.order_by("-counted_at", "-pk").first()


# A school's teachers by name, paged by key (`common.keyset`): a large school has a few hundred, sorted from the
# index on the school's teachers (the name is the person's, in another table).
TEACHER_KEYS = ("user__full_name", "pk")


def validated_teachers_of(school: School) -> QuerySet[TeacherProfile]:
    return (
        school.teachers.filter(status=ValidationStatus.VALIDATED, left_at__isnull=True)
        .select_related("user")
        .prefetch_related("subjects", "languages")
        .order_by(*TEACHER_KEYS)
    )


def schools_for_directory(user, *, search: str = "", country: str = "") -> QuerySet[School]:
    schools = rules.schools_visible_to(user).filter(status=ValidationStatus.VALIDATED)
    if country:
        schools = schools.filter(country_id=country)
    if search:
        schools = schools.filter(contains_words("search_text", search))
    return schools.select_related("country").order_by(*DIRECTORY_KEYS)


def schools_for_signup(*, country: str, search: str) -> QuerySet[School]:
    """Schools a new teacher may pick, in one country: validated ones only, because anyone may search
    here without signing in. A teacher of a school still waiting describes it again and joins it
    (see ``services.register_teacher``)."""
    return (
        School.objects.filter(country_id=country, status=ValidationStatus.VALIDATED)
        .filter(contains_words("search_text", search))
        .order_by("name", "pk")
    )


def teachers_awaiting_principal(user) -> QuerySet[TeacherProfile]:
    return (
        TeacherProfile.objects.filter(
            school_id__in=roles_of(user).principal_school_ids, status=ValidationStatus.PENDING
        )
        .select_related("user", "school", "vouched_by")
        .order_by("submitted_at", "pk")
    )


def scope_counts_for_coordinator(user, counting: KeptCounts) -> dict[str, int]:
    """Validated schools and teachers a coordinator accompanies (their NSOs' countries, and the members of their
    programmes), and the teachers validated in the 30 days before the job's last `counting`."""
    roles = roles_of(user)
    scope = Q(country__in=Country.objects.filter(nso_id__in=roles.coordinator_nso_ids).values("pk"))
    for programme_id in roles.coordinator_programme_ids:
        scope |= Q(programmes__contains=f",{programme_id},")
    kept = counting.groups.filter(scope, status=ValidationStatus.VALIDATED).aggregate(
        schools=Sum("schools"), teachers=Sum("teachers_validated"), new_teachers=Sum("teachers_validated_recently")
    )
    return {name: kept[name] or 0 for name in kept}


def new_teachers_for_coordinator(user, *, limit: int = 10) -> list[TeacherProfile]:
    """The teachers validated last in a coordinator's scope, newest first: read newest first through the index of
    validated teachers (`teacher_validated_newest`), each checked against the scope, until `limit` are found (no
    DISTINCT over the programmes' join, which made the database read and sort every teacher of the scope)."""
    roles = roles_of(user)
    scope = Q(country__nso_id__in=roles.coordinator_nso_ids) | Q(programmes__in=roles.coordinator_programme_ids)
    return list(
        TeacherProfile.objects.filter(status=ValidationStatus.VALIDATED, school__in=School.objects.filter(scope))
        .select_related("user", "school__country")
        .order_by("-decided_at", "-pk")[:limit]
    )


def teacher_users_by_school(school_ids) -> dict[int, list]:
    """The people who teach at each school now: validated, not recorded as having left.

    The ones to tell when something concerns the school (a proposal, a twinning), in one query.
    """
    found: dict[int, list] = {school_id: [] for school_id in school_ids}
    for teacher in TeacherProfile.objects.filter(
        school_id__in=found, status=ValidationStatus.VALIDATED, left_at__isnull=True
    ).select_related("user"):
        found[teacher.school_id].append(teacher.user)
    return found


@dataclass(frozen=True)
class Responsiveness:
    """How quickly a school answers its partners (median hours, None before its first answer) and
    when it was last active in its twinnings, in words for the pages that show it."""

    answer_hours: float | None
    last_active: datetime | None

    @property
    def answers(self) -> str:
        hours = self.answer_hours
        if hours is None:
            return ""
        if hours < 24:
            return gettext("Usually answers its partners within a day.")
        if hours < 72:
            return gettext("Usually answers its partners within a few days.")
        if hours <= 24 * 7:
            return gettext("Usually answers its partners within a week.")
        return gettext("Often takes more than a week to answer its partners.")


# The app that judges twinnings' health (coordination, above) says how responsive schools are; it
# fills this in its AppConfig.ready(). Each source maps school ids to (answer hours, last active).
_responsiveness_sources: list[Callable[..., dict[int, tuple[float | None, datetime | None]]]] = []


def add_responsiveness_source(source: Callable[..., dict[int, tuple[float | None, datetime | None]]]) -> None:
    if source not in _responsiveness_sources:
        _responsiveness_sources.append(source)


def responsiveness_of(school_ids) -> dict[int, Responsiveness]:
    """What is known of these schools' responsiveness (schools with no twinning yet are left out)."""
    found: dict[int, Responsiveness] = {}
    for source in _responsiveness_sources:
        for pk, (hours, last) in source(list(school_ids)).items():
            found[pk] = Responsiveness(hours, last)
    return found


# --- Programme membership -------------------------------------------------------------------------


def programmes_open_to(school: School) -> QuerySet[Programme]:
    """The programmes a school may ask to join: those connecting its country (or naming no country),
    of which it is not a member and to which it has no request waiting."""
    taken = ProgrammeMembership.objects.filter(
        school=school, status__in=[ProgrammeMembership.Status.PENDING, ProgrammeMembership.Status.APPROVED]
    ).values("programme_id")
    return (
        Programme.objects.filter(Q(countries=school.country_id) | Q(countries__isnull=True))
        .exclude(pk__in=taken)
        .exclude(pk__in=school.programmes.values("pk"))
        .distinct()
        .order_by("slug")
    )


MEMBERSHIP_KEYS = ("requested_at", "pk")


def membership_requests_for(user) -> QuerySet[ProgrammeMembership]:
    """Requests waiting for a programme this person decides for, oldest first."""
    return (
        ProgrammeMembership.objects.filter(
            programme__in=rules.programmes_deciding_members(user), status=ProgrammeMembership.Status.PENDING
        )
        .select_related("programme", "school__country", "requested_by")
        .order_by(*MEMBERSHIP_KEYS)
    )


def membership_request_count_for(user) -> int:
    """How many requests wait for this person's decision (the dashboard's "waiting for you")."""
    if not rules.may_decide_memberships(user):
        return 0
    return membership_requests_for(user).count()


def memberships_of(school: School) -> QuerySet[ProgrammeMembership]:
    """The school's requests and memberships, for its own page (its teachers and principal)."""
    return school.programme_memberships.select_related("programme").order_by("programme__slug")


MEMBER_KEYS = ("country_id", "name", "pk")


def members_of(programme: Programme, *, search: str = "") -> QuerySet[School]:
    """The programme's approved member schools (`School.programmes`), by country then name."""
    schools = programme.schools.all()
    if search:
        schools = schools.filter(contains_words("search_text", search))
    return schools.select_related("country").order_by(*MEMBER_KEYS)
