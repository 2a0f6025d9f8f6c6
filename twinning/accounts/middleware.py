"""Session rules applied to every request: idle and absolute time limits, then the second step."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from twinning.accounts import rules, sessions

# Written back into the session at most this often (seconds): a busy page does not write on every request.
SEEN_RESOLUTION = 60


def _redirect(request, url: str):
    if request.headers.get("HX-Request") == "true":
        # htmx would follow a plain redirect and put the whole page into a fragment.
        response = HttpResponseRedirect(url)
        response.status_code = 200
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url: str, request, **extra) -> str:
    params = {**extra}
    if request.method == "GET":
        params["next"] = request.get_full_path()
    elif request.path_info != "/":
        params["next"] = request.path_info
    return f"{url}?{urlencode(params)}" if params else url


class SessionTimeoutMiddleware:
    """Ends a session left unused too long (30 minutes for a pupil, 2 hours for staff, 8 for other
    adults, from ``settings.SESSION_IDLE_LIMITS``) or open too long altogether
    (``settings.SESSION_MAX_AGE``); the person lands on the sign-in page, which says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            moment = sessions.now()
            session = request.session
            started = session.get(sessions.STARTED)
            seen = session.get(sessions.SEEN)
            if started is None or seen is None:
                # Signed in before these clocks existed: they start now.
                session[sessions.STARTED] = started = moment
                session[sessions.SEEN] = seen = moment
            ended = None
            if moment - started > settings.SESSION_MAX_AGE:
                ended = "max"
            elif moment - seen > rules.idle_limit_seconds(user):
                ended = "idle"
            if ended:
                logout(request)
                return _redirect(request, _with_next(reverse("accounts:login"), request, ended=ended))
            if moment - seen > SEEN_RESOLUTION:
                session[sessions.SEEN] = moment
        return self.get_response(request)


# What a person who still owes the second step may open: the step itself, signing out, the language.
OPEN_DURING_STEP = {
    sessions.VERIFY: {"accounts:second_step", "accounts:logout", "accounts:set_language"},
    sessions.SET_UP: {"accounts:second_factor_setup", "accounts:logout", "accounts:set_language"},
}
STEP_PAGE = {sessions.VERIFY: "accounts:second_step", sessions.SET_UP: "accounts:second_factor_setup"}


class SecondFactorMiddleware:
    """A signed-in person who has an authenticator app types its code before anything else; one whose
    role needs one (``rules.mfa_required``) and who has none sets it up first. Every page, the admin
    site included, until then leads to that step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = sessions.second_step_owed(request)
        if owed is not None:
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in OPEN_DURING_STEP[owed]:
                return _redirect(request, _with_next(reverse(STEP_PAGE[owed]), request))
        return self.get_response(request)
