"""Making, using and revoking personal access tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import User
from twinning.api import rules, scopes
from twinning.api.models import AccessToken
from twinning.common import audit
from twinning.common.errors import ServiceError

# "tw_" + 8 characters to find the row + "_" + the secret: a token is recognisable in a leaked file
# (secret scanners look for such prefixes) and found without scanning the table.
PREFIX = "tw_"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    value: str  # shown once, never stored


def create_token(*, user: User, name: str, scopes_wanted: list[str], days: int) -> NewToken:
    """Make a token for ``user``; its value is returned once. Side effect: an audit entry."""
    if not rules.may_hold_tokens(user):
        raise ServiceError(_("Your account cannot use the API."))
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the token a name, so you know later what uses it."))
    unknown = set(scopes_wanted) - set(scopes.all_scopes())
    if unknown or not scopes_wanted:
        raise ServiceError(_("Choose at least one thing the token may do."))
    if not 1 <= days <= settings.TWINNING_API_TOKEN_MAX_DAYS:
        raise ServiceError(
            _("A token lasts between 1 and %(days)s days.") % {"days": settings.TWINNING_API_TOKEN_MAX_DAYS}
        )
    find = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        if AccessToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
            raise ServiceError(_("You already have a token named “%(name)s”.") % {"name": name})
        token = AccessToken.objects.create(
            user=user,
            name=name,
            prefix=find,
            digest=digest_of(secret),
            scopes=sorted(set(scopes_wanted)),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(actor=user, action="api.token_created", target=token, name=name, scopes=token.scopes)
    return NewToken(token=token, value=f"{PREFIX}{find}_{secret}")


def revoke_token(*, token: AccessToken, by: User) -> AccessToken:
    """Stop a token working at once. Side effect: an audit entry."""
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ServiceError(_("This token was already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action="api.token_revoked", target=token, name=token.name)
    return token


def note_use(*, token: AccessToken) -> None:
    """Keep "last used" current, writing at most once a minute per token."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
