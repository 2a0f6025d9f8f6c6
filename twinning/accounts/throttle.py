"""Sign-in throttling: few password checks per account, short pauses that grow, and a cap per address.

Why not django-axes: it has one failure limit for every lockout parameter, so a limit per address
across accounts would be the same five as per account and lock a whole school network after five
typing mistakes; and it has no memory of earlier lockouts, so a pause cannot grow. This module
keeps both in one small table (``accounts.Throttle``).

The rules (numbers in ``settings.SIGNIN_THROTTLE``):

- **Per account.** Every spelling of one account's e-mail or username, from every address, shares
  one counter (keyed by the person; by the normalised login for a login no account has). An
  attempt is counted *before* its password is checked, so even attempts sent at the same moment
  get at most ``ACCOUNT_FAILURES`` checks; the attempt that reaches the limit starts a pause of
  ``FIRST_DELAY`` seconds, doubled after each further pause, capped at ``MAX_DELAY``. A correct
  password forgets everything. During a pause no password is checked at all.
- **Per client address.** Failures from one address across all accounts: ``ADDRESS_FAILURES``
  within ``ADDRESS_WINDOW`` seconds pause that address the same growing way. A correct password
  does not clear it (otherwise one's own account would reset a spray).
- IPv6 clients are counted by their /64 network: one home or school gets a whole /64.

Failed sign-ins and pauses go to the audit log with the login tried and the address, never the
password.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from twinning.accounts.models import Throttle, User
from twinning.common import audit

Scope = Throttle.Scope
# Long enough for any e-mail address; a longer login is cut (it cannot be an account's anyway).
KEY_LENGTH = 300


def _config(name: str) -> int:
    return int(settings.SIGNIN_THROTTLE[name])


class Refused(Exception):
    """No attempt now: the account or the address is paused for ``wait`` more."""

    def __init__(self, wait: timedelta, scope: str):
        super().__init__(f"{scope} paused for {wait}")
        self.wait = wait
        self.scope = scope

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up (a person is told "1 minute", never "0")."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


@dataclass(frozen=True)
class Attempt:
    """One password check that the throttle has let through (and counted)."""

    login: str
    user_id: int | None
    address: str
    account_key: str
    address_key: str
    # The pause this attempt started, if it was the last one allowed (lifted again if it succeeds).
    paused_until: datetime | None


def account_key(*, login: str, user: User | None) -> str:
    return f"user:{user.pk}" if user is not None else f"login:{login}"[:KEY_LENGTH]


def address_key(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:KEY_LENGTH]
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def pause_for(strikes: int) -> timedelta:
    """The pause after ``strikes`` earlier pauses in a row: 1, 2, 4, 8 minutes... at most the cap."""
    seconds = _config("FIRST_DELAY") * 2 ** min(strikes, 16)
    return timedelta(seconds=min(seconds, _config("MAX_DELAY")))


def _row(scope: str, key: str, now: datetime) -> Throttle:
    """The row for (scope, key), locked for this transaction; made when there is none yet."""
    try:
        with transaction.atomic():
            row, _created = Throttle.objects.select_for_update().get_or_create(
                scope=scope, key=key, defaults={"window_started_at": now, "last_at": now}
            )
    except IntegrityError:  # made at the same moment by a parallel request
        row = Throttle.objects.select_for_update().get(scope=scope, key=key)
    return row


def _forget_if_quiet(row: Throttle, now: datetime) -> None:
    if row.last_at < now - timedelta(seconds=_config("FORGET_AFTER")) and not _paused(row, now):
        row.failures, row.strikes, row.window_started_at = 0, 0, now


def _paused(row: Throttle | None, now: datetime) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > now


def _pause(row: Throttle, now: datetime) -> datetime:
    row.locked_until = now + pause_for(row.strikes)
    row.strikes += 1
    row.failures = 0
    row.window_started_at = now
    return row.locked_until


def begin(*, login: str, user: User | None, address: str) -> Attempt:
    """Count one password check about to be made, or raise ``Refused`` while a pause lasts.

    Side effect: the account's counter goes up by one; the check that reaches the limit starts a
    pause at once, so that checks running at the same moment cannot go past it.
    """
    now = timezone.now()
    akey, ckey = account_key(login=login, user=user), address_key(address) if address else ""
    with transaction.atomic():
        if ckey:
            address_row = Throttle.objects.filter(scope=Scope.ADDRESS, key=ckey).first()
            if _paused(address_row, now):
                raise Refused(address_row.locked_until - now, Scope.ADDRESS)
        row = _row(Scope.ACCOUNT, akey, now)
        _forget_if_quiet(row, now)
        if _paused(row, now):
            raise Refused(row.locked_until - now, Scope.ACCOUNT)
        row.failures += 1
        row.last_at = now
        paused_until = _pause(row, now) if row.failures >= _config("ACCOUNT_FAILURES") else None
        row.save()
    return Attempt(
        login=login,
        user_id=user.pk if user is not None else None,
        address=address,
        account_key=akey,
        address_key=ckey,
        paused_until=paused_until,
    )


def succeeded(attempt: Attempt) -> None:
    """The password was right: the account starts afresh (its pauses and failures are forgotten)."""
    Throttle.objects.filter(scope=Scope.ACCOUNT, key=attempt.account_key).delete()


def failed(attempt: Attempt, *, user: User | None) -> None:
    """The password was wrong. Side effects: audit entries (the failure, and any pause it started);
    the address's counter goes up, and pauses the address at its limit.
    """
    now = timezone.now()
    with transaction.atomic():
        audit.record(actor=None, action="signin.failed", target=user, account=attempt.login, address=attempt.address)
        if attempt.paused_until is not None:
            audit.record(
                actor=None,
                action="signin.paused",
                target=user,
                scope=Scope.ACCOUNT,
                account=attempt.login,
                address=attempt.address,
                until=attempt.paused_until.isoformat(),
            )
        if not attempt.address_key:
            return
        row = _row(Scope.ADDRESS, attempt.address_key, now)
        _forget_if_quiet(row, now)
        if row.window_started_at < now - timedelta(seconds=_config("ADDRESS_WINDOW")):
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.last_at = now
        if row.failures >= _config("ADDRESS_FAILURES") and not _paused(row, now):
            until = _pause(row, now)
            audit.record(
                actor=None,
                action="signin.paused",
                target=None,
                scope=Scope.ADDRESS,
                address=attempt.address,
                until=until.isoformat(),
            )
        row.save()


def count_within_hour(*, scope: str, key: str, limit: int) -> None:
    """Count one use of something allowed ``limit`` times an hour per key; raise ``Refused`` past it.

    Used for sign-ups from one address and for the e-mails a sign-up may send to an address's owner.
    """
    now = timezone.now()
    with transaction.atomic():
        row = _row(scope, key[:KEY_LENGTH], now)
        if _paused(row, now):
            raise Refused(row.locked_until - now, scope)
        if row.window_started_at < now - timedelta(hours=1):
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.last_at = now
        if row.failures >= limit:
            row.locked_until = row.window_started_at + timedelta(hours=1)
        row.save()


def forget_old(*, now: datetime | None = None) -> int:
    """Delete rows with nothing to remember any more (no pause, quiet for a day). Returns how many."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=max(_config("FORGET_AFTER"), 3600))
    stale = Throttle.objects.filter(last_at__lt=quiet_since).exclude(locked_until__gt=now)
    return stale.delete()[0]
