"""Who may see a twinning and who may move it along.

`get_twinning_for_user` is the only way a view turns an id into a twinning: anything outside the
person's reach is a 404, whether or not it exists.
"""

from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.models import Role
from twinning.accounts.rules import roles_of
from twinning.schools.models import Country, TeacherProfile, ValidationStatus
from twinning.schools.rules import teaching_school_id
from twinning.twinnings.models import Membership, Twinning, TwinningSchool


def _ids(*sources: QuerySet) -> QuerySet:
    """One column of twinning ids read from each source in turn, as one query (a UNION, which also drops the
    twinnings found twice). Each source is a read through its own index (a person's coordinated twinnings, the
    schools of some countries, a programme's twinnings), so the database reads as many rows as the person's scope
    holds: an OR across the twinnings, their schools and the schools' countries could only be answered by joining
    every twinning to every school taking part in it and filtering the lot (and an OR of subqueries is costed so high
    that PostgreSQL compiles it before running it, which took longer than the query)."""
    first, *rest = (source.order_by() for source in sources)
    return first.union(*rest) if rest else first


def _reached(ways: list[Q], twinnings: QuerySet[Twinning]) -> QuerySet[Twinning]:
    """Of `twinnings`, those reached by any of these ways. By one way alone (NSO staff, a programme's coordinator),
    the way is the query's own condition: the planner then chooses between checking each twinning through its schools
    (a few twinnings in a state, a page of them in order) and gathering the scope first (all of it); by more, the
    twinnings each way reaches, asked of each in turn (`_ids`)."""
    if not ways:
        return twinnings.none()
    if len(ways) == 1:
        return twinnings.filter(ways[0])
    return twinnings.filter(pk__in=_ids(*(twinnings.filter(way).values("pk") for way in ways)))


def _countries_served_by(nsos) -> list[str]:
    """The codes of the countries these NSOs serve: named in the query as they are, so the planner knows how many
    schools each holds (through a join with the countries it would guess, and guess few)."""
    return list(Country.objects.filter(nso_id__in=nsos).order_by("code").values_list("code", flat=True))


def _ways_into_care(user, *, principals: bool = True, coordinated: bool = True) -> list[Q]:
    """The ways a twinning is in a person's care without their being a member: they coordinate it, it has a school in
    a country of an NSO they serve (as staff or coordinator, through any school, the second partner country's as much
    as the first's), it belongs to a programme they coordinate, or (with `principals`) their school takes part in it
    as its principal. Without `principals`, the scope of `can_oversee`: those who approve, re-match and close.
    Without `coordinated`, the first way is left out when the person coordinates no twinning by name and no programme
    (most NSO staff), which costs a look in the index but leaves them one way. Administrators oversee every twinning
    and are not asked here."""
    roles = roles_of(user)
    # The ways read from the twinning's own row (coordinated by them, in their programme) are one condition, which an
    # index on each column answers together; only the ways through the twinning's schools are asked apart.
    own = Q(programme_id__in=roles.coordinator_programme_ids) if roles.coordinator_programme_ids else None
    if coordinated or own is not None or Twinning.objects.filter(coordinator=user).exists():
        own = Q(coordinator=user) if own is None else Q(coordinator=user) | own
    ways = [] if own is None else [own]
    countries = _countries_served_by(roles.nso_ids | roles.coordinator_nso_ids)
    if countries:
        in_countries = TwinningSchool.objects.filter(twinning_id=OuterRef("pk"), school__country_id__in=countries)
        ways.append(Q(Exists(in_countries)))
    if principals and roles.principal_school_ids:
        led = TwinningSchool.objects.filter(twinning_id=OuterRef("pk"), school_id__in=roles.principal_school_ids)
        ways.append(Q(Exists(led)))
    return ways


def twinnings_overseen_by(user, *, statuses: Collection[str] | None = None) -> QuerySet[Twinning]:
    """The twinnings this person approves, re-matches and closes (as `can_oversee`), in one query; with `statuses`,
    only those in these states (asked of each way into the person's care, which is quicker than filtering after)."""
    if not user.is_authenticated:
        return Twinning.objects.none()
    twinnings = Twinning.objects.all() if statuses is None else Twinning.objects.filter(status__in=statuses)
    if roles_of(user).admin:
        return twinnings
    return _reached(_ways_into_care(user, principals=False, coordinated=False), twinnings)


def oversees_any_twinning(user) -> bool:
    """Whether this person oversees at least one twinning (as `twinnings_overseen_by(user).exists()`): each way into
    their care asked for one twinning, which stops at the first, rather than their whole scope gathered to find one."""
    if not user.is_authenticated:
        return False
    if roles_of(user).admin:
        return Twinning.objects.exists()
    return any(Twinning.objects.filter(way).exists() for way in _ways_into_care(user, principals=False))


def twinnings_for(user) -> QuerySet[Twinning]:
    if not user.is_authenticated:
        return Twinning.objects.none()
    if roles_of(user).admin:
        return Twinning.objects.all()
    ways = [
        Q(Exists(Membership.objects.filter(twinning_id=OuterRef("pk"), user=user, active=True))),
        *_ways_into_care(user),
    ]
    school = teaching_school_id(user)
    if school is not None:
        # Teachers see the twinnings their school is invited to, so they can answer.
        invited = TwinningSchool.objects.filter(
            twinning_id=OuterRef("pk"),
            school_id=school,
            status__in=[TwinningSchool.Status.INVITED, TwinningSchool.Status.JOINED],
        )
        ways.append(Q(Exists(invited)))
    return _reached(ways, Twinning.objects.all())


