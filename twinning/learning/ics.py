"""An offering's sessions as iCalendar (RFC 5545), for the participants' own calendars."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from twinning.common.ics import one_line
from twinning.learning.models import Offering, Session


def uid(session: Session) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "twinning"
    return f"learning-session-{session.pk}@{host}"


def calendar(offering: Offering, sessions: list[Session]) -> bytes:
    """One event per session, with the place or the online link (the file is only given to the
    participants and the organisers). Times are UTC: calendar applications show them locally."""
    cal = Calendar()
    cal.add("prodid", "-//Twinning//Learning//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    title = one_line(offering.title)
    cal.add("x-wr-calname", title)
    page = f"{settings.SITE_URL}{reverse('learning:offering', args=[offering.pk])}"
    now = timezone.now()
    cancelled = offering.status == Offering.Status.CANCELLED
    for number, session in enumerate(sessions, 1):
        event = Event()
        event.add("uid", uid(session))
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        name = title if len(sessions) == 1 else f"{title} ({number}/{len(sessions)})"
        session_title = one_line(session.title)
        event.add("summary", f"{name}: {session_title}" if session_title else name)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("sequence", session.sequence + (1 if cancelled else 0))
        event.add("url", page)
        lines = []
        if session.place:
            event.add("location", one_line(session.place))
            lines.append(one_line(session.place))
        if session.online_link:
            if not session.place:
                event.add("location", session.online_link)
            lines.append(session.online_link)
        lines.append(page)
        event.add("description", "\n\n".join(lines))
        cal.add_component(event)
    return cal.to_ical()
