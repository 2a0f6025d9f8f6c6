import zoneinfo

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from twinning.common import data_saver


class PersonPreferencesMiddleware:
    """Use the signed-in person's own language and time zone on every page.

    Runs after Django's LocaleMiddleware: that one handles visitors (cookie, then the browser's
    Accept-Language); a signed-in person's saved choice wins over both, on every device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class DataSaverMiddleware:
    """Decide once per request whether the page is served light (see ``common.data_saver``).

    The answer depends on the browser's Save-Data header, so responses say they vary with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.data_saver = data_saver.is_on(request)
        response = self.get_response(request)
        patch_vary_headers(response, ("Save-Data",))
        return response


class ContentSecurityPolicyMiddleware:
    """Pages load nothing from outside the site: no CDN, no remote font, no tracker.

    Scripts and styles come only from our own static files, so no inline script can run.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    # A view whose forms lead on to another site (a sign-in button that the site answers with a
    # redirect to an OpenID Connect provider) lists that site's origins in ``request.csp_form_action``:
    # browsers hold the redirect that follows a form to the page's form-action too.
    FORM_ACTION = "form-action 'self'"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin ships inline scripts of its own; it is only for platform administrators.
        if not request.path.startswith("/admin/"):
            policy = self.POLICY
            also = getattr(request, "csp_form_action", ())
            if also:
                policy = policy.replace(self.FORM_ACTION, " ".join([self.FORM_ACTION, *also]))
            response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class TextCompressionMiddleware(GZipMiddleware):
    """Pages, feeds and text downloads are sent gzip-compressed to browsers that accept it.

    Only text: photos, videos, PDFs and archives are compressed already, and compressing them again
    costs processor time for nothing. Static files in production come compressed from WhiteNoise
    (gzip and Brotli, made once when they are collected) and carry their Content-Encoding, which
    Django's middleware leaves alone.

    Compressing pages that carry a secret (the CSRF token) next to text an attacker can inject is the
    BREACH attack. Django masks the CSRF token afresh in every response, and its GZipMiddleware
    (since 4.2) adds random padding to every compressed response ("Heal the BREACH"), so the length no
    longer tells what matched.
    """

    TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)
