"""Reads about schools and teachers, shaped for the pages that show them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from twinning.accounts.rules import roles_of
from twinning.common.search import contains_words
from twinning.schools import rules
from twinning.schools.models import Country, Programme, ProgrammeMembership, School, TeacherProfile, ValidationStatus

# The orders of the long lists, paged by key (`common.keyset`): the last key is unique, none is null.
DIRECTORY_KEYS = ("name", "pk")
QUEUE_KEYS = ("-vouched", "submitted_at", "pk")
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


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
        .annotate(vouched=Coalesce("vouched_at", Value(_NEVER)))
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


def validation_counts_for_staff(user) -> dict[str, int]:
    teachers = rules.teachers_validated_by(user)
    since = timezone.now() - timedelta(days=30)
    counts = teachers.aggregate(
        waiting=Count("pk", filter=Q(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=True)),
        validated=Count("pk", filter=Q(status=ValidationStatus.VALIDATED)),
        decided_recently=Count("pk", filter=Q(decided_at__gte=since)),
    )
    schools = rules.schools_validated_by(user).aggregate(
        schools_waiting=Count("pk", filter=Q(status=ValidationStatus.PENDING)),
        schools_validated=Count("pk", filter=Q(status=ValidationStatus.VALIDATED)),
    )
    return {**counts, **schools}


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


def scope_counts_for_coordinator(user) -> dict[str, int]:
    """Validated schools and teachers a coordinator accompanies, and those new in 30 days."""
    roles = roles_of(user)
    scope = Q(country__nso_id__in=roles.coordinator_nso_ids) | Q(programmes__in=roles.coordinator_programme_ids)
    school_ids = School.objects.filter(scope, status=ValidationStatus.VALIDATED).values("pk")
    since = timezone.now() - timedelta(days=30)
    teachers = TeacherProfile.objects.filter(school__in=school_ids, status=ValidationStatus.VALIDATED)
    return {
        "schools": School.objects.filter(pk__in=school_ids).count(),
        "teachers": teachers.count(),
        "new_teachers": teachers.filter(decided_at__gte=since).count(),
    }


def new_teachers_for_coordinator(user, *, limit: int = 10) -> list[TeacherProfile]:
    roles = roles_of(user)
    scope = Q(school__country__nso_id__in=roles.coordinator_nso_ids) | Q(
        school__programmes__in=roles.coordinator_programme_ids
    )
    return list(
        TeacherProfile.objects.filter(scope, status=ValidationStatus.VALIDATED)
        .distinct()
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
