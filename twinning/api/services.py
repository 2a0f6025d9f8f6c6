"""Making, using and revoking personal access tokens."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.api import rules, scopes
from twinning.api.models import AccessToken, OAuthClient
from twinning.common import audit
from twinning.common.errors import ServiceError

# "tw_" + 8 characters to find the row + "_" + the secret: a token is recognisable in a leaked file
# (secret scanners look for such prefixes) and found without scanning the table.
PREFIX = "tw_"
# A client's id: "twc_" and 16 hex characters; its secret is 32 random bytes, kept as a digest.
CLIENT_PREFIX = "twc_"


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


# --- OAuth 2 clients of an NSO's own system (RFC 6749 §4.4) ---------------------------------------


@dataclass(frozen=True)
class NewClient:
    client: OAuthClient
    secret: str  # shown once, never stored


def create_client(*, by: User, nso, name: str, scopes_wanted: list[str]) -> NewClient:
    """Make a client for ``nso``'s own system, with its service identity: an account without password or
    address that holds the NSO staff role of ``nso`` (so the client may do what the NSO's staff may, within
    its scopes). Its secret is returned once. Side effect: an audit entry."""
    if not rules.may_manage_clients_of(by, nso):
        raise ServiceError(_("You may not make clients for this NSO."))
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the client a name, so you know later what uses it."))
    unknown = set(scopes_wanted) - set(scopes.all_scopes())
    if unknown or not scopes_wanted:
        raise ServiceError(_("Choose at least one thing the client may do."))
    client_id = f"{CLIENT_PREFIX}{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        if OAuthClient.objects.filter(nso=nso, name=name, revoked_at__isnull=True).exists():
            raise ServiceError(_("This NSO already has a client named “%(name)s”.") % {"name": name})
        now = timezone.now()
        identity = User.objects.create_user(
            username=f"api-client-{client_id}", full_name=name, password=None, date_joined=now
        )
        Role.objects.create(user=identity, kind=Role.Kind.NSO_STAFF, nso=nso, granted_by=by, granted_at=now)
        client = OAuthClient.objects.create(
            nso=nso,
            name=name,
            client_id=client_id,
            secret_digest=digest_of(secret),
            scopes=sorted(set(scopes_wanted)),
            identity=identity,
            created_by=by,
            created_at=now,
        )
        audit.record(actor=by, action="api.client_created", target=client, name=name, scopes=client.scopes)
    return NewClient(client=client, secret=secret)


def revoke_client(*, client: OAuthClient, by: User) -> OAuthClient:
    """Stop a client at once: its secret no longer gets tokens, the tokens it has stop working, and its
    service identity is switched off. Side effect: an audit entry."""
    with transaction.atomic():
        client = OAuthClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            raise ServiceError(_("This client was already revoked."))
        now = timezone.now()
        client.revoked_at = now
        client.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
        User.objects.filter(pk=client.identity_id).update(is_active=False)
        audit.record(actor=by, action="api.client_revoked", target=client, name=client.name)
    return client


def find_client(client_id: str, secret: str) -> OAuthClient | None:
    """The active client with this id and secret, or None (unknown, wrong secret, revoked)."""
    client = OAuthClient.objects.select_related("identity").filter(client_id=client_id).first()
    if client is None or not hmac.compare_digest(client.secret_digest, digest_of(secret)):
        return None
    if client.revoked_at is not None or not client.identity.is_active:
        return None
    return client


def issue_client_token(*, client: OAuthClient, scopes_wanted: list[str]) -> NewToken:
    """A short-lived token for the client's service identity, with ``scopes_wanted`` (a subset of the
    client's; the caller checks). Not audited: a system asks for one every hour; its writes are."""
    find = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    token = AccessToken.objects.create(
        user=client.identity,
        client=client,
        name=client.name,
        prefix=find,
        digest=digest_of(secret),
        scopes=sorted(set(scopes_wanted)),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.TWINNING_API_CLIENT_TOKEN_SECONDS),
    )
    note_client_use(client=client)
    return NewToken(token=token, value=f"{PREFIX}{find}_{secret}")


def note_client_use(*, client: OAuthClient) -> None:
    """Keep the client's "last used" current, writing at most once a minute."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
        OAuthClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


def forget_expired_client_tokens(*, before=None) -> int:
    """Remove client tokens expired for a day or more (a system gets a new one every hour). Returns how many."""
    before = before or timezone.now() - timedelta(days=1)
    deleted, _kinds = AccessToken.objects.filter(client__isnull=False, expires_at__lt=before).delete()
    return deleted
