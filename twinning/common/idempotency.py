"""Writes that happen once however often they are sent: the idempotency key.

A message written on a weak connection, or offline and sent later by the page's outbox
(`common/static/common/offline.js`), carries a key the browser made for that draft. If the answer
is lost on the way back, the browser sends it again with the same key: the server answers with
the first result and writes nothing. The key belongs to the person who sent it: another person's
same key is another write. Keys are forgotten after `KEEP_DAYS` (`common.forget_sent_keys`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.models import SentOnce

# A draft may wait on a device for days without a connection; a lost answer is resent within
# minutes of the connection coming back. A month covers both with room to spare.
KEEP_DAYS = 30
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
FIELD = "idempotency_key"
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Outcome:
    url: str
    replayed: bool


def key_of(request) -> str | None:
    """The key a request carries (header, or the form's hidden field), or None without one.

    Raises ServiceError for a key that is not one the page makes (letters, digits, - and _).
    """
    key = request.headers.get(HEADER) or request.POST.get(FIELD) or ""
    if not key:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise ServiceError(_("This message's sending key is not valid. Copy your text and write it again."))
    return key


def once(*, user, key: str | None, scope: str, write: Callable[[], str]) -> Outcome:
    """Run `write` (which returns the URL showing what it wrote) once per person and key.

    The key's row is written in the same transaction as the write: if `write` refuses (raises),
    neither stays, and the same key may be sent again (corrected, or once the refusal no longer
    holds). A second request with the key of a finished write gets its URL back, with nothing
    written; one that arrives while the first is still writing waits for it (the unique row).
    Without a key, `write` simply runs. Raises ServiceError for a key used for another scope.
    """
    if key is None:
        return Outcome(url=write(), replayed=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = SentOnce.objects.create(user=user, key=key, scope=scope)
        except IntegrityError:
            first = SentOnce.objects.get(user=user, key=key)
            if first.scope != scope:
                raise ServiceError(_("This message's sending key was already used for another message.")) from None
            return Outcome(url=first.result_url, replayed=True)
        row.result_url = write()
        row.save(update_fields=["result_url"])
    return Outcome(url=row.result_url, replayed=False)


def forget_old_keys(*, now=None) -> int:
    """Remove keys older than KEEP_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _rows = SentOnce.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def from_outbox(request) -> bool:
    """A message sent by the page's outbox (it asks for a JSON answer), rather than by the form."""
    return request.method == "POST" and "application/json" in request.headers.get("Accept", "")


def sent(outcome: Outcome) -> JsonResponse:
    """The outbox's answer for a message posted (now, or the first time its key was sent)."""
    return JsonResponse({"state": "sent", "url": outcome.url, "replayed": outcome.replayed})


def refused(reason: str) -> JsonResponse:
    """The outbox's answer for a message the server will not take: the page keeps it with `reason`."""
    return JsonResponse({"state": "refused", "reason": reason}, status=422)


def form_refusal(form) -> str:
    """A refused form's messages as one sentence list, for the outbox."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
