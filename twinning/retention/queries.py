"""Reads for the retention pages."""

from django.db.models import QuerySet

from twinning.accounts.models import Pupil
from twinning.retention.models import RetentionPolicy, RetentionRun
from twinning.schools.models import NSO, Programme
from twinning.twinnings.models import Twinning


def policy_row_for_nso(nso: NSO) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(nso=nso).select_related("updated_by").first()


def policy_row_for_programme(programme: Programme) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(programme=programme).select_related("updated_by").first()


def recent_runs(limit: int = 10) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-pk")[:limit]


def twinnings_by_ids(ids: list[int]) -> list[Twinning]:
    found = Twinning.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def pupils_by_ids(ids: list[int]) -> list[Pupil]:
    found = Pupil.objects.select_related("school").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
