"""A lived-in caseload for the demo: one twinning gone quiet, a guidance log with a call and a next step.

The demo's twinnings are all made today; one of them is moved back in time so the dashboard shows
every state and the nightly job's reminder (in the app only: the demo loads with e-mail muted).
"""

from datetime import timedelta

from django.utils import timezone

from twinning.coordination.models import GuidanceEntry
from twinning.coordination.services import compute_health
from twinning.meetings.models import Meeting
from twinning.twinnings.models import Twinning
from twinning.workspace.models import Event, Post, Thread


def load_caseload() -> None:
    now = timezone.now()
    quiet = (
        Twinning.objects.filter(status=Twinning.Status.ACTIVE).exclude(meetings__isnull=False).order_by("pk").first()
    )
    if quiet is not None:
        back = timedelta(days=24)
        Twinning.objects.filter(pk=quiet.pk).update(created_at=now - timedelta(days=40))
        for model, field in ((Event, "at"), (Post, "created_at")):
            filters = {"twinning": quiet} if model is Event else {"thread__twinning": quiet}
            for row in model.objects.filter(**filters):
                model.objects.filter(pk=row.pk).update(**{field: getattr(row, field) - back})
        Thread.objects.filter(twinning=quiet).update(created_at=now - back, last_post_at=now - back)
    busy = Twinning.objects.filter(status=Twinning.Status.ACTIVE, meetings__status=Meeting.Status.HELD).first()
    for twinning in filter(None, (quiet, busy)):
        if twinning.coordinator_id and not twinning.guidance.exists():
            GuidanceEntry.objects.create(
                twinning=twinning,
                author=twinning.coordinator,
                kind=GuidanceEntry.Kind.CALL,
                text="Called both teachers: the classes enjoy the exchange; the partner school is short of devices.",
                happened_on=timezone.localdate() - timedelta(days=9),
            )
            GuidanceEntry.objects.create(
                twinning=twinning,
                author=twinning.coordinator,
                kind=GuidanceEntry.Kind.NEXT_STEP,
                text="Suggest an asynchronous video exchange before the winter break.",
                happened_on=timezone.localdate() - timedelta(days=9),
                due_on=timezone.localdate() + timedelta(days=5),
            )
    compute_health(now=now)
