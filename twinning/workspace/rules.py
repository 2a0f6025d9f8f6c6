"""Who may read and write in a twinning's workspace. Anything outside a person's reach is a 404."""

from django.http import Http404

from twinning.twinnings.models import Membership, Twinning
from twinning.twinnings.rules import can_oversee, get_twinning_for_user

WRITERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER, Membership.Role.PUPIL)
# A workspace is open for work once the twinning is approved, until it is closed.
WORKING = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER)


def get_workspace_for_user(user, pk: int, *, write: bool = False) -> Twinning:
    """The twinning whose workspace this person may read (or, with `write`, post in).

    Members read; those who oversee the twinning (coordinator, NSO, principal) read as visitors.
    Only teachers and pupils of schools taking part write, and only while the twinning is open.
    """
    twinning = get_twinning_for_user(user, pk)
    member = twinning.memberships.filter(user=user, active=True).first()
    if member is None and not can_oversee(user, twinning):
        raise Http404
    if write and (member is None or member.role not in WRITERS or twinning.status not in WORKING):
        raise Http404
    return twinning


def can_write(user, twinning: Twinning) -> bool:
    if twinning.status not in WORKING:
        return False
    return twinning.memberships.filter(user=user, active=True, role__in=WRITERS).exists()


TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)


def get_plan_for_editor(user, pk: int) -> Twinning:
    """The twinning whose activity plan this teacher may change (pupils and visitors may only read it)."""
    twinning = get_workspace_for_user(user, pk, write=True)
    if not twinning.memberships.filter(user=user, active=True, role__in=TEACHERS).exists():
        raise Http404
    return twinning


def can_edit_plan(user, twinning: Twinning) -> bool:
    return can_write(user, twinning) and twinning.memberships.filter(user=user, active=True, role__in=TEACHERS).exists()


def can_export(user, twinning: Twinning) -> bool:
    return twinning.memberships.filter(user=user, active=True, role=Membership.Role.TEACHER_ADMIN).exists()
