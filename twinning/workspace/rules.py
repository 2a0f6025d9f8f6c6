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
    member = (
        Membership.objects.filter(twinning_id=pk, user=user, active=True).select_related("twinning").first()
        if user.is_authenticated
        else None
    )
    if member is not None:
        # A member's own row is the proof of access: no need for the wider visibility query.
        twinning = member.twinning
    else:
        twinning = get_twinning_for_user(user, pk)
        if not can_oversee(user, twinning):
            raise Http404
    twinning.viewer_membership = member
    if write and (member is None or member.role not in WRITERS or twinning.status not in WORKING):
        raise Http404
    return twinning


def _membership(user, twinning: Twinning):
    if hasattr(twinning, "viewer_membership"):
        return twinning.viewer_membership
    return twinning.memberships.filter(user=user, active=True).first()


def can_write(user, twinning: Twinning) -> bool:
    member = _membership(user, twinning)
    return twinning.status in WORKING and member is not None and member.role in WRITERS


TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)


def get_plan_for_editor(user, pk: int) -> Twinning:
    """The twinning whose activity plan this teacher may change (pupils and visitors may only read it)."""
    twinning = get_workspace_for_user(user, pk, write=True)
    if twinning.viewer_membership.role not in TEACHERS:
        raise Http404
    return twinning


def can_edit_plan(user, twinning: Twinning) -> bool:
    return can_write(user, twinning) and twinning.memberships.filter(user=user, active=True, role__in=TEACHERS).exists()


def can_export(user, twinning: Twinning) -> bool:
    return twinning.memberships.filter(user=user, active=True, role=Membership.Role.TEACHER_ADMIN).exists()
