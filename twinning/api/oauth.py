"""The OAuth 2 token endpoint for an NSO's own system: the client credentials grant (RFC 6749 §4.4).

Written here rather than taken from an OAuth library: the grant is one small endpoint, and the tokens
it gives must be the API's own (`AccessToken`: only a digest kept, the same checks, scopes, rate limit
and audit as personal tokens). Authlib's and django-oauth-toolkit's servers keep their own token tables,
stored as the token itself, and would need a second way into the API beside `TokenAuth`.

``POST /api/oauth/token`` with ``grant_type=client_credentials`` (form-encoded), the client
authenticated by HTTP Basic (§2.3.1: id and secret form-encoded, then joined by ":") or by
``client_id`` and ``client_secret`` in the body, and an optional ``scope`` (space-separated, within
the client's). The answer (§5.1) is ``access_token``, ``token_type: Bearer``, ``expires_in`` and
``scope``; a refusal (§5.2) is ``error`` and ``error_description``, the latter in the caller's
``Accept-Language``.
"""

import base64
import binascii
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from twinning.api import scopes, services
from twinning.api.auth import count_rate
from twinning.api.errors import ApiError


def _refuse(status: int, error: str, description: str, *, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _basic(header: str) -> tuple[str, str] | None:
    """The id and secret of an ``Authorization: Basic`` header, or None when it is not one."""
    kind, _space, encoded = header.partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def _within(scope: str, held: list[str]) -> bool:
    if scope not in scopes.all_scopes():
        return False
    area, access = scope.split(":")
    return scopes.allows(held, area, access)


@csrf_exempt  # no cookie is read: the client authenticates itself on every call
@require_POST
def token(request):
    if request.content_type != "application/x-www-form-urlencoded":
        return _refuse(400, "invalid_request", _("Send the request form-encoded (application/x-www-form-urlencoded)."))
    header = request.headers.get("Authorization", "")
    body_id, body_secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    credentials = None
    by_basic = bool(header)
    if header:
        if body_secret:
            return _refuse(400, "invalid_request", _("Authenticate the client one way only: HTTP Basic or the body."))
        credentials = _basic(header)
    elif body_id and body_secret:
        credentials = (body_id, body_secret)
    client = services.find_client(*credentials) if credentials else None
    if client is None:
        # §5.2: invalid_client is 401, with a challenge when the client tried HTTP Basic.
        return _refuse(
            401,
            "invalid_client",
            _("The client is not known, its secret is wrong, or it was revoked."),
            headers={"WWW-Authenticate": 'Basic realm="api"'} if by_basic else None,
        )
    grant = request.POST.get("grant_type", "")
    if not grant:
        return _refuse(400, "invalid_request", _("Say which grant you use: grant_type=client_credentials."))
    if grant != "client_credentials":
        return _refuse(
            400,
            "unsupported_grant_type",
            _("Only the client credentials grant is offered: grant_type=client_credentials."),
        )
    asked = request.POST.get("scope", "").split()
    # A scope the client holds, or one its write scope includes (schools:write gives schools:read).
    beyond = sorted(scope for scope in set(asked) if not _within(scope, client.scopes))
    if beyond:
        return _refuse(
            400, "invalid_scope", _("This client may not have these scopes: %(scopes)s.") % {"scopes": " ".join(beyond)}
        )
    granted = asked or [scope for scope in client.scopes if scope in scopes.all_scopes()]
    try:
        count_rate(client.client_id)
    except ApiError as limited:
        return _refuse(429, "rate_limited", limited.message, headers=limited.headers)
    made = services.issue_client_token(client=client, scopes_wanted=granted)
    response = JsonResponse(
        {
            "access_token": made.value,
            "token_type": "Bearer",  # nosec B105  # the token type RFC 6750 names, not a secret
            "expires_in": settings.TWINNING_API_CLIENT_TOKEN_SECONDS,
            "scope": " ".join(made.token.scopes),
        }
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
