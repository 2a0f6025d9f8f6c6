"""The API: a twinning's meetings and each one's calendar file."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from twinning.api.auth import need
from twinning.api.v1.base import (
    REFUSALS,
    Id,
    PageQuery,
    paged,
)
from twinning.meetings import ics
from twinning.meetings import rules as meeting_rules
from twinning.meetings.models import Meeting

# --- Meetings -----------------------------------------------------------------------------------


class MeetingSchoolOut(Schema):
    school_id: int
    answer: str


class MeetingOut(Schema):
    id: int
    twinning_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    schools: list[MeetingSchoolOut]
    calendar: str = Field(description="Path of the meeting's iCalendar file in this API")


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: str | None


def _meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "twinning_id": meeting.twinning_id,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "status": meeting.status,
        "schools": [{"school_id": row.school_id, "answer": row.answer} for row in meeting.schools.all()],
        "calendar": f"/api/v1/twinnings/{meeting.twinning_id}/meetings/{meeting.pk}/meeting.ics",
    }


meetings_router = Router(tags=["meetings"])


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings",
    response={200: MeetingPage, **REFUSALS},
    summary="A twinning's meetings",
)
def list_meetings(request, twinning_id: Id, paging: Query[PageQuery]):
    need(request, "meetings")
    twinning = meeting_rules.get_twinning_for_meetings(request.user, twinning_id)
    found = Meeting.objects.filter(twinning=twinning).prefetch_related("schools")
    rows, following = paged(found, list_key=f"meetings:{twinning.pk}", paging=paging)
    return {"items": [_meeting_out(meeting) for meeting in rows], "next": following}


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings/{meeting_id}", response={200: MeetingOut, **REFUSALS}, summary="One meeting"
)
def get_meeting(request, twinning_id: Id, meeting_id: Id):
    need(request, "meetings")
    return _meeting_out(meeting_rules.get_meeting_for_user(request.user, twinning_id, meeting_id))


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings/{meeting_id}/meeting.ics",
    response=REFUSALS,
    summary="One meeting as an iCalendar file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The meeting as an iCalendar (RFC 5545) file",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_calendar(request, twinning_id: Id, meeting_id: Id):
    need(request, "meetings")
    meeting = meeting_rules.get_meeting_for_user(request.user, twinning_id, meeting_id)
    body = ics.calendar(
        [meeting], name=meeting.title, with_link=lambda m: meeting_rules.sees_video_link(meeting.twinning)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
