"""Sign-in with a school's account: the relying party's side of OpenID Connect, done by Authlib.

Authlib reads the provider's discovery document, sends the person there with a fresh ``state``,
``nonce`` and PKCE challenge (S256), exchanges the code it is sent back with, and checks the ID
token's signature against the provider's published keys (JWKS), its issuer, audience, expiry and
nonce. This module adds what the platform needs around it: the providers configured in settings
(``OIDC_PROVIDERS``), a flow that remembers what it is for (sign in, link, sign up) and expires,
and every way it can fail turned into a message in the person's language.

Nothing here writes to the database: the views hand the ``Identity`` to ``accounts.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from twinning.common.errors import ServiceError

FLOWS = "twinning_oidc_flows"
# A verified identity waiting for its sign-up form (``schools:signup_with_account``), with when it came.
SIGNUP_IDENTITY = "twinning_oidc_signup"
SIGNUP_MAX_AGE = 30 * 60


class Purpose:
    SIGN_IN = "sign_in"
    LINK = "link"
    SIGN_UP = "sign_up"
    ALL = frozenset({SIGN_IN, LINK, SIGN_UP})


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Identity:
    """Who the provider says the person is, from an ID token whose signature was checked."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class Flow:
    purpose: str
    provider: Provider
    # For a link: the account that started it, so a session that changed hands links nothing.
    user_id: int | None


class FlowFailed(ServiceError):
    """The flow could not end in a verified identity; the message says why, in the person's language."""


def providers() -> list[Provider]:
    return [Provider(name=name, **config) for name, config in settings.OIDC_PROVIDERS.items()]


def allow_forms_to_providers(request) -> list[Provider]:
    """The providers whose buttons a page shows; their origins join the page's CSP form-action
    (``common.middleware``), since each button's answer is a redirect to the provider."""
    configured = providers()
    request.csp_form_action = sorted({_origin(provider.issuer) for provider in configured})
    return configured


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def provider_named(name: str) -> Provider | None:
    config = settings.OIDC_PROVIDERS.get(name)
    return None if config is None else Provider(name=name, **config)


# One Authlib client per provider configuration: it keeps the discovery document and the keys it
# fetched, so a sign-in does not fetch them again (a key it does not know makes it fetch them anew).
_clients: dict[Provider, DjangoOAuth2App] = {}
_clients_lock = Lock()


def _client(provider: Provider) -> DjangoOAuth2App:
    with _clients_lock:
        client = _clients.get(provider)
        if client is None:
            client = DjangoOAuth2App(
                DjangoIntegration(f"oidc_{provider.name}"),
                name=f"oidc_{provider.name}",
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": "openid email profile",
                    "code_challenge_method": "S256",
                    "default_timeout": settings.OIDC_TIMEOUT,
                },
            )
            _clients[provider] = client
        return client


def _unreachable(provider: Provider) -> FlowFailed:
    return FlowFailed(
        _("%(provider)s cannot be reached just now. Nothing was changed: please try again in a few minutes.")
        % {"provider": provider.label}
    )


def begin(request, *, provider: Provider, purpose: str, redirect_uri: str) -> str:
    """Start a flow: remember it in the session and return the provider's address to send the person to.

    Raises ``FlowFailed`` when the provider's discovery document cannot be had.
    """
    if purpose not in Purpose.ALL:
        raise ValueError(purpose)
    client = _client(provider)
    try:
        client.load_server_metadata()
        authorization = client.create_authorization_url(redirect_uri)
    except (requests.RequestException, ValueError, AuthlibBaseError, RuntimeError):
        raise _unreachable(provider) from None
    client.save_authorize_data(request, redirect_uri=redirect_uri, **authorization)
    now = timezone.now().timestamp()
    flows = {
        state: flow
        for state, flow in request.session.get(FLOWS, {}).items()
        if now - flow["started"] <= settings.OIDC_FLOW_MAX_AGE
    }
    flows[authorization["state"]] = {
        "provider": provider.name,
        "purpose": purpose,
        "started": now,
        "user": request.user.pk if request.user.is_authenticated else None,
    }
    request.session[FLOWS] = flows
    return authorization["url"]


