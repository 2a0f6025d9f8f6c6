"""What a session remembers about its own life: when it started, when it was last used, and
whether its person still owes a second step.

Kept in the session itself (so nothing else is written), and read by ``accounts.middleware``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import login
from django.urls import reverse
from django.utils import timezone

from twinning.accounts import rules, second_factor

STARTED = "twinning_session_started"
SEEN = "twinning_session_seen"
# Set at sign-in when the person had no authenticator app and no role that needs one: later
# pages then need no device lookup. A role granted later still sends them to set one up.
NO_SECOND_FACTOR = "twinning_no_second_factor"
# The secret of an authenticator app being set up, until a code from the app confirms it.
SETUP_SECRET = "twinning_mfa_setup_secret"  # nosec B105  # the session key's name, not a secret

VERIFY = "verify"
SET_UP = "set_up"


def now() -> float:
    """Seconds since the epoch, from Django's clock (which tests move)."""
    return timezone.now().timestamp()


def start(request, user) -> None:
    """A new sign-in: start the session's clocks. A pupil's session also ends with the browser."""
    moment = now()
    request.session[STARTED] = moment
    request.session[SEEN] = moment
    if rules.is_pupil(user):
        request.session.set_expiry(0)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start(request, user)


def is_verified(user) -> bool:
    # Installed by django-otp's middleware; a request that did not pass through it is not verified.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_step_owed(request) -> str | None:
    """What a signed-in person must do before anything else: ``VERIFY`` (type a code from their app),
    ``SET_UP`` (their role needs an app and they have none), or None."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return None
    required = rules.mfa_required(user)
    if request.session.get(NO_SECOND_FACTOR) and not required:
        return None
    if second_factor.has_authenticator(user):
        return VERIFY
    if required:
        return SET_UP
    request.session[NO_SECOND_FACTOR] = True
    return None


def sign_in(request, user, *, next_url: str) -> str:
    """Sign in a person who proved who they are without a password (an account at an OpenID Connect
    provider linked to theirs), and return where to send them: the second step first when they owe
    one, exactly as after a password."""
    login(request, user, backend="twinning.accounts.backends.SignInBackend")
    owed = second_step_owed(request)
    if owed is None:
        return next_url
    page = "accounts:second_step" if owed == VERIFY else "accounts:second_factor_setup"
    return f"{reverse(page)}?{urlencode({'next': next_url})}"
