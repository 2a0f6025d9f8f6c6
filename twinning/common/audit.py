"""The audit log: the one way services record who decided what, when and why."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from twinning.common.models import AuditEntry


def record(*, actor, action: str, target: models.Model | None, reason: str = "", **data) -> AuditEntry:
    """Append one entry to the audit log. Call it inside the service's transaction.

    ``target`` is None only when there is no object to point at, such as a failed sign-in to an
    account that does not exist. Never pass a password or a code in ``data``.
    """
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        reason=reason,
        data=data,
    )


def entries_for(target: models.Model):
    """The log of one object, newest first, with the people who acted."""
    return (
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
