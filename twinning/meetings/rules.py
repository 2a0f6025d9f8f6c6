"""Who may see and plan a twinning's meetings, and who may change a school's calendar.

Meetings live inside the twinning: whoever may read its workspace sees them; its teachers plan,
answer and record them. The video link is for the teachers who run the call, not for pupils.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.meetings.models import Meeting, MeetingSchool
from twinning.schools.models import School
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace.rules import WORKING, get_workspace_for_user

TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)


def get_twinning_for_meetings(user, pk: int, *, plan: bool = False) -> Twinning:
    """The twinning whose meetings this person may see (with `plan`: propose, as one of its teachers)."""
    twinning = get_workspace_for_user(user, pk)
    if plan and not can_plan(twinning):
        raise Http404
    return twinning


def can_plan(twinning: Twinning) -> bool:
    member = twinning.viewer_membership
    return (
        member is not None and member.role in TEACHERS and member.school_id is not None and twinning.status in WORKING
    )


def get_meeting_for_user(user, pk: int, meeting_pk: int, *, plan: bool = False) -> Meeting:
    twinning = get_twinning_for_meetings(user, pk, plan=plan)
    meeting = get_object_or_404(Meeting.objects.select_related("twinning"), pk=meeting_pk, twinning=twinning)
    meeting.twinning = twinning  # keeps the viewer's membership attached
    return meeting


def own_answer(meeting: Meeting) -> MeetingSchool | None:
    """The viewer's school's answer row, when the viewer is one of its teachers in the twinning."""
    member = meeting.twinning.viewer_membership
    if member is None or member.role not in TEACHERS:
        return None
    return next((row for row in meeting.schools.all() if row.school_id == member.school_id), None)


def sees_video_link(twinning: Twinning) -> bool:
    member = twinning.viewer_membership
    return member is None or member.role != Membership.Role.PUPIL


def school_of_member(twinning: Twinning) -> School | None:
    member = twinning.viewer_membership
    return member.school if member is not None and member.school_id else None
