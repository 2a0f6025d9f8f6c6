"""Who may read and change an NSO's (or a programme's) retention policy, and see what its next run
will do.

Everyone in the NSO's scope reads its policy: its staff and coordinators, the teachers, principals
and pupils of its countries' schools, and the administrators and coordinators of programmes in its
countries. Its staff (and the platform administrator) change it and see the dry run. Anyone else
gets a 404. The defaults are public (`/privacy/retention/`).
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.common.scopes import everything
from twinning.schools.models import NSO, Programme
from twinning.twinnings.models import Membership, Twinning


def nsos_in_scope_of(user) -> QuerySet[NSO]:
    """The NSOs whose retention policy applies to the person, or whom they work for."""
    if not user.is_authenticated:
        return NSO.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.filter(everything())
    programmes = roles.programme_admin_ids | roles.coordinator_programme_ids
    scope = (
        Q(pk__in=roles.nso_ids | roles.coordinator_nso_ids)
        | Q(countries__schools__teachers__user=user)
        | Q(countries__schools__pupils__user=user)
        | Q(countries__schools__pk__in=roles.principal_school_ids)
        | Q(countries__programmes__pk__in=programmes)
    )
    return NSO.objects.filter(pk__in=NSO.objects.filter(scope).values("pk"))


def get_nso_for_reader(user, slug: str) -> NSO:
    return get_object_or_404(nsos_in_scope_of(user), slug=slug)


def may_change_policy(user, nso: NSO) -> bool:
    """The NSO's staff, and the platform administrator."""
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or nso.pk in roles.nso_ids


def may_see_dry_run(user, nso: NSO) -> bool:
    """Who changes the policy sees what its next run will remove: the same people."""
    return may_change_policy(user, nso)


def nsos_managed_by(user) -> QuerySet[NSO]:
    if not user.is_authenticated:
        return NSO.objects.none()
    roles = roles_of(user)
    return NSO.objects.all() if roles.admin else NSO.objects.filter(pk__in=roles.nso_ids)


def get_nso_for_policy_editor(user, slug: str) -> NSO:
    return get_object_or_404(nsos_managed_by(user), slug=slug)


def get_nso_for_dry_run(user, slug: str) -> NSO:
    return get_object_or_404(nsos_managed_by(user), slug=slug)


# --- Programmes -----------------------------------------------------------------------------------
# A programme's policy (when it sets one, it overrides its NSOs' for its twinnings) is read by
# everyone in the programme: its administrators and coordinators, the teachers of the schools in its
# twinnings and the pupils of its twinnings. Its administrators (and the platform administrator)
# change it and see its dry run.


def programmes_in_scope_of(user) -> QuerySet[Programme]:
    """The programmes whose retention policy applies to the person's twinnings, or whom they run."""
    if not user.is_authenticated:
        return Programme.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.filter(everything())
    twinnings = Twinning.objects.filter(
        Q(schools__school__teachers__user=user) | Q(memberships__user=user, memberships__role=Membership.Role.PUPIL)
    )
    scope = Q(pk__in=roles.programme_admin_ids | roles.coordinator_programme_ids) | Q(
        pk__in=twinnings.values("programme")
    )
    return Programme.objects.filter(scope)


def get_programme_for_reader(user, slug: str) -> Programme:
    return get_object_or_404(programmes_in_scope_of(user), slug=slug)


def may_change_programme_policy(user, programme: Programme) -> bool:
    """The programme's administrators, and the platform administrator."""
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or programme.pk in roles.programme_admin_ids


def may_see_programme_dry_run(user, programme: Programme) -> bool:
    """Who changes the programme's policy sees what its next run will remove: the same people."""
    return may_change_programme_policy(user, programme)


def programmes_managed_by(user) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    roles = roles_of(user)
    return Programme.objects.all() if roles.admin else Programme.objects.filter(pk__in=roles.programme_admin_ids)


def get_programme_for_policy_editor(user, slug: str) -> Programme:
    return get_object_or_404(programmes_managed_by(user), slug=slug)


def get_programme_for_dry_run(user, slug: str) -> Programme:
    return get_object_or_404(programmes_managed_by(user), slug=slug)
