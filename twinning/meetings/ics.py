"""Meetings as iCalendar (RFC 5545): one meeting's .ics file and a person's feed."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from twinning.common.ics import one_line, text_block
from twinning.meetings.models import Meeting

STATUS = {
    Meeting.Status.PROPOSED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.DECLINED: "CANCELLED",
}


def uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "twinning"
    return f"meeting-{meeting.pk}@{host}"


def calendar(meetings, *, name: str, with_link) -> bytes:
    """An iCalendar file of the meetings; `with_link(meeting)` says whether its video link goes in."""
    cal = Calendar()
    cal.add("prodid", "-//Twinning//Mifgash//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    now = timezone.now()
    for meeting in meetings:
        page = f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.twinning_id, meeting.pk])}"
        event = Event()
        event.add("uid", uid(meeting))
        event.add("dtstamp", now)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", one_line(meeting.title))
        event.add("status", STATUS[meeting.status])
        event.add("sequence", meeting.sequence)
        event.add("url", page)
        lines = [text_block(meeting.agenda)] if meeting.agenda else []
        if meeting.video_link and with_link(meeting):
            event.add("location", one_line(meeting.video_link))
            lines.append(meeting.video_link)
        lines.append(page)
        event.add("description", "\n\n".join(lines))
        cal.add_component(event)
    return cal.to_ical()
