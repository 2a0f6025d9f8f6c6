"""What each person wants e-mailed: per kind of notification, at once, in a daily or weekly digest, or never.

Each app says, when it declares its kinds (`notifications.register_kinds`), under which heading they
are listed and which of them are activity (what happens around the person: a reply in a community,
a published activity) or alerts (what a coordinator must act on). Everything else is direct: about
the person, or waiting for their answer. The defaults follow the person's roles (the apps above say
which roles a person holds, through `register_audience`); a person with several roles gets the most
frequent of their roles' defaults. An alert is always e-mailed at once and cannot be switched off.

Unsubscribe links are signed per person and kind with Django's signing and the person's own salt
(`MailSettings.salt`): they need no sign-in and never expire, and a new salt revokes every one sent.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from twinning.common.models import MailSettings

IMMEDIATE, DAILY, WEEKLY, OFF = "immediate", "daily", "weekly", "off"
FREQUENCIES = (
    (IMMEDIATE, _("At once")),
    (DAILY, _("In a daily digest")),
    (WEEKLY, _("In a weekly digest")),
    (OFF, _("Never")),
)
# The more frequent first: a person whose roles disagree gets the earliest.
_ORDER = [IMMEDIATE, DAILY, WEEKLY, OFF]

DIRECT, ACTIVITY, ALERT = "direct", "activity", "alert"

# role -> class of kind -> frequency. Teachers follow their twinnings day by day; those who oversee
# many (principals, coordinators, NSO staff, programme administrators) read activity once a week.
DEFAULTS: dict[str, dict[str, str]] = {
    "teacher": {DIRECT: IMMEDIATE, ACTIVITY: DAILY},
    "pupil": {DIRECT: IMMEDIATE, ACTIVITY: WEEKLY},
    "principal": {DIRECT: IMMEDIATE, ACTIVITY: WEEKLY},
    "coordinator": {DIRECT: IMMEDIATE, ACTIVITY: WEEKLY},
    "nso_staff": {DIRECT: IMMEDIATE, ACTIVITY: WEEKLY},
    "programme_admin": {DIRECT: IMMEDIATE, ACTIVITY: WEEKLY},
    "": {DIRECT: IMMEDIATE, ACTIVITY: DAILY},
}

# A token's "kind" may also name a whole digest: its one-click header switches off every kind in it.
DIGEST_KINDS = {"digest:daily": DAILY, "digest:weekly": WEEKLY}


@dataclass(frozen=True)
class KindInfo:
    kind: str
    group: Promise | str
    klass: str


_info: dict[str, KindInfo] = {}
_audience: list[Callable[[list[int]], dict[int, set[str]]]] = []
OTHER = _("Other")


def declare(kind: str, *, group: Promise | str | None, klass: str) -> None:
    _info[kind] = KindInfo(kind, group or OTHER, klass)


def kind_info(kind: str) -> KindInfo:
    return _info.get(kind) or KindInfo(kind, OTHER, DIRECT)


def kinds() -> list[KindInfo]:
    return list(_info.values())


def locked(kind: str) -> bool:
    return kind_info(kind).klass == ALERT


def register_audience(roles: Callable[[list[int]], dict[int, set[str]]]) -> None:
    """Name the roles people hold: `roles(user_ids)` -> {user_id: {"teacher", "coordinator", ...}},
    in a few queries whatever the number of people (the digest asks for hundreds at once)."""
    if roles not in _audience:
        _audience.append(roles)


def roles_of(user_ids: Iterable[int]) -> dict[int, set[str]]:
    ids = list(user_ids)
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    for source in _audience:
        for pk, roles in source(ids).items():
            found.setdefault(pk, set()).update(roles)
    return found


def default_for(kind: str, roles: set[str]) -> str:
    klass = kind_info(kind).klass
    if klass == ALERT:
        return IMMEDIATE
    options = [DEFAULTS.get(role, DEFAULTS[""])[klass] for role in roles] or [DEFAULTS[""][klass]]
    return min(options, key=_ORDER.index)


def choice(kind: str, *, chosen: dict, roles: set[str]) -> str:
    """The frequency in force for one kind: an alert always at once, else the person's choice, else
    their roles' default."""
    if locked(kind):
        return IMMEDIATE
    value = chosen.get(kind)
    return value if value in _ORDER else default_for(kind, roles)


def settings_by_user(user_ids: Iterable[int]) -> dict[int, MailSettings]:
    return {row.user_id: row for row in MailSettings.objects.filter(user_id__in=list(user_ids))}


def _same_for_every_role(kind: str) -> bool:
    """Whether the kind's default frequency is the same whoever the person is (an alert, a direct kind): then a
    person who chose nothing for it needs no look-up of their roles."""
    klass = kind_info(kind).klass
    return klass == ALERT or len({defaults[klass] for defaults in DEFAULTS.values()}) == 1


