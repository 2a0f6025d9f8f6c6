"""Who may read and write in a twinning's workspace. Anything outside a person's reach is a 404.

What a person may read of the moderated things in a workspace (forum posts and shared files) is
one rule, `readable` (for queries) and `may_read` (for one object already loaded), used by every
place that shows or hands out workspace content: the forum and its quotes, the gallery and the
file view, the feed, the pages, and the ZIP export.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from twinning.accounts.rules import roles_of
from twinning.common.prepared import PreparedRead
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.twinnings.rules import can_oversee, get_twinning_for_user
from twinning.workspace.models import Album, Moderation

WRITERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER, Membership.Role.PUPIL)
TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)
# A workspace is open for work once the twinning is approved, until it is closed.
WORKING = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER)


def is_principal_of_participant(user, twinning: Twinning) -> bool:
    """A principal of a school taking part: they answer for its pupils, so they read as visitors."""
    schools = roles_of(user).principal_school_ids
    return (
        bool(schools)
        and TwinningSchool.objects.filter(
            twinning=twinning, school_id__in=schools, status=TwinningSchool.Status.JOINED
        ).exists()
    )


# The person's own membership with its twinning: read on every workspace page, so compiled once
# (common.prepared). At most one row (one membership per person and twinning): a slice, as first()
# would order by the key.
_OWN_MEMBERSHIP = PreparedRead(
    lambda twinning_id, user_id: Membership.objects.filter(
        twinning_id=twinning_id, user_id=user_id, active=True
    ).select_related("twinning")[:1],
    arity=2,
)


def get_workspace_for_user(user, pk: int, *, write: bool = False) -> Twinning:
    """The twinning whose workspace this person may read (or, with `write`, post in).

    Members read; those who oversee the twinning (coordinator, NSO, administrator) and the
    principals of the schools taking part read as visitors. Only teachers and pupils of schools
    taking part write, and only while the twinning is open.
    """
    member = next(iter(_OWN_MEMBERSHIP.objects(pk, user.pk)), None) if user.is_authenticated else None
    if member is not None:
        # A member's own row is the proof of access: no need for the wider visibility query.
        twinning = member.twinning
    else:
        twinning = get_twinning_for_user(user, pk)
        if not (can_oversee(user, twinning) or is_principal_of_participant(user, twinning)):
            raise Http404
    twinning.viewer_membership = member
    if write and (member is None or member.role not in WRITERS or twinning.status not in WORKING):
        raise Http404
    return twinning


def _membership(user, twinning: Twinning):
    if hasattr(twinning, "viewer_membership"):
        return twinning.viewer_membership
    return twinning.memberships.filter(user=user, active=True).first()


def _teaches_in(member) -> bool:
    return member is not None and member.role in TEACHERS


def readable(member, user, *, author_field: str) -> Q:
    """The posts or files (of one twinning) a person may read, as a filter.

    Everyone who may open the workspace reads what is published. A pupil's post or upload that
    waits for approval is read by its author and by the teachers of the author's school, who
    decide; the partner school and visitors never see it. What was turned down is read by nobody.
    A file hidden because a family withdrew consent is read only by the teachers of its school.
    """
    visible = Q(status=Moderation.PUBLISHED) | Q(status=Moderation.PENDING, **{author_field: user})
    if _teaches_in(member):
        # A file hidden after a family withdrew consent stays in sight of its school's teachers,
        # who are told to replace it; nobody else sees it.
        visible |= Q(status__in=(Moderation.PENDING, Moderation.WITHDRAWN), school_id=member.school_id)
    return visible


def may_read(item, *, member, user) -> bool:
    """`readable` for one post or file already loaded (e.g. the post a reply quotes)."""
    if item.status == Moderation.PUBLISHED:
        return True
    if item.status == Moderation.WITHDRAWN:
        return _teaches_in(member) and item.school_id == member.school_id
    if item.status != Moderation.PENDING:
        return False
    author_id = item.author_id if hasattr(item, "author_id") else item.uploader_id
    return author_id == user.pk or (_teaches_in(member) and item.school_id == member.school_id)


def can_write(user, twinning: Twinning) -> bool:
    member = _membership(user, twinning)
    return twinning.status in WORKING and member is not None and member.role in WRITERS


def write_refusal(user, twinning: Twinning, *, start: bool = False) -> str:
    """Why this reader of the workspace may not post in it now, in their language ("" when they may).

    For a message written offline and sent later: the page says why it was refused, and the writer
    keeps their text. `start`: a new thread (only teachers open one), rather than a reply.
    """
    if twinning.status == Twinning.Status.CLOSED:
        return _("This twinning has closed: its workspace takes no new messages.")
    if twinning.status not in WORKING:
        return _("This twinning's workspace is not open for messages now.")
    member = _membership(user, twinning)
    if member is None or member.role not in WRITERS:
        return _("You can read this workspace but not write in it.")
    if start and member.role not in TEACHERS:
        return _("Only teachers start a new thread; reply in one instead.")
    return ""


def get_plan_for_editor(user, pk: int) -> Twinning:
    """The twinning whose activity plan this teacher may change (pupils and visitors may only read it)."""
    twinning = get_workspace_for_user(user, pk, write=True)
    # With `write`, the viewer is a member: the None test only tells the type checker so.
    if twinning.viewer_membership is None or twinning.viewer_membership.role not in TEACHERS:
        raise Http404
    return twinning


def can_edit_plan(user, twinning: Twinning) -> bool:
    return can_write(user, twinning) and twinning.memberships.filter(user=user, active=True, role__in=TEACHERS).exists()


def can_export(user, twinning: Twinning) -> bool:
    member = _membership(user, twinning)  # the access function's row when it read one: no second query
    return member is not None and member.role == Membership.Role.TEACHER_ADMIN


def can_manage_pupils(user, twinning: Twinning) -> bool:
    """The twinning's teachers add their own school's pupils to it, and remove them."""
    member = _membership(user, twinning)
    return _teaches_in(member) and member.school_id is not None


def can_see_moderation(user, twinning: Twinning) -> bool:
    """The teachers of a school taking part see what their own pupils wait to share."""
    return _teaches_in(_membership(user, twinning))


def can_moderate(user, twinning: Twinning, item) -> bool:
    """Only a teacher of the author's own school decides on a pupil's post or upload, while the
    workspace is open; never the partner school's teachers, never a visitor."""
    member = _membership(user, twinning)
    return (
        twinning.status in WORKING
        and _teaches_in(member)
        and item.status == Moderation.PENDING
        and item.school_id is not None
        and item.school_id == member.school_id
    )


def can_set_moderation(user, twinning: Twinning) -> bool:
    """Whether pupils' posts wait for approval is the teacher-administrators' choice."""
    member = _membership(user, twinning)
    return twinning.status in WORKING and member is not None and member.role == Membership.Role.TEACHER_ADMIN


def can_arrange_albums(user, twinning: Twinning) -> bool:
    """The twinning's teachers make, name, order and delete albums and file things in them while
    the workspace is open; pupils and visitors see the albums as they see the gallery."""
    member = _membership(user, twinning)
    return twinning.status in WORKING and _teaches_in(member)


def get_album_for_user(user, pk: int, album_pk: int, *, write: bool = False) -> Album:
    """An album of a workspace this person may read (with `write`, arrange): 404 otherwise."""
    twinning = get_workspace_for_user(user, pk, write=write)
    if write and not can_arrange_albums(user, twinning):
        raise Http404
    album = Album.objects.filter(pk=album_pk, twinning=twinning).first()
    if album is None:
        raise Http404
    album.twinning = twinning  # with the viewer's membership set on it
    return album