def get_twinning_for_user(user, pk: int) -> Twinning:
    return get_object_or_404(twinnings_for(user).select_related("programme", "coordinator"), pk=pk)


def own_school_row(user, twinning: Twinning) -> TwinningSchool | None:
    """The person's school in the twinning, when they teach there."""
    school = teaching_school_id(user)
    if school is None:
        return None
    return next((row for row in twinning.schools.all() if row.school_id == school), None)


def get_school_row_for_contacts(user, twinning: Twinning) -> TwinningSchool:
    """The school whose contacts in the twinning this person names: the one they teach at, or else
    the one they lead as principal; only while it takes part and the twinning is not read-only.
    Anything else is a 404."""
    row = own_school_row(user, twinning)
    if row is None:
        row = twinning.schools.filter(school_id__in=roles_of(user).principal_school_ids).first()
    if row is None or row.status != TwinningSchool.Status.JOINED or twinning.read_only:
        raise Http404
    return row


def can_oversee(user, twinning: Twinning) -> bool:
    """Coordinators and NSO staff in scope (and administrators) approve, re-match and close."""
    roles = roles_of(user)
    if roles.admin or twinning.coordinator_id == user.pk:
        return True
    if twinning.programme_id and twinning.programme_id in roles.coordinator_programme_ids:
        return True
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    return bool(nsos) and twinning.schools.filter(school__country__nso_id__in=nsos).exists()


def membership(user, twinning: Twinning) -> Membership | None:
    return twinning.memberships.filter(user=user, active=True).first()


def can_manage(user, twinning: Twinning) -> bool:
    """Teacher-administrators of a school taking part, and those who oversee the twinning."""
    member = membership(user, twinning)
    if member is not None and member.role == Membership.Role.TEACHER_ADMIN:
        return True
    return can_oversee(user, twinning)


def partner_school_ids_of_pupil(user) -> QuerySet:
    """The schools of the twinnings a pupil is in, which their pages link to (see ``schools.rules``)."""
    return TwinningSchool.objects.filter(twinning__memberships__user=user, twinning__memberships__active=True).values(
        "school_id"
    )


def readers_still_in(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """Of these (person, twinning) pairs, those where the person may still see the twinning (as
    `twinnings_for` says), with its titles: for the digest, which re-checks when it sends. Six
    queries whatever the number of people, so a digest for thousands asks no more than for one;
    `test_readers_still_in_agrees_with_twinnings_for` holds it to `twinnings_for`."""
    user_ids = {u for u, _t in pairs}
    twinnings = {
        pk: (titles, coordinator_id, programme_id)
        for pk, titles, coordinator_id, programme_id in Twinning.objects.filter(
            pk__in={t for _u, t in pairs}
        ).values_list("pk", "titles", "coordinator_id", "programme_id")
    }
    members = set(
        Membership.objects.filter(user_id__in=user_ids, twinning_id__in=twinnings.keys(), active=True).values_list(
            "user_id", "twinning_id"
        )
    )
    admins = set(get_user_model().objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True))
    # What `accounts.rules.roles_of` reads, for everyone at once: the scopes each person oversees.
    nsos: dict[int, set] = {}
    programmes: dict[int, set] = {}
    principal: dict[int, set] = {}
    for user_id, kind, nso_id, programme_id, school_id in Role.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "kind", "nso_id", "programme_id", "school_id"
    ):
        if kind in (Role.Kind.NSO_STAFF, Role.Kind.COORDINATOR) and nso_id:
            nsos.setdefault(user_id, set()).add(nso_id)
        elif kind == Role.Kind.COORDINATOR:
            programmes.setdefault(user_id, set()).add(programme_id)
        elif kind == Role.Kind.PRINCIPAL:
            principal.setdefault(user_id, set()).add(school_id)
    # What `schools.rules.teaching_school_id` says: validated teachers still at a validated school.
    teaching = dict(
        TeacherProfile.objects.filter(
            user_id__in=user_ids,
            status=ValidationStatus.VALIDATED,
            left_at__isnull=True,
            school__status=ValidationStatus.VALIDATED,
        ).values_list("user_id", "school_id")
    )
    rows: dict[int, list[tuple[int, str, int | None]]] = {}
    for twinning_id, school_id, status, nso_id in TwinningSchool.objects.filter(
        twinning_id__in=twinnings.keys()
    ).values_list("twinning_id", "school_id", "status", "school__country__nso_id"):
        rows.setdefault(twinning_id, []).append((school_id, status, nso_id))

    def sees(user_id: int, twinning_id: int) -> bool:
        _titles, coordinator_id, programme_id = twinnings[twinning_id]
        schools = rows.get(twinning_id, [])
        return (
            (user_id, twinning_id) in members
            or user_id in admins
            or coordinator_id == user_id
            or any(nso in nsos.get(user_id, ()) for _school, _status, nso in schools)
            or (programme_id is not None and programme_id in programmes.get(user_id, ()))
            or any(school in principal.get(user_id, ()) for school, _status, _nso in schools)
            or any(
                school == teaching.get(user_id)
                and status in (TwinningSchool.Status.INVITED, TwinningSchool.Status.JOINED)
                for school, status, _nso in schools
            )
        )

    return {(u, t): twinnings[t][0] for u, t in pairs if t in twinnings and sees(u, t)}
