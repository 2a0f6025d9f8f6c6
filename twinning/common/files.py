"""Stored files and the rows that name them, kept in agreement.

An upload stores its file first and then commits its row; a process that dies in between leaves a
file that no row names. `sweep` finds every such file in the default storage, by listing it and
comparing with every FileField of every model (discovered, not listed by hand), and removes it once
it is older than a grace period, so an upload still in progress is never touched. It also reports
rows whose file is missing (those are never deleted: their text and history still matter).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import DatabaseError, close_old_connections, models
from django.utils import timezone

logger = logging.getLogger("twinning.files")

# Files some app keeps under a name that no FileField holds (e.g. derived variants): each callable
# yields such names. Filled by apps in `AppConfig.ready`, so that the sweep leaves them alone.
extra_references: list[Callable[[], Iterable[str]]] = []


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every FileField (ImageField included) of every installed model, concrete models only."""
    found = []
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField) and model_field.model is model:
                found.append((model, model_field))
    return found


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model, model_field in file_fields():
        rows = model._default_manager.exclude(**{model_field.name: ""}).exclude(**{f"{model_field.name}__isnull": True})
        names.update(rows.values_list(model_field.name, flat=True).iterator(chunk_size=2000))
    for source in extra_references:
        names.update(source())
    return names


def named_by_a_row(name: str) -> bool | None:
    """Whether any row's FileField holds `name`; None when the database cannot be asked right now.

    For the upload path when a commit's outcome is unknown (the connection broke during COMMIT):
    keep the file if a row names it, delete it if none does, and keep it when the answer is None
    (the sweep removes it a day later if no row names it by then)."""
    try:
        return any(
            model._default_manager.filter(**{model_field.name: name}).exists() for model, model_field in file_fields()
        )
    except DatabaseError:
        close_old_connections()
        return None


def stored_names(storage=default_storage, folder: str = "") -> Iterator[str]:
    """Every file in the storage, as the names its rows would hold ('workspace/3/ab12.jpg')."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


@dataclass
class SweepReport:
    files: int = 0
    removed: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)  # unnamed but younger than the grace period: kept
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (model label, pk, name)

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "removed": len(self.removed),
            "recent": len(self.recent),
            "missing": len(self.missing),
        }


def missing_files(stored: set[str]) -> list[tuple[str, int, str]]:
    missing = []
    for model, model_field in file_fields():
        rows = model._default_manager.exclude(**{model_field.name: ""}).exclude(**{f"{model_field.name}__isnull": True})
        for pk, name in rows.values_list("pk", model_field.name).iterator(chunk_size=2000):
            if name not in stored:
                missing.append((model._meta.label, pk, name))
    return missing


def sweep(*, grace: timedelta = timedelta(hours=24), dry_run: bool = False, storage=default_storage) -> SweepReport:
    """Remove stored files no row names and older than `grace`; report rows whose file is missing.

    The rows are read after the listing, so a file whose row commits while the sweep runs is seen
    as named; and a file younger than `grace` is kept whatever its state.
    """
    report = SweepReport()
    stored = set(stored_names(storage))
    report.files = len(stored)
    named = referenced_names()
    cutoff = timezone.now() - grace
    for name in sorted(stored - named):
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified > cutoff:
            report.recent.append(name)
            continue
        if not dry_run:
            storage.delete(name)
        report.removed.append(name)
    report.missing = missing_files(stored)
    if report.removed:
        logger.warning("Removed %d stored file(s) that no row names: %s", len(report.removed), report.removed[:20])
    for label, pk, name in report.missing[:50]:
        logger.error("%s #%s names a file that is not stored: %s", label, pk, name)
    return report
