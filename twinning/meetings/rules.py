"""Who may see and plan a twinning's meetings, and who may change a school's calendar.

Meetings live inside the twinning: whoever may read its workspace sees them; its teachers plan,
answer and record them. The video link is for the teachers who run the call, not for pupils.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.models import Pupil
from twinning.consent.models import Use
from twinning.consent.queries import pupils_without_consent
from twinning.meetings import rooms
from twinning.meetings.models import Meeting, MeetingRoom, MeetingSchool
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


# --- Video rooms --------------------------------------------------------------------------------


def join_opens(meeting: Meeting) -> datetime:
    """From when people may enter the meeting's room: shortly before it starts."""
    return meeting.starts_at - timedelta(minutes=settings.VIDEO_JOIN_BEFORE_MINUTES)


def room_is_open(meeting: Meeting, now: datetime) -> bool:
    """A confirmed meeting's room may be entered from shortly before the start until the end."""
    return meeting.status == Meeting.Status.CONFIRMED and join_opens(meeting) <= now <= meeting.ends_at


def provider_kind(twinning: Twinning) -> str:
    """The video provider of the twinning's programme (settings.VIDEO_PROVIDERS)."""
    programme = twinning.programme if twinning.programme_id else None
    slug = programme.slug if programme is not None else None
    return rooms.kind_for(slug, settings.VIDEO_PROVIDERS)


def in_the_call(twinning: Twinning) -> bool:
    """The twinning's teachers and pupils are in its meetings' calls; those who oversee it are not."""
    member = twinning.viewer_membership
    return member is not None and (member.role in TEACHERS or member.role == Membership.Role.PUPIL)


def joins_as_moderator(meeting: Meeting) -> bool:
    """Teachers of the twinning run the room; everyone else who enters is an attendee."""
    member = meeting.twinning.viewer_membership
    return member is not None and member.role in TEACHERS and member.school_id is not None


def may_join_room(user, meeting: Meeting, room: MeetingRoom | None, now: datetime) -> bool:
    """May this person enter the meeting's room now, through the join button?

    Its teachers, as moderators. Its pupils, as attendees, only when the room gives each person
    their own way in (not a shared typed link) and their family agreed to live meetings. Nobody
    else: those who oversee the twinning see the meeting but are not in the call.
    """
    if room is None or not room.ready or not room_is_open(meeting, now):
        return False
    member = meeting.twinning.viewer_membership
    if member is None or not in_the_call(meeting.twinning):
        return False
    if joins_as_moderator(meeting):
        return room.provider != "link" or bool(meeting.video_link)
    if member.role != Membership.Role.PUPIL or room.provider == "link":
        return False
    pupil = Pupil.objects.filter(user=user).first()
    return pupil is not None and not pupils_without_consent([pupil], Use.LIVE)


def may_retry_room(meeting: Meeting, now: datetime) -> bool:
    """A teacher of a school taking part may ask again for a room that is not ready, until the end."""
    return own_answer(meeting) is not None and meeting.status == Meeting.Status.CONFIRMED and now <= meeting.ends_at


def may_be_recorded(meeting: Meeting) -> bool:
    """The room records only a meeting planned to be recorded in which every pupil of the twinning
    (of every school) has, today, their family's consent to be recorded."""
    if not meeting.to_be_recorded:
        return False
    pupils = Pupil.objects.filter(
        user__twinning_memberships__twinning_id=meeting.twinning_id,
        user__twinning_memberships__role=Membership.Role.PUPIL,
        user__twinning_memberships__active=True,
    ).distinct()
    return not pupils_without_consent(pupils, Use.RECORDING)
