"""The daily health job, its nudges, and the coordinators' guidance log.

`compute_health` gathers every twinning's facts in a fixed number of bulk queries per batch of
twinnings, judges them (`health.judge`), stores the result for the dashboard, and sends the nudges
the facts call for. Each nudge is keyed by the event it is about (a school's silence since a given
moment; a contact missing), so running the job twice, or on two workers, never sends one twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.models import AuditEntry
from twinning.common.notifications import notify_many
from twinning.coordination.health import Facts, Policy, answer_hours_by_school, judge, reply_gaps
from twinning.coordination.models import GuidanceEntry, Nudge, NudgePolicy, TwinningHealth
from twinning.meetings.models import Meeting
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.twinnings.services import overseers_of
from twinning.workspace.models import Activity, Event, MediaItem, Moderation, Post

BATCH = 2000
OPEN = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER)
TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)
REPLY_WINDOW = timedelta(days=180)
CONTACT_GRACE = timedelta(days=7)


def compute_health(*, now: datetime | None = None, twinning_ids: list[int] | None = None) -> dict[str, int]:
    """Judge every open twinning (or those given), store its health, send due nudges. Returns counts."""
    now = now or timezone.now()
    ids = twinning_ids
    if ids is None:
        ids = list(Twinning.objects.filter(status__in=OPEN).order_by("pk").values_list("pk", flat=True))
    totals: dict[str, int] = defaultdict(int)
    for start in range(0, len(ids), BATCH):
        for key, value in _batch(ids[start : start + BATCH], now).items():
            totals[key] += value
    # Twinnings that closed since the last run leave the caseload's open states.
    TwinningHealth.objects.exclude(state="closed").exclude(twinning__status__in=OPEN).update(
        state="closed", reasons=[], computed_at=now
    )
    return dict(totals)


def _batch(ids: list[int], now: datetime) -> dict[str, int]:
    twinnings = {
        t.pk: t
        for t in Twinning.objects.filter(pk__in=ids).only(
            "pk", "status", "created_at", "programme_id", "titles", "coordinator_id"
        )
    }
    policies: dict[int | None, Policy] = {
        p.programme_id: Policy(p.remind_after_days, p.alert_after_days)
        for p in NudgePolicy.objects.filter(programme_id__in={t.programme_id for t in twinnings.values()})
    }
    rows = list(
        TwinningSchool.objects.filter(twinning_id__in=ids, status=TwinningSchool.Status.JOINED).select_related("school")
    )
    schools = defaultdict(list)
    for row in rows:
        schools[row.twinning_id].append(row)
    # When each school's contact left (twinnings.services.teacher_leaves told the principal at that moment).
    contact_left: dict[tuple[int | None, int | None], datetime] = {}
    for target_id, data, at in AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Twinning), target_id__in=ids, action="twinning.contact_left"
    ).values_list("target_id", "data", "at"):
        key = (target_id, data.get("school"))
        if key not in contact_left or at > contact_left[key]:
            contact_left[key] = at
    member_school, teachers = {}, defaultdict(list)
    for twinning_id, user_id, school_id, role in Membership.objects.filter(
        twinning_id__in=ids, active=True, school__isnull=False
    ).values_list("twinning_id", "user_id", "school_id", "role"):
        member_school[(twinning_id, user_id)] = school_id
        if role in TEACHERS:
            teachers[(twinning_id, school_id)].append(user_id)
    last: dict[tuple[int, int], datetime] = {}

    def seen(twinning_id: int, school_id: int | None, at: datetime | None) -> None:
        """Keep the latest activity of each school in each twinning."""
        if school_id is None or at is None:
            return
        key = (twinning_id, school_id)
        if key not in last or at > last[key]:
            last[key] = at

    for twinning_id, actor_id, at in (
        Event.objects.filter(twinning_id__in=ids)
        .values("twinning_id", "actor_id")
        .annotate(at=Max("at"))
        .values_list("twinning_id", "actor_id", "at")
    ):
        seen(twinning_id, member_school.get((twinning_id, actor_id)), at)
    # A reply by a pupil or a teacher counts for their school even when the feed shows it as one event.
    for twinning_id, author_id, school_id, at in (
        Post.objects.filter(thread__twinning_id__in=ids)
        .values("thread__twinning_id", "author_id", "school_id")
        .annotate(at=Max("created_at"))
        .values_list("thread__twinning_id", "author_id", "school_id", "at")
    ):
        seen(twinning_id, school_id or member_school.get((twinning_id, author_id)), at)
    held = dict(
        Meeting.objects.filter(twinning_id__in=ids, status=Meeting.Status.HELD, starts_at__lte=now)
        .values("twinning_id")
        .annotate(at=Max("starts_at"))
        .values_list("twinning_id", "at")
    )
    coming = dict(
        Meeting.objects.filter(
            twinning_id__in=ids, status__in=[Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED], starts_at__gt=now
        )
        .values("twinning_id")
        .annotate(at=Min("starts_at"))
        .values_list("twinning_id", "at")
    )
    for twinning_id, at in held.items():
        for row in schools[twinning_id]:
            seen(twinning_id, row.school_id, at)
    posts = defaultdict(list)
    for twinning_id, thread_id, author_id, school_id, at in (
        Post.objects.filter(
            thread__twinning_id__in=ids, status=Moderation.PUBLISHED, created_at__gte=now - REPLY_WINDOW
        )
        .order_by("thread_id", "created_at")
        .values_list("thread__twinning_id", "thread_id", "author_id", "school_id", "created_at")
    ):
        posts[twinning_id].append((thread_id, school_id or member_school.get((twinning_id, author_id)), at))
    overdue = dict(
        Activity.objects.filter(
            twinning_id__in=ids, due_on__lt=now.date(), status__in=[Activity.Status.PLANNED, Activity.Status.UNDER_WAY]
        )
        .values("twinning_id")
        .annotate(n=Count("pk"))
        .values_list("twinning_id", "n")
    )
    pending: defaultdict[int, int] = defaultdict(int)
    for model, path in ((Post, "thread__twinning_id"), (MediaItem, "twinning_id")):
        for twinning_id, n in (
            model.objects.filter(**{f"{path}__in": ids}, status=Moderation.PENDING)
            .values(path)
            .annotate(n=Count("pk"))
            .values_list(path, "n")
        ):
            pending[twinning_id] += n

    health_rows, nudges = [], []
    counts: dict[str, int] = defaultdict(int)
    for twinning_id, twinning in twinnings.items():
        policy = policies.get(twinning.programme_id, Policy())
        facts = Facts(
            open=twinning.status in OPEN,
            began=twinning.created_at,
            last_activity={row.school_id: last.get((twinning_id, row.school_id)) for row in schools[twinning_id]},
            reply_gaps=reply_gaps(posts.get(twinning_id, [])),
            overdue=overdue.get(twinning_id, 0),
            pending=pending.get(twinning_id, 0),
            next_meeting=coming.get(twinning_id),
            last_meeting=held.get(twinning_id),
        )
        health = judge(facts, now, policy)
        counts[health.state] += 1
        health_rows.append(
            TwinningHealth(
                twinning_id=twinning_id,
                state=health.state,
                reasons=list(health.reasons),
                silent_days=health.silent_days.get(health.quietest, 0) if health.quietest else 0,
                quietest_school_id=health.quietest,
                last_activity={str(s): (at.isoformat() if at else None) for s, at in facts.last_activity.items()},
                median_reply_hours=health.median_reply_hours,
                answer_hours={str(s): h for s, h in answer_hours_by_school(posts.get(twinning_id, [])).items()},
                overdue=facts.overdue,
                pending=facts.pending,
                next_meeting=facts.next_meeting,
                last_meeting=facts.last_meeting,
                computed_at=now,
            )
        )
        if not facts.open or twinning.status == Twinning.Status.APPROVED:
            continue  # nudges are for twinnings at work
        for row in schools[twinning_id]:
            days = health.silent_days[row.school_id]
            since = last.get((twinning_id, row.school_id))
            episode = since.isoformat() if since else "never"
            if days >= policy.remind_after:
                nudges.append(
                    (Nudge.Kind.REMINDER, f"remind:{twinning_id}:{row.school_id}:{episode}", twinning, row, days)
                )
            if days >= policy.alert_after:
                nudges.append((Nudge.Kind.ALERT, f"alert:{twinning_id}:{row.school_id}:{episode}", twinning, row, days))
        nudges += _contact_nudges(twinning, schools[twinning_id], contact_left, now)
    TwinningHealth.objects.bulk_create(
        health_rows,
        update_conflicts=True,
        unique_fields=["twinning"],
        update_fields=[
            "state",
            "reasons",
            "silent_days",
            "quietest_school",
            "last_activity",
            "median_reply_hours",
            "answer_hours",
            "overdue",
            "pending",
            "next_meeting",
            "last_meeting",
            "computed_at",
        ],
    )
    counts["nudges"] = _send(nudges, teachers, now)
    return counts


def _contact_nudges(twinning: Twinning, rows: list[TwinningSchool], contact_left: dict, now: datetime) -> list[tuple]:
    """A school left without a contact for over a week: its principal is asked, once, to name one.

    The principal was told the moment the contact left; this is the one reminder for that departure.
    """
    out = []
    for row in rows:
        if row.contact_id is not None:
            continue
        since = contact_left.get((twinning.pk, row.school_id)) or twinning.created_at
        if now - since >= CONTACT_GRACE:
            out.append(
                (Nudge.Kind.CONTACT, f"contact:{twinning.pk}:{row.school_id}:{since.isoformat()}", twinning, row, 0)
            )
    return out


def _send(nudges: list[tuple], teachers: dict, now: datetime) -> int:
    """Record each nudge not sent before (the unique key is the proof) and notify its people."""
    if not nudges:
        return 0
    keys = [key for _kind, key, *_rest in nudges]
    sent_before = set()
    for start in range(0, len(keys), 1000):
        sent_before |= set(Nudge.objects.filter(key__in=keys[start : start + 1000]).values_list("key", flat=True))
    principals = defaultdict(list)
    wanted = {row.school_id for kind, _k, _t, row, _d in nudges if kind == Nudge.Kind.CONTACT}
    for role in Role.objects.filter(kind=Role.Kind.PRINCIPAL, school_id__in=wanted).select_related("user"):
        principals[role.school_id].append(role.user)
    users = get_user_model().objects.in_bulk({u for ids in teachers.values() for u in ids})
    fresh = [n for n in nudges if n[1] not in sent_before]
    # Claim them all at once: a key another run inserted a moment ago is skipped by the unique index, and
    # only the rows stamped with this run's own time are this run's to send.
    Nudge.objects.bulk_create(
        [
            Nudge(key=key, kind=kind, twinning=twinning, school_id=row.school_id, sent_at=now)
            for kind, key, twinning, row, _days in fresh
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    mine = set()
    fresh_keys = [n[1] for n in fresh]
    for start in range(0, len(fresh_keys), 1000):
        mine |= set(
            Nudge.objects.filter(key__in=fresh_keys[start : start + 1000], sent_at=now).values_list("key", flat=True)
        )
    items, made = [], 0
    for kind, key, twinning, row, days in fresh:
        if key not in mine:
            continue  # another run sent it a moment ago
        made += 1
        url = reverse("workspace:home", args=[twinning.pk])
        params = {"title": twinning.title, "school": row.school.name, "days": days}
        if kind == Nudge.Kind.REMINDER:
            people = [users[u] for u in teachers.get((twinning.pk, row.school_id), []) if u in users]
            items += [(person, "nudge_silent", url, params, twinning.pk) for person in people]
        elif kind == Nudge.Kind.ALERT:
            url = reverse("coordination:detail", args=[twinning.pk])
            items += [(person, "nudge_coordinator", url, params, twinning.pk) for person in overseers_of(twinning)]
        else:
            url = reverse("twinnings:contacts", args=[twinning.pk])
            items += [
                (person, "twinning_contact_needed", url, params, twinning.pk) for person in principals[row.school_id]
            ]
    notify_many(items)
    return made


def add_guidance(*, twinning: Twinning, by, kind: str, text: str, happened_on, due_on=None) -> GuidanceEntry:
    """A call, visit, note or next step in the twinning's guidance log (read by coordinators and NSOs only)."""
    if not text.strip():
        raise ServiceError(_("Write what happened or what comes next."))
    with transaction.atomic():
        entry = GuidanceEntry.objects.create(
            twinning=twinning, author=by, kind=kind, text=text.strip(), happened_on=happened_on, due_on=due_on
        )
        audit.record(actor=by, action="guidance.added", target=twinning, kind=kind)
    return entry


def mark_step_done(*, entry: GuidanceEntry, by) -> None:
    entry.done = True
    entry.save(update_fields=["done"])
    audit.record(actor=by, action="guidance.done", target=entry.twinning, kind=entry.kind)


def set_nudge_policy(*, programme, by, remind_after_days: int, alert_after_days: int) -> NudgePolicy:
    """How long the programme's schools may stay silent before a reminder, and before an alert.

    The next nightly run uses it; nudges already sent are not sent again. Recorded in the audit log.
    """
    if not 3 <= remind_after_days <= 90:
        raise ServiceError(_("Remind a silent school after 3 to 90 days."))
    if not remind_after_days < alert_after_days <= 180:
        raise ServiceError(_("Alert the coordinator later than the reminder, and within 180 days."))
    with transaction.atomic():
        policy, _created = NudgePolicy.objects.update_or_create(
            programme=programme,
            defaults={"remind_after_days": remind_after_days, "alert_after_days": alert_after_days},
        )
        audit.record(
            actor=by, action="coordination.policy", target=programme, remind=remind_after_days, alert=alert_after_days
        )
    return policy
