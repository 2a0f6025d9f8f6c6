"""In-app notifications, with an e-mail copy, written in each recipient's own language.

This module is the machinery: `notify` and `notify_many` write them, `text` renders one in the
reader's language, `email_notification` queues its e-mail. What each kind says belongs to the app
that sends it: `<app>/notifications.py` calls `register_kinds` (every app's such module is imported
when the site starts, see `CommonConfig.ready`), and `notify` refuses a kind nobody registered.
A parameter stored as a code and named in the reader's language (a country) is named by the app that
owns the names, through `register_param`.
"""

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Func, IntegerField
from django.utils import timezone, translation
from django.utils.formats import date_format

from twinning.common import mail_choices
from twinning.common.i18n import pick
from twinning.common.mail import send_to_person
from twinning.common.models import MailSettings, Notification
from twinning.common.prepared import PreparedRead
from twinning.common.tasks import email_notifications

# kind -> its sentence (lazily translated), with %(name)s parameters filled in when it is shown.
_kinds: dict = {}
# parameter name -> a function from the codes in use to {code: {language: name}}.
_param_names: dict[str, Callable[[set[str]], dict[str, dict]]] = {}


def register_kinds(kinds: dict, *, group=None, activity: Iterable[str] = (), alerts: Iterable[str] = ()) -> None:
    """Declare an app's notification kinds: {kind: sentence}, each sentence a `gettext_lazy` string.

    `group` is the heading they are listed under on the e-mail settings page; `activity` names the
    kinds that tell of what happens around the person (e-mailed in a digest by default), `alerts`
    those a coordinator must act on (always e-mailed at once, cannot be switched off); the rest are
    direct (see `common.mail_choices`). A kind belongs to one app: declaring it again with another
    sentence is a start-up error."""
    activity, alerts = set(activity), set(alerts)
    unknown = (activity | alerts) - kinds.keys()
    if unknown:
        raise ImproperlyConfigured(f"Mail classes given for undeclared kinds: {sorted(unknown)}.")
    for kind, sentence in kinds.items():
        if kind in _kinds and _kinds[kind] is not sentence:
            raise ImproperlyConfigured(f"The notification kind {kind!r} is registered twice.")
        _kinds[kind] = sentence
        klass = (
            mail_choices.ALERT if kind in alerts else mail_choices.ACTIVITY if kind in activity else mail_choices.DIRECT
        )
        mail_choices.declare(kind, group=group, klass=klass)


class _Blank(dict):
    def __missing__(self, key):
        return "…"


def label(kind: str) -> str:
    """The kind in plain words for the settings page: its sentence with "…" for each name in it."""
    template = _kinds.get(kind)
    if template is None:
        return kind
    try:
        words = str(template) % _Blank()
    except (TypeError, ValueError):
        words = str(template)
    return words.replace("….", "…")


def register_param(name: str, names: Callable[[set[str]], dict[str, dict]]) -> None:
    """Name a parameter stored as a code (e.g. `country`) in the reader's language when shown:
    `names(codes)` returns {code: {language: name}} for the codes asked, in one query."""
    if name in _param_names and _param_names[name] is not names:
        raise ImproperlyConfigured(f"The notification parameter {name!r} is registered twice.")
    _param_names[name] = names


def registered_kinds() -> frozenset[str]:
    return frozenset(_kinds)


def _check_kind(kind: str) -> None:
    # A kind without a sentence would show its bare key to the reader: refuse it where it is made.
    if kind not in _kinds:
        raise LookupError(f"No notification kind {kind!r} is registered: declare it in its app's notifications.py.")


def param_names(notifications: Iterable[Notification]) -> dict[str, dict[str, dict]]:
    """The names of the coded parameters in these notifications, one query per parameter in use;
    pass the result to `text` when rendering many."""
    wanted: dict[str, set[str]] = {}
    for notification in notifications:
        for name in _param_names.keys() & notification.params.keys():
            wanted.setdefault(name, set()).add(notification.params[name])
    return {name: _param_names[name](codes) for name, codes in wanted.items()}


def text(notification: Notification, names: dict[str, dict[str, dict]] | None = None) -> str:
    """The notification's sentence in the active language. Coded parameters (a country) are named
    here, in the reader's language; pass `names` (from `param_names`) when rendering many."""
    template = _kinds.get(notification.kind)
    if template is None:
        return notification.kind
    if names is None:
        names = param_names([notification])
    # A name kept in every language (an NSO's, a programme's) is shown in the reader's.
    params = {key: pick(value) if isinstance(value, dict) else value for key, value in notification.params.items()}
    for key in _param_names.keys() & params.keys():
        params[key] = pick(names.get(key, {}).get(params[key], {})) or params[key]
    # Names and titles people wrote are in any script: isolate each (FSI … PDI) so a Latin school name
    # keeps its order inside an Arabic or Hebrew sentence, in the page and in the e-mail alike. The
    # coded parameters are already named in the reader's language.
    if "when" in params:
        # Stored in UTC; shown in the reader's time zone (the request's, or the recipient's for e-mail).
        try:
            moment = timezone.localtime(datetime.fromisoformat(params["when"]))
            params["when"] = f"{date_format(moment, 'DATE_FORMAT')} {date_format(moment, 'TIME_FORMAT')}"
        except (TypeError, ValueError):
            pass
    params = {
        key: f"\u2068{value}\u2069" if isinstance(value, str) and key not in (*_param_names, "when") else value
        for key, value in params.items()
    }
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