def choices_for_people(
    user_ids: Iterable[int], kinds_wanted: Iterable[str], *, rows: dict[int, MailSettings] | None = None
) -> dict[tuple[int, str], str]:
    """{(user_id, kind): frequency} for many people and kinds, in two queries at the most: the people's settings
    (`rows`, when the caller has read them already; none are read when every kind is an alert), and the roles of
    those who chose nothing for a kind whose default depends on the role (an activity)."""
    ids = list(user_ids)
    kinds_wanted = list(kinds_wanted)
    if rows is None:
        rows = settings_by_user(ids) if ids and not all(locked(kind) for kind in kinds_wanted) else {}
    chosen = {pk: rows[pk].choices if pk in rows else {} for pk in ids}
    by_role = [kind for kind in kinds_wanted if not _same_for_every_role(kind)]
    unsure = [pk for pk in ids if any(chosen[pk].get(kind) not in _ORDER for kind in by_role)]
    roles = roles_of(unsure) if unsure else {}
    return {
        (pk, kind): choice(kind, chosen=chosen[pk], roles=roles.get(pk, set())) for pk in ids for kind in kinds_wanted
    }


def new_salt() -> str:
    return secrets.token_hex(16)


def settings_for(user) -> MailSettings:
    row, _created = MailSettings.objects.get_or_create(user=user, defaults={"salt": new_salt()})
    return row


def choices_of(user) -> dict[str, str]:
    """Every declared kind's frequency for this person."""
    row = MailSettings.objects.filter(user=user).first()
    roles = roles_of([user.pk]).get(user.pk, set())
    chosen = row.choices if row is not None else {}
    return {info.kind: choice(info.kind, chosen=chosen, roles=roles) for info in kinds()}


def set_choices(*, user, choices: dict[str, str]) -> dict[str, str]:
    """Record the person's frequencies for these kinds (alerts are left out: they cannot change).
    Returns what was in force before, for the kinds changed, so the change can be undone."""
    with transaction.atomic():
        row = settings_for(user)
        row = MailSettings.objects.select_for_update().get(pk=row.pk)
        roles = roles_of([user.pk]).get(user.pk, set())
        before = {}
        for kind, value in choices.items():
            if kind not in _info or locked(kind) or value not in _ORDER:
                continue
            before[kind] = choice(kind, chosen=row.choices, roles=roles)
            if value == default_for(kind, roles):
                row.choices.pop(kind, None)
            else:
                row.choices[kind] = value
        row.save(update_fields=["choices"])
    return before


def renew_links(*, user) -> None:
    """A new salt: every unsubscribe link sent to this person so far stops working."""
    row = settings_for(user)
    row.salt = new_salt()
    row.save(update_fields=["salt"])


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=f"twinning.unsubscribe.{salt}")


def unsubscribe_token(*, user_id: int, kind: str, salt: str) -> str:
    return _signer(salt).sign(f"{user_id}.{kind}")


def unsubscribe_url(*, user_id: int, kind: str, salt: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind, salt=salt)
    # The address is reversed once per kind of token, not per link: a digest writes thousands.
    start, end = _unsubscribe_path()
    return f"{settings.SITE_URL}{start}{token}{end}"


@functools.cache
def _unsubscribe_path() -> tuple[str, str]:
    marker = "TOKEN"
    path = reverse("unsubscribe", args=[marker])
    start, _marker, end = path.partition(marker)
    return start, end


def read_token(token: str) -> tuple[MailSettings, str]:
    """The person's settings and the kind (or "digest:daily"/"digest:weekly") a link names; raises
    `signing.BadSignature` for a link that was changed, made up or revoked."""
    value, _sep, _signature = token.rpartition(":")
    user_id, _dot, kind = value.partition(".")
    if not user_id.isdigit() or not (kind in _info or kind in DIGEST_KINDS):
        raise signing.BadSignature("Not a link this site made.")
    row = MailSettings.objects.select_related("user").filter(user_id=int(user_id)).first()
    if row is None:
        raise signing.BadSignature("Not a link this site made.")
    if _signer(row.salt).unsign(token) != value:
        raise signing.BadSignature("Not a link this site made.")
    return row, kind


def kinds_in(kind: str, *, user) -> list[str]:
    """The kinds a link switches off: the one it names, or every kind now in the digest it names."""
    if kind in DIGEST_KINDS:
        wanted = DIGEST_KINDS[kind]
        return [k for k, value in choices_of(user).items() if value == wanted and not locked(k)]
    return [] if locked(kind) else [kind]
