"""A twinning's health from plain facts: thriving, needs attention, silent or closed. Plain Python, no Django.

The facts (each school's last activity, how long schools take to answer each other, overdue plan
steps, posts waiting for a teacher, meetings) are gathered in bulk by the daily job; this module
only judges them, so states can be tested on constructed timelines with any clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

THRIVING, ATTENTION, SILENT, CLOSED = "thriving", "attention", "silent", "closed"


@dataclass(frozen=True)
class Policy:
    """Days of silence before a friendly reminder to the school, and before its coordinator is alerted."""

    remind_after: int = 14
    alert_after: int = 28

    @property
    def attention_after(self) -> int:
        return max(1, self.remind_after // 2)


@dataclass
class Facts:
    open: bool
    began: datetime  # when the twinning's work could start (a school with no activity is silent since then)
    last_activity: dict[int, datetime | None]  # school id → its last post, upload, plan step or meeting
    reply_gaps: list[timedelta] = field(default_factory=list)  # one school answering the other, in the forum
    overdue: int = 0
    pending: int = 0
    next_meeting: datetime | None = None
    last_meeting: datetime | None = None


@dataclass(frozen=True)
class Health:
    state: str
    silent_days: dict[int, int]  # school id → whole days since its last activity
    quietest: int | None  # the school silent the longest
    median_reply_hours: float | None
    reasons: tuple[str, ...]  # codes: silent, quiet, overdue, pending, slow_replies, no_meeting


def judge(facts: Facts, now: datetime, policy: Policy = Policy()) -> Health:
    """The state, and the reasons for it, each a code the web layer words in the reader's language."""
    silent_days = {school: max(0, (now - (last or facts.began)).days) for school, last in facts.last_activity.items()}
    quietest = max(silent_days, key=lambda s: (silent_days[s], -s)) if silent_days else None
    gaps = [gap.total_seconds() / 3600 for gap in facts.reply_gaps]
    reply_hours = round(median(gaps), 1) if gaps else None
    if not facts.open:
        return Health(CLOSED, silent_days, quietest, reply_hours, ())
    longest = silent_days[quietest] if quietest is not None else 0
    reasons = []
    if longest >= policy.remind_after:
        reasons.append("silent")
    elif longest >= policy.attention_after:
        reasons.append("quiet")
    if facts.overdue:
        reasons.append("overdue")
    if facts.pending:
        reasons.append("pending")
    if reply_hours is not None and reply_hours > 24 * 7:
        reasons.append("slow_replies")
    if facts.next_meeting is None and facts.last_meeting is None and now - facts.began > timedelta(days=60):
        reasons.append("no_meeting")
    if "silent" in reasons:
        state = SILENT
    elif reasons:
        state = ATTENTION
    else:
        state = THRIVING
    return Health(state, silent_days, quietest, reply_hours, tuple(reasons))


def reply_gaps(posts: list[tuple[int, int | None, datetime]]) -> list[timedelta]:
    """How long each answer took: a post by one school right after a post by another, in the same thread.

    `posts` are (thread, school, time) in thread and time order.
    """
    gaps = []
    previous = None
    for thread, school, at in posts:
        if previous is not None and previous[0] == thread and school is not None and previous[1] not in (None, school):
            gaps.append(at - previous[2])
        previous = (thread, school, at)
    return gaps


def answer_hours_by_school(posts: list[tuple[int, int | None, datetime]]) -> dict[int, float]:
    """The median time each school took to answer the other (hours), from the same posts as `reply_gaps`:
    an answer is a post right after another school's post in the same thread."""
    gaps: dict[int, list[float]] = {}
    previous = None
    for thread, school, at in posts:
        if previous is not None and previous[0] == thread and school is not None and previous[1] not in (None, school):
            gaps.setdefault(school, []).append((at - previous[2]).total_seconds() / 3600)
        previous = (thread, school, at)
    return {school: round(median(hours), 1) for school, hours in gaps.items()}
