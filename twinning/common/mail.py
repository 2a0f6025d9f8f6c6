"""E-mail: written in each recipient's own language, and never sent inside a web request.

`EMAIL_BACKEND` is `QueuedEmailBackend`: every message Django is asked to send (ours, the password
reset, anything calling `send_mail`) becomes an `Email` row and a job, in the current transaction.
The worker then delivers it through `EMAIL_DELIVERY_BACKEND` (SMTP in production, with
`EMAIL_TIMEOUT`), retrying with back-off; a page never waits on a mail server, and a mail server
that is down or slow loses nothing. Delivery is at least once, under one Message-ID per e-mail;
when a message can go out twice is said in `common.jobs`.
"""

from __future__ import annotations

import base64
import smtplib
import threading
import time
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import Error as DatabaseFault
from django.db import IntegrityError, connections, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from twinning.common.i18n import direction
from twinning.common.jobs import PermanentError
from twinning.common.models import Email


class QueuedEmailBackend(BaseEmailBackend):
    """Puts each message in the outbox (an `Email` row and a delivery job) instead of sending it.

    A message may carry `queue_key`: a second message with the same key is not queued (a job that
    writes e-mails and runs again writes none twice)."""

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if queue_message(message, key=getattr(message, "queue_key", None)) is not None:
                queued += 1
        return queued


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)
    return address[1].strip(" >") if len(address) == 2 else "twinning.localhost"


def _fields(message, key: str | None) -> dict:
    headers = {name: str(value) for name, value in message.extra_headers.items()}
    message_id = headers.pop("Message-ID", None) or make_msgid(domain=_domain())
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "key": key,
        "message_id": message_id,
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "subject": str(message.subject)[:1000],
        "body": message.body,
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "headers": headers,
        "attachments": attachments,
    }


def queue_messages(messages: list[tuple]) -> list:
    """Many (message, key) pairs into the outbox in two queries, each with its delivery job, in the
    caller's transaction. The keys must be new (the digest claims its notifications first)."""
    from twinning.common.tasks import send_email  # here: common.tasks imports this module

    rows = Email.objects.bulk_create([Email(**_fields(message, key)) for message, key in messages])
    send_email.enqueue_many([{"email_id": row.pk} for row in rows])
    return rows


def queue_message(message, *, key: str | None = None):
    """Store one Django e-mail message in the outbox and queue its delivery. Returns the row, or
    None when a message with this key is already there."""
    from twinning.common.tasks import send_email  # here: common.tasks imports this module

    fields = _fields(message, key)
    try:
        with transaction.atomic():
            row = Email.objects.create(**fields)
            send_email.enqueue(email_id=row.pk)
    except IntegrityError:
        if key is None:
            raise
        return None
    return row


def as_message(row) -> EmailMultiAlternatives:
    """The stored row as a Django message again, with the same Message-ID on every try."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        reply_to=row.reply_to,
        headers={**row.headers, "Message-ID": row.message_id},
    )
    for content, mimetype in row.alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in row.attachments:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


# The e-mails this process handed to the mail server but could not yet record as sent (the database
# went away in between), by id, with their Message-ID: a later try in this process records them
# instead of sending them again. Emptied as they are recorded.
_accepted: dict[int, str] = {}
_accepted_lock = threading.Lock()


def deliver(email_id: int) -> None:
    """Send one queued e-mail unless it was already sent. Raises so the job is tried again later;
    `PermanentError` when the server refused every recipient (trying again would not help)."""
    row = Email.objects.filter(pk=email_id).first()
    if row is None or row.status != Email.Status.QUEUED:
        with _accepted_lock:
            _accepted.pop(email_id, None)
        return
    with _accepted_lock:
        accepted = _accepted.get(row.pk) == row.message_id
    if not accepted:
        Email.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
        try:
            connection.send_messages([as_message(row)])
        except smtplib.SMTPRecipientsRefused as error:
            Email.objects.filter(pk=row.pk).update(last_error=str(error)[:2000])
            raise PermanentError(f"Every recipient was refused: {error}") from error
        except Exception as error:
            Email.objects.filter(pk=row.pk).update(last_error=str(error)[:2000] or type(error).__name__)
            raise
        with _accepted_lock:
            _accepted[row.pk] = row.message_id
    _record_sent(row.pk)
    with _accepted_lock:
        _accepted.pop(row.pk, None)


def mark_sent_seconds() -> float:
    """How long `deliver` keeps trying to record an accepted message as sent while the database is
    away: half a job's lease, so the lease still holds (no other worker takes the job and sends the
    message again) when the database answers."""
    return settings.JOBS_LEASE_SECONDS / 2


def _record_sent(pk: int) -> None:
    """Mark the e-mail sent at once, the mail server having accepted it. A database that went away in
    this instant is waited for (`mark_sent_seconds`) before the error is raised: the job is then tried
    again later, by this process (which records the e-mail without sending it again, `_accepted`) or,
    if another worker takes it first, by one that sends it again under the same Message-ID."""
    database = connections[router.db_for_write(Email)]
    deadline = time.monotonic() + mark_sent_seconds()
    pause = 0.25
    while True:
        try:
            Email.objects.filter(pk=pk).update(status=Email.Status.SENT, sent_at=timezone.now(), last_error="")
            return
        except DatabaseFault:
            # Inside a transaction the connection cannot be replaced: the caller's transaction is lost anyway.
            if database.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            database.close_if_unusable_or_obsolete()
            pause = min(2.0, pause * 2)


def mark_failed(*, email_id: int, error: str) -> None:
    """The last try failed: the e-mail stays visible to administrators as failed."""
    Email.objects.filter(pk=email_id, status=Email.Status.QUEUED).update(
        status=Email.Status.FAILED, last_error=error[:2000]
    )


def send_to_person(*, user, template: str, context: dict, key: str | None = None, headers: dict | None = None) -> None:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` in the recipient's language and queue it.

    The HTML part carries ``lang`` and ``dir`` so Hebrew and Arabic mail reads right-to-left. The
    e-mail is written in the caller's transaction and sent by the worker after it commits.
    """
    if not user.email:
        return
    send_to_address(
        address=user.email,
        language=user.preferred_language or settings.LANGUAGE_CODE,
        template=template,
        context={**context, "recipient": user},
        key=key,
        headers=headers,
    )


def render_message(
    *, address: str, language: str, template: str, context: dict, headers: dict | None = None
) -> EmailMultiAlternatives:
    """The message `send_to_address` queues, written in `language` (the digest queues many at once)."""
    with translation.override(language):
        context = {
            **context,
            "site_url": settings.SITE_URL,
            "mail_lang": language,
            "mail_dir": direction(language),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[address], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_to_address(
    *, address: str, language: str, template: str, context: dict, key: str | None = None, headers: dict | None = None
) -> None:
    """`send_to_person` for someone with no account (a pupil's parent): their address and language."""
    message = render_message(address=address, language=language, template=template, context=context, headers=headers)
    queue_message(message, key=key)
