"""Daily and weekly digests: one e-mail gathering the notifications a person chose to read that way.

`send_due_digests` runs every hour (`common.send_digests`). A person's daily digest is due at
`DIGEST_HOUR` in their own time zone, their weekly one on Monday at that hour; each holds the
notifications waiting (`Notification.mail == "pending"`) from before that moment, grouped by the
twinning they happened in, one link each, written in the reader's language and direction.

Never twice: people are taken in batches, each batch in its own transaction that claims its
notifications (locked, on PostgreSQL, so a second worker skips them), writes the e-mails and their
delivery jobs, and marks the notifications sent; a worker killed midway loses its batch's
transaction, and the run that follows sends that batch once. Never what the reader may no longer
see: at sending time, a notification that happened in a twinning is sent only if the reader still
belongs to it or oversees it (`register_twinning_access`), and one whose kind the reader has
meanwhile switched off is not sent either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from twinning.common import mail_choices
from twinning.common.i18n import pick
from twinning.common.mail import queue_messages, render_message
from twinning.common.models import MailSettings, Notification
from twinning.common.notifications import label, param_names, text

# (user_id, twinning_id) pairs -> {pair: the twinning's title} for the pairs the reader may still see.
_twinning_access: list[Callable[[set[tuple[int, int]]], dict[tuple[int, int], object]]] = []


def register_twinning_access(check: Callable[[set[tuple[int, int]]], dict[tuple[int, int], object]]) -> None:
    """Say which readers still see which twinnings, for many pairs in a few queries (`twinnings`)."""
    if check not in _twinning_access:
        _twinning_access.append(check)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_moments(now: datetime, zone_name: str) -> dict[str, datetime]:
    """The latest moment each digest was due, in this time zone: today's (or yesterday's) hour for
    the daily one, the latest Monday's for the weekly one."""
    zone = _zone(zone_name)
    local = now.astimezone(zone)
    daily = local.replace(hour=settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if daily > local:
        daily -= timedelta(days=1)
    weekly = daily - timedelta(days=daily.weekday())
    # Local wall-clock hours: re-attach the zone so a change of summer time keeps the hour.
    return {
        mail_choices.DAILY: daily.replace(tzinfo=None).replace(tzinfo=zone),
        mail_choices.WEEKLY: weekly.replace(tzinfo=None).replace(tzinfo=zone),
    }


def _allowed(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    found: dict[tuple[int, int], object] = {}
    for check in _twinning_access:
        found.update(check(pairs))
    return found


def send_due_digests(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Send every digest that is due; returns counts (e-mails, notifications sent and skipped)."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(mail=Notification.Mail.PENDING, created_at__lte=now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    people = list(waiting)
    counts = {"emails": 0, "sent": 0, "skipped": 0}
    for start in range(0, len(people), batch):
        for key, value in _send_batch(people[start : start + batch], now=now).items():
            counts[key] += value
    return counts


def _send_batch(user_ids: list[int], *, now: datetime) -> dict[str, int]:
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)}
    with transaction.atomic():
        pending = Notification.objects.filter(
            recipient_id__in=user_ids, mail=Notification.Mail.PENDING, created_at__lte=now
        ).order_by("recipient_id", "created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # Another worker on the same people skips these rows instead of sending them again.
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        rows = list(pending)
        if not rows:
            return {"emails": 0, "sent": 0, "skipped": 0}
        mail_rows = mail_choices.settings_by_user(user_ids)
        roles = mail_choices.roles_of(user_ids)
        allowed = _allowed({(row.recipient_id, row.twinning_id) for row in rows if row.twinning_id is not None})
        names = param_names(rows)

        skipped: list[int] = []
        # (user, frequency) -> notifications going in that digest
        digests: dict[tuple[int, str], list[Notification]] = defaultdict(list)
        moments_by_zone: dict[str, dict[str, datetime]] = {}
        for row in rows:
            user = users.get(row.recipient_id)
            chosen = mail_rows[row.recipient_id].choices if row.recipient_id in mail_rows else {}
            frequency = mail_choices.choice(row.kind, chosen=chosen, roles=roles.get(row.recipient_id, set()))
            if (
                user is None
                or not user.email
                or not user.is_active
                or frequency == mail_choices.OFF
                or (row.twinning_id is not None and (row.recipient_id, row.twinning_id) not in allowed)
            ):
                skipped.append(row.pk)
                continue
            # Switched to "at once" while it waited: it goes with the next daily digest.
            frequency = mail_choices.WEEKLY if frequency == mail_choices.WEEKLY else mail_choices.DAILY
            zone = user.time_zone or "UTC"
            if zone not in moments_by_zone:
                moments_by_zone[zone] = digest_moments(now, zone)
            moment = moments_by_zone[zone][frequency]
            last = getattr(mail_rows.get(row.recipient_id), f"{frequency}_sent_at", None)
            if row.created_at < moment and (last is None or last < moment):
                digests[(row.recipient_id, frequency)].append(row)

        missing = [pk for pk in {pk for pk, _frequency in digests} if pk not in mail_rows]
        if missing:
            MailSettings.objects.bulk_create(
                [MailSettings(user_id=pk, salt=mail_choices.new_salt()) for pk in missing], ignore_conflicts=True
            )
            mail_rows = mail_choices.settings_by_user(user_ids)

        messages = []
        sent: list[int] = []
        links = {
            "notifications": f"{settings.SITE_URL}{reverse('notifications')}",
            "settings": f"{settings.SITE_URL}{reverse('mail_settings')}",
        }
        for (user_id, frequency), items in digests.items():
            user = users[user_id]
            moment = moments_by_zone[user.time_zone or "UTC"][frequency]
            messages.append(
                (
                    _message(user, frequency, items, names, allowed, mail_rows[user_id], links),
                    _key(user_id, frequency, moment),
                )
            )
            sent += [item.pk for item in items]
        if messages:
            queue_messages(messages)
            for frequency in (mail_choices.DAILY, mail_choices.WEEKLY):
                went = [user_id for user_id, sent_frequency in digests if sent_frequency == frequency]
                if went:
                    MailSettings.objects.filter(user_id__in=went).update(**{f"{frequency}_sent_at": now})
        if sent:
            Notification.objects.filter(pk__in=sent).update(mail=Notification.Mail.SENT)
        if skipped:
            Notification.objects.filter(pk__in=skipped).update(mail=Notification.Mail.SKIPPED)
    return {"emails": len(messages), "sent": len(sent), "skipped": len(skipped)}


def _title(value) -> str:
    # A twinning's title is kept in several languages: the reader's is shown.
    return pick(value) if isinstance(value, dict) else str(value)


def _key(user_id: int, frequency: str, moment: datetime) -> str:
    return f"digest:{frequency}:{user_id}:{moment.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H}"


def _message(user, frequency: str, items: list[Notification], names, allowed, row: MailSettings, links: dict):
    language = user.preferred_language or settings.LANGUAGE_CODE
    site = settings.SITE_URL
    fallback = links["notifications"]
    with translation.override(language), timezone.override(_zone(user.time_zone)):
        groups: dict[int | None, dict] = {}
        for item in items:
            group = groups.setdefault(
                item.twinning_id,
                {"title": _title(allowed.get((user.pk, item.twinning_id), "")), "items": []},
            )
            group["items"].append({"text": text(item, names), "url": f"{site}{item.url}" if item.url else fallback})
        # One link per kind in it, to stop e-mailing that kind (alerts cannot be stopped).
        stop = [
            {"label": label(kind), "url": mail_choices.unsubscribe_url(user_id=user.pk, kind=kind, salt=row.salt)}
            for kind in sorted({item.kind for item in items})
            if not mail_choices.locked(kind)
        ]
    # The twinnings first, in the order of their first news; what happened outside any twinning last.
    ordered = [group for key, group in groups.items() if key is not None] + ([groups[None]] if None in groups else [])
    digest_kind = f"digest:{frequency}"
    unsubscribe = mail_choices.unsubscribe_url(user_id=user.pk, kind=digest_kind, salt=row.salt)
    return render_message(
        address=user.email,
        language=language,
        template="common/email/digest",
        context={
            "recipient": user,
            "weekly": frequency == mail_choices.WEEKLY,
            "groups": ordered,
            "count": len(items),
            "stop": stop,
            "unsubscribe": unsubscribe,
            "settings_url": links["settings"],
        },
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