_muted = threading.local()


@contextmanager
def emails_muted():
    """Notifications made inside get no e-mail (e.g. while loading the demo network)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


def _emails_on() -> bool:
    return not getattr(_muted, "on", False)


def _mail_state(frequency: str) -> str:
    if not _emails_on() or frequency == mail_choices.OFF:
        return Notification.Mail.SKIPPED
    if frequency == mail_choices.IMMEDIATE:
        return Notification.Mail.SENT
    return Notification.Mail.PENDING


def notify(*, user, kind: str, url: str = "", in_twinning: int | None = None, **params) -> Notification:
    """Add a notification to the person's list and, as the person chose for its kind, queue its
    e-mail copy in the same transaction (the worker sends it once that commits; nothing is sent for
    a change that is rolled back), or keep it for their digest (`common.digests`), or e-mail nothing.
    `in_twinning` (a twinning's id) groups it in the digest, which checks the reader still belongs.

    Its cost: the row, and what the person's e-mail choice needs: nothing while e-mails are muted, their
    settings unless the kind is an alert, and their roles only for an activity kind they chose nothing for
    (the settings read here also give the unsubscribe link's salt)."""
    _check_kind(kind)
    rows: dict[int, MailSettings] = {}
    if _emails_on():
        if not mail_choices.locked(kind):
            rows = mail_choices.settings_by_user([user.pk])
        frequency = mail_choices.choices_for_people([user.pk], [kind], rows=rows)[(user.pk, kind)]
    else:
        frequency = mail_choices.OFF
    notification = Notification.objects.create(
        recipient=user, kind=kind, url=url, params=params, mail=_mail_state(frequency), twinning_id=in_twinning
    )
    if notification.mail == Notification.Mail.SENT:
        email_notification(notification, mail_settings=rows.get(user.pk))
    return notification


def notify_many(items: list[tuple]) -> list[Notification]:
    """Many notifications at once, e.g. a whole cohort's proposals: `items` are (user, kind, url,
    params), with a twinning's id as a fifth where they happened in one (see `notify`).

    The rows are written in one query, with jobs (in the same transaction) that write the e-mails of
    those who want them at once in the background, so a large approval does not wait for thousands
    of e-mails to be written; the others wait for their digest or are not e-mailed.
    """
    items = [(*item, None) if len(item) == 4 else item for item in items]
    kinds = {item[1] for item in items}
    for kind in kinds:
        _check_kind(kind)
    people = {item[0].pk for item in items}
    # While e-mails are muted nothing is e-mailed whatever people chose: nothing to look up.
    frequencies = mail_choices.choices_for_people(people, kinds) if _emails_on() else {}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                url=url,
                params=params,
                twinning_id=twinning,
                mail=_mail_state(frequencies.get((user.pk, kind), mail_choices.OFF)),
            )
            for user, kind, url, params, twinning in items
        ]
    )
    ids = [row.pk for row in rows if row.mail == Notification.Mail.SENT]
    if ids and _emails_on():
        for start in range(0, len(ids), 500):
            email_notifications.enqueue(ids=ids[start : start + 500])
    return rows


def email_notification(notification: Notification, *, mail_settings: MailSettings | None = None) -> None:
    """Queue the notification's e-mail, in the recipient's language and time zone (at most once).
    `mail_settings`: the recipient's, when the caller has just read them (the unsubscribe link's salt)."""
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE), timezone.override(user.time_zone):
        message = text(notification)
    url = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    headers, unsubscribe = {}, ""
    if not mail_choices.locked(notification.kind):
        # RFC 8058: a mail client offers "unsubscribe", and one POST to this address is honoured at once.
        unsubscribe = mail_choices.unsubscribe_url(
            user_id=user.pk, kind=notification.kind, salt=(mail_settings or mail_choices.settings_for(user)).salt
        )
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    send_to_person(
        user=user,
        template="common/email/notification",
        context={"message": message, "url": url, "unsubscribe": unsubscribe, "settings_url": _settings_url()},
        key=f"notification:{notification.pk}",
        headers=headers,
    )


def _settings_url() -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse('mail_settings')}"


# Counted on every page (the header's link): compiled once (common.prepared), run with the person's id.
_UNREAD = PreparedRead(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values_list(Func(F("pk"), function="COUNT", output_field=IntegerField()))
    )
)


def unread_count(user) -> int:
    return _UNREAD.value(user.pk, default=0)
