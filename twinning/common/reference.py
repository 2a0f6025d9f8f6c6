"""Reference data kept in each process: read from the database once, not on every page.

Countries, languages, subjects and objectives (each `NamedInLanguages` model that says
`kept_in_memory = True`) are the same for every reader and change a few times a year, yet a search
form lists them all and a partner search names them in its reasons. `rows(model)` gives a model's
rows, read once per process; `choices(model)` the same rows in the alphabetical order of the names
the reader sees, sorted once per language.

Invalidation: saving or deleting a row of such a model (the admin, a service, a test's set-up) drops
this process's copy at once and writes a new version into the shared cache (Redis in production);
every other process compares its copy's version with that one at most every `CHECK_EVERY` seconds,
and reads the table again when it differs. A write that sends no signal (a migration, `bulk_create`,
`update`) is seen within `MAX_AGE` seconds, or at once after `forget()`.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

from twinning.common.i18n import current_language

VERSION_KEY = "common:reference:version"
CHECK_EVERY = 1.0  # seconds between two looks at the shared version
MAX_AGE = 300.0  # seconds a copy is kept at most, whatever the version says

_lock = threading.Lock()
# model → (the shared version when read, read at (monotonic), rows in the model's order)
_rows: dict[type[models.Model], tuple[Any, float, list[Any]]] = {}
# (model, language) → (the rows list they were sorted from, [(row, its name)] by name)
_sorted: dict[tuple[type[models.Model], str], tuple[list[Any], list[tuple[Any, str]]]] = {}
_checked = [float("-inf"), None]  # when the shared version was last read, and what it was


def kept(model: type[models.Model]) -> bool:
    """Whether this model's rows are kept in memory (see the module docstring)."""
    return bool(getattr(model, "kept_in_memory", False))


def _shared_version(now: float) -> Any:
    if now - _checked[0] >= CHECK_EVERY:
        _checked[0], _checked[1] = now, cache.get(VERSION_KEY)
    return _checked[1]


def rows(model: type[models.Model]) -> list[Any]:
    """Every row of a kept model, in its default order (read again after a change, see above).

    The rows are shared by every request of the process: read them, never change them."""
    now = time.monotonic()
    version = _shared_version(now)
    held = _rows.get(model)
    if held is not None and held[0] == version and now - held[1] < MAX_AGE:
        return held[2]
    found = list(model._default_manager.all())
    with _lock:
        _rows[model] = (version, now, found)
    return found


def choices(model: type[models.Model]) -> list[tuple[Any, str]]:
    """(row, name in the reader's language) for every row, in alphabetical order of those names."""
    found = rows(model)
    key = (model, current_language())
    held = _sorted.get(key)
    if held is not None and held[0] is found:
        return held[1]
    named = sorted(((row, row.name) for row in found), key=lambda pair: pair[1].casefold())
    with _lock:
        _sorted[key] = (found, named)
    return named


def names(model: type[models.Model]) -> dict[Any, str]:
    """Each row's name in the reader's language, by primary key."""
    return {row.pk: name for row, name in choices(model)}


def forget() -> None:
    """Drop this process's copies (the next read goes to the database)."""
    with _lock:
        _rows.clear()
        _sorted.clear()
        _checked[0], _checked[1] = float("-inf"), None


def changed(sender, **kwargs) -> None:
    """A kept model's row was saved or deleted: every process reads its table again."""
    if kept(sender):
        forget()
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def watch() -> None:
    """Listen for saves and deletes of the kept models (called once, by `CommonConfig.ready`)."""
    for model in apps.get_models():
        if kept(model):
            post_save.connect(changed, sender=model, dispatch_uid=f"common.reference.saved.{model._meta.label}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"common.reference.deleted.{model._meta.label}")
