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
from django.utils import timezone, translation
from django.utils.formats import date_format

from twinning.common.i18n import pick
from twinning.common.mail import send_to_person
from twinning.common.models import Notification
from twinning.common.tasks import email_notifications

# kind -> its sentence (lazily translated), with %(name)s parameters filled in when it is shown.
_kinds: dict = {}
# parameter name -> a function from the codes in use to {code: {language: name}}.
_param_names: dict[str, Callable[[set[str]], dict[str, dict]]] = {}


def register_kinds(kinds: dict) -> None:
    """Declare an app's notification kinds: {kind: sentence}, each sentence a `gettext_lazy` string.

    A kind belongs to one app: declaring it again with another sentence is a start-up error."""
    for kind, sentence in kinds.items():
        if kind in _kinds and _kinds[kind] is not sentence:
            raise ImproperlyConfigured(f"The notification kind {kind!r} is registered twice.")
        _kinds[kind] = sentence


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


def notify(*, user, kind: str, url: str = "", **params) -> Notification:
    """Add a notification to the person's list and queue its e-mail copy, in the same transaction
    (the worker sends it once that commits; nothing is sent for a change that is rolled back)."""
    _check_kind(kind)
    notification = Notification.objects.create(recipient=user, kind=kind, url=url, params=params)
    if _emails_on():
        email_notification(notification)
    return notification


def notify_many(items: list[tuple]) -> list[Notification]:
    """Many notifications at once, e.g. a whole cohort's proposals: `items` are (user, kind, url, params).

    The rows are written in one query, with jobs (in the same transaction) that write their e-mails
    in the background, so a large approval does not wait for thousands of e-mails to be written.
    """
    for kind in {kind for _user, kind, _url, _params in items}:
        _check_kind(kind)
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, url=url, params=params) for user, kind, url, params in items]
    )
    ids = [row.pk for row in rows]
    if ids and _emails_on():
        for start in range(0, len(ids), 500):
            email_notifications.enqueue(ids=ids[start : start + 500])
    return rows


def email_notification(notification: Notification) -> None:
    """Queue the notification's e-mail, in the recipient's language and time zone (at most once)."""
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE), timezone.override(user.time_zone):
        message = text(notification)
    url = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_to_person(
        user=user,
        template="common/email/notification",
        context={"message": message, "url": url},
        key=f"notification:{notification.pk}",
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