def pending_flow(request, *, provider: Provider) -> Flow:
    """The flow the provider's answer belongs to, taken out of the session (a state serves once).

    Raises ``FlowFailed`` for an unknown or used state, another provider's, or one that took too long.
    """
    state = request.GET.get("state", "")
    flows = dict(request.session.get(FLOWS, {}))
    flow = flows.pop(state, None) if state else None
    request.session[FLOWS] = flows
    if flow is None or flow["provider"] != provider.name:
        raise FlowFailed(
            _(
                "This answer from %(provider)s does not belong to a sign-in started here, or was already used. "
                "Start again."
            )
            % {"provider": provider.label}
        )
    if timezone.now().timestamp() - flow["started"] > settings.OIDC_FLOW_MAX_AGE:
        raise FlowFailed(
            _(
                "That took too long: for your safety, a sign-in at %(provider)s must end within %(minutes)d minutes. "
                "Start again."
            )
            % {"provider": provider.label, "minutes": settings.OIDC_FLOW_MAX_AGE // 60}
        )
    return Flow(purpose=flow["purpose"], provider=provider, user_id=flow.get("user"))


def identity_from_answer(request, *, provider: Provider) -> Identity:
    """Exchange the code for tokens and check the ID token. Call after ``pending_flow``.

    Raises ``FlowFailed`` when the provider reports an error (or the person cancelled there), when
    it cannot be reached, or when its answer cannot be verified.
    """
    error = request.GET.get("error", "")
    if error == "access_denied":
        raise FlowFailed(_("You did not agree at %(provider)s: nothing was changed.") % {"provider": provider.label})
    if error:
        raise FlowFailed(
            _("%(provider)s answered with an error (%(code)s). Nothing was changed: please try again.")
            % {"provider": provider.label, "code": error[:60]}
        )
    client = _client(provider)
    try:
        token = client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [provider.issuer]}}
        )
    except requests.RequestException:
        raise _unreachable(provider) from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError):
        raise FlowFailed(
            _("The answer from %(provider)s could not be verified. Nothing was changed: please start again.")
            % {"provider": provider.label}
        ) from None
    claims = token.get("userinfo") or {}
    subject = str(claims.get("sub") or "")
    if not subject:
        raise FlowFailed(
            _("The answer from %(provider)s could not be verified. Nothing was changed: please start again.")
            % {"provider": provider.label}
        )
    return Identity(
        provider=provider.name,
        subject=subject,
        email=str(claims.get("email") or "").strip().lower(),
        # Microsoft's ID tokens say so in their own optional claim, xms_edov (e-mail domain owner verified).
        email_verified=claims.get("email_verified") is True or claims.get("xms_edov") in (True, "1", "true"),
        name=str(claims.get("name") or "").strip(),
    )


def keep_signup_identity(request, identity: Identity) -> None:
    """Keep a verified identity in the session while the person fills in the sign-up form."""
    request.session[SIGNUP_IDENTITY] = {
        "provider": identity.provider,
        "subject": identity.subject,
        "email": identity.email,
        "name": identity.name,
        "at": timezone.now().timestamp(),
    }


def signup_identity(request) -> Identity | None:
    """The verified identity a sign-up through a provider goes on with, while it is fresh."""
    kept = request.session.get(SIGNUP_IDENTITY)
    if not kept or timezone.now().timestamp() - kept["at"] > SIGNUP_MAX_AGE or provider_named(kept["provider"]) is None:
        return None
    return Identity(
        provider=kept["provider"],
        subject=kept["subject"],
        email=kept["email"],
        email_verified=True,
        name=kept["name"],
    )


def forget_signup_identity(request) -> None:
    request.session.pop(SIGNUP_IDENTITY, None)
