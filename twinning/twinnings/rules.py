"""Who may see a twinning and who may move it along.

`get_twinning_for_user` is the only way a view turns an id into a twinning: anything outside the
person's reach is a 404, whether or not it exists.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.common.scopes import everything
from twinning.schools.rules import teaching_school_id
from twinning.twinnings.models import Membership, Twinning, TwinningSchool


def _oversight(user, *, principals: bool = True) -> Q:
    """Twinnings a person oversees without being a member: coordinators, NSO staff, (principals).

    Without `principals`, the same scope as `can_oversee`: those who approve, re-match and close.
    """
    roles = roles_of(user)
    if roles.admin:
        return everything()
    scope = Q(coordinator=user)
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    if nsos:
        scope |= Q(schools__school__country__nso_id__in=nsos)
    if roles.coordinator_programme_ids:
        scope |= Q(programme_id__in=roles.coordinator_programme_ids)
    if principals and roles.principal_school_ids:
        scope |= Q(schools__school_id__in=roles.principal_school_ids)
    return scope


def twinnings_overseen_by(user) -> QuerySet[Twinning]:
    """The twinnings this person approves, re-matches and closes (as `can_oversee`), in one query."""
    if not user.is_authenticated:
        return Twinning.objects.none()
    return Twinning.objects.filter(pk__in=Twinning.objects.filter(_oversight(user, principals=False)).values("pk"))


def twinnings_for(user) -> QuerySet[Twinning]:
    if not user.is_authenticated:
        return Twinning.objects.none()
    visible = Q(memberships__user=user, memberships__active=True) | _oversight(user)
    school = teaching_school_id(user)
    if school is not None:
        # Teachers see the twinnings their school is invited to, so they can answer.
        visible |= Q(
            schools__school_id=school, schools__status__in=[TwinningSchool.Status.INVITED, TwinningSchool.Status.JOINED]
        )
    return Twinning.objects.filter(pk__in=Twinning.objects.filter(visible).values("pk"))


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
    """Of these (person, twinning) pairs, those where the person may still see the twinning, with its
    title: for the digest, which re-checks at sending time. Active members in one query; the few
    others (coordinators, NSO staff, principals, teachers of an invited school) person by person."""
    from django.contrib.auth import get_user_model

    titles = dict(Twinning.objects.filter(pk__in={t for _u, t in pairs}).values_list("pk", "titles"))
    members = set(
        Membership.objects.filter(
            user_id__in={u for u, _t in pairs}, twinning_id__in=titles.keys(), active=True
        ).values_list("user_id", "twinning_id")
    )
    found = {pair: titles[pair[1]] for pair in pairs & members}
    rest: dict[int, set[int]] = {}
    for user_id, twinning_id in pairs - members:
        if twinning_id in titles:
            rest.setdefault(user_id, set()).add(twinning_id)
    for user in get_user_model().objects.filter(pk__in=rest.keys()):
        for twinning_id in twinnings_for(user).filter(pk__in=rest[user.pk]).values_list("pk", flat=True):
            found[(user.pk, twinning_id)] = titles[twinning_id]
    return found
