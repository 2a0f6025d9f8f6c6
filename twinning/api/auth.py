"""Who is calling: a personal access token in ``Authorization: Bearer tw_…``, checked on every
request, counted against its rate limit, and made the request's user."""

import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from twinning.api import rules, scopes, services
from twinning.api.errors import ApiError, scope_missing
from twinning.api.models import AccessToken


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class TokenAuth(HttpBearer):
    def __call__(self, request):
        if not request.headers.get("Authorization"):
            raise _unauthenticated(_("Send a personal access token: Authorization: Bearer tw_…"))
        return super().__call__(request)

    def authenticate(self, request, token: str):
        found = _find(token)
        if found is None:
            raise _unauthenticated(_("This token is not known. Check that it was copied whole."))
        now = timezone.now()
        client = found.client
        if client is not None and (client.revoked_at is not None or not found.user.is_active):
            raise _unauthenticated(_("The client of this token was revoked: ask your NSO's staff for a new one."))
        if found.revoked_at is not None:
            raise _unauthenticated(_("This token was revoked. Make a new one on your tokens page."))
        if found.expires_at <= now and client is not None:
            raise _unauthenticated(_("This token has expired. Ask the token endpoint for a new one."))
        if found.expires_at <= now:
            raise _unauthenticated(_("This token has expired. Make a new one on your tokens page."))
        if not rules.may_hold_tokens(found.user):
            raise _unauthenticated(_("The account of this token cannot use the API."))
        _count(found)
        services.note_use(token=found)
        if client is not None:
            services.note_client_use(client=client)
        request.user = found.user
        request.api_token = found
        return found


def _find(value: str) -> AccessToken | None:
    if not value.startswith(services.PREFIX):
        return None
    find, sep, secret = value[len(services.PREFIX) :].partition("_")
    if not sep or not secret:
        return None
    token = AccessToken.objects.select_related("user", "client").filter(prefix=find).first()
    if token is None or not hmac.compare_digest(token.digest, services.digest_of(secret)):
        return None
    return token


def _count(token: AccessToken) -> None:
    """A fixed window per token and minute, kept in the shared cache (Redis in production). A client's
    tokens share the client's count: asking for a new token does not start a new minute."""
    count_rate(token.client.client_id if token.client is not None else token.prefix)


def count_rate(key_of: str) -> None:
    """Count one call against ``key_of``'s limit this minute; past it, 429 with Retry-After.

    The minute is the site's clock's (``timezone.now``), the clock every other rule reads and a test can hold
    still: calls that straddle the turn of a minute are counted in two windows."""
    limit = settings.TWINNING_API_RATE_PER_MINUTE
    now = timezone.now().timestamp()
    window = int(now // 60)
    key = f"api-rate:{key_of}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=90)
        used = 1
    if used > limit:
        wait = max(1, int((window + 1) * 60 - now) + 1)
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests with this token: at most %(limit)s a minute. Try again in %(seconds)s s.")
            % {"limit": limit, "seconds": wait},
            headers={"Retry-After": str(wait)},
        )


def need(request, area: str, access: str = scopes.READ) -> None:
    """Refuse (403) unless the request's token has the scope; every operation starts with this."""
    if not scopes.allows(request.api_token.scopes, area, access):
        raise scope_missing(area, access)


def channel(request) -> str:
    """How the audit log names the caller's way in: the personal token's or the client's name."""
    token = request.api_token
    if token.client is not None:
        return f"API client “{token.client.name}”"
    return f"API token “{token.name}”"
