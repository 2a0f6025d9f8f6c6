"""Meetings shown inside other apps' pages (the workspace's activity plan), without those apps importing meetings."""

from django import template
from django.utils import timezone

from twinning.common.clock import clock as clock_text
from twinning.meetings.models import Meeting

register = template.Library()


@register.filter
def clock(value) -> str:
    """A time for a range such as 10:45–13:45 (see `twinning.common.clock.clock`)."""
    return clock_text(value)


@register.inclusion_tag("meetings/_plan_meetings.html")
def plan_meetings(twinning):
    meetings = Meeting.objects.filter(twinning=twinning).exclude(status=Meeting.Status.DECLINED).order_by("starts_at")
    return {"twinning": twinning, "meetings": list(meetings), "now": timezone.now()}
