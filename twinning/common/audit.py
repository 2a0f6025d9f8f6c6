"""The audit log: the one way services record who decided what, when and why.

An object's history (a twinning's, a school's, a teacher's) shows each entry as a sentence in the
reader's language: each app declares the sentence of each action it records on such an object with
``register_labels``, in its ``history.py`` (imported by ``CommonConfig.ready``). A test reads the
code for actions recorded on those objects that no app labelled, so a raw key such as
``twinning.pupils_added`` never reaches a page.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from twinning.common.models import AuditEntry

_LABELS: dict[str, str | Promise] = {}
# The channel a change came through when it was not a page of the site, e.g. an API token's name.
_via: ContextVar[str] = ContextVar("audit_via", default="")


@contextmanager
def acting_through(channel: str) -> Iterator[None]:
    """Every entry recorded inside says it came through ``channel`` (its ``data["via"]``).

    The API wraps each request in it with the token's name, so a write made by another system is
    told apart in the log from the same write made on a page.
    """
    token = _via.set(channel)
    try:
        yield
    finally:
        _via.reset(token)


def current_channel() -> str:
    """The channel entries recorded now would name ("" for a page of the site): the job queue keeps it
    with each job queued, so the job's own entries name the same channel as the request that asked."""
    return _via.get()


def register_labels(labels: Mapping[str, str | Promise]) -> None:
    """Declare how actions read in a history: ``{"twinning.approved": _("Approved")}``, lazily translated."""
    for action, text in labels.items():
        if action in _LABELS and _LABELS[action] != text:
            raise ValueError(f"The audit action {action!r} is labelled twice.")
        _LABELS[action] = text


def is_labelled(action: str) -> bool:
    return action in _LABELS


def label(action: str) -> str:
    """The action as a sentence in the active language; never the raw key, even for an old entry."""
    text = _LABELS.get(action)
    return str(text) if text is not None else _("Another change")


def recorded_actions() -> list[str]:
    """Every action the log holds, in order, for the administrator's filter: found by stepping through the index of
    the actions, each step the next one greater than the last (as many index reads as there are actions), where a
    DISTINCT would read every entry the log has ever kept."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column = connection.ops.quote_name(AuditEntry._meta.get_field("action").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(action) AS (SELECT MIN({column}) FROM {table} "  # noqa: S608  # nosec B608
            f"UNION ALL SELECT (SELECT MIN(later.{column}) FROM {table} AS later WHERE later.{column} > found.action) "
            "FROM found WHERE found.action IS NOT NULL) SELECT action FROM found WHERE action IS NOT NULL"
        )
        return [action for (action,) in cursor.fetchall()]


def record(*, actor, action: str, target: models.Model | None, reason: str = "", **data) -> AuditEntry:
    """Append one entry to the audit log. Call it inside the service's transaction.

    ``target`` is None only when there is no object to point at, such as a failed sign-in to an
    account that does not exist. Never pass a password or a code in ``data``.
    """
    channel = _via.get()
    if channel:
        data = {**data, "via": channel}
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        reason=reason,
        data=data,
    )


# The order of an object's history, newest first: its pages go by key on it (`common.keyset`), through the index on
# (target_type, target_id, at).
HISTORY_KEYS = ("-at", "-pk")


def entries_for(target: models.Model):
    """The log of one object, newest first, with the people who acted."""
    return (
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
        .select_related("actor")
        .order_by(*HISTORY_KEYS)
    )
