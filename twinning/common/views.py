import hashlib
import json
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import signing
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from twinning.common import mail_choices, privacy
from twinning.common.forms import MailChoicesForm
from twinning.common.health import readiness
from twinning.common.i18n import direction
from twinning.common.keyset import keyset_page
from twinning.common.models import Notification
from twinning.common.notifications import label, param_names, text
from twinning.common.offline import HEADER as OFFLINE_HEADER
from twinning.common.offline import offline_readable

NOTIFICATION_KEYS = ("-created_at", "-pk")


@login_required
def notifications(request):
    """The person's notifications, newest first; showing them marks them read."""
    rows = Notification.objects.filter(recipient=request.user)
    page = keyset_page(request, rows, keys=NOTIFICATION_KEYS, size=30)
    names = param_names(page)
    items = [{"n": n, "text": text(n, names), "unread": n.read_at is None} for n in page]
    Notification.objects.filter(pk__in=[n.pk for n in page], read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "common/notifications.html", {"page": page, "items": items})


def _kinds_listed() -> tuple[list, list]:
    """The kinds a person may change, and the alerts they cannot, each (kind, label, heading), in the
    order the apps declared them (the apps' own order, a twinning's steps in sequence)."""
    infos = mail_choices.kinds()
    # Headings with activity first (a twinning's steps, meetings, communities): where choosing matters.
    busy = {str(info.group) for info in infos if info.klass == mail_choices.ACTIVITY}
    infos.sort(key=lambda info: str(info.group) not in busy)
    rows = [(info.kind, label(info.kind), info.group) for info in infos]
    changeable = [row for row in rows if not mail_choices.locked(row[0])]
    alerts = [row for row in rows if mail_choices.locked(row[0])]
    return changeable, alerts


@login_required
def mail_settings(request):
    """Which notifications the person is e-mailed, kind by kind: at once, in a digest, or never."""
    changeable, alerts = _kinds_listed()
    form = MailChoicesForm(request.POST or None, kinds=changeable, current=mail_choices.choices_of(request.user))
    if request.method == "POST" and form.is_valid():
        mail_choices.set_choices(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("mail_settings")
    return render(request, "common/mail_settings.html", {"form": form, "alerts": alerts})


@login_required
@require_POST
def renew_unsubscribe_links(request):
    mail_choices.renew_links(user=request.user)
    messages.success(request, _("The unsubscribe links in e-mails you were sent before no longer work."))
    return redirect("mail_settings")


def _refused_link(request):
    return render(request, "common/unsubscribe_invalid.html", status=400)


def _kind_names(kinds: list[str]) -> list[str]:
    return [label(kind) for kind in kinds]


@csrf_exempt  # the signed link is the credential: a mail client posts here with no session (RFC 8058)
def unsubscribe(request, token: str):
    """One click from an e-mail, no sign-in: the page offers one button; a POST (the button, or the
    mail client's one-click unsubscribe) switches the kind's e-mail off at once and offers to undo."""
    try:
        row, kind = mail_choices.read_token(token)
    except signing.BadSignature:
        return _refused_link(request)
    user = row.user
    with translation.override(user.preferred_language):
        kinds = mail_choices.kinds_in(kind, user=user)
        context = {"token": token, "kinds": _kind_names(kinds), "digest": kind in mail_choices.DIGEST_KINDS}
        if request.method != "POST":
            return render(request, "common/unsubscribe.html", context)
        before = mail_choices.set_choices(user=user, choices=dict.fromkeys(kinds, mail_choices.OFF))
        undo = signing.dumps(before, salt=f"twinning.unsubscribe.undo.{row.salt}")
        return render(request, "common/unsubscribed.html", {**context, "undo": undo})


@csrf_exempt  # the signed link is the credential, as for `unsubscribe`
@require_POST
def unsubscribe_undo(request, token: str):
    """Put back what the unsubscribe link switched off, as it was before."""
    try:
        row, _kind = mail_choices.read_token(token)
        before = signing.loads(request.POST.get("undo", ""), salt=f"twinning.unsubscribe.undo.{row.salt}")
    except signing.BadSignature:
        return _refused_link(request)
    if not isinstance(before, dict):
        return _refused_link(request)
    with translation.override(row.user.preferred_language):
        mail_choices.set_choices(user=row.user, choices={str(k): str(v) for k, v in before.items()})
        return render(request, "common/unsubscribe_undone.html", {"kinds": _kind_names(list(before))})


def health(request):
    """Liveness, for load balancers and uptime checks: the app answers and its database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ready(request):
    """Readiness, for operators and load balancers: the database, the cache and the job queue.

    503 when the database or the queue cannot be read (pages cannot work); 200 otherwise, with
    `"status": "degraded"` when the cache is unreachable (pages work, slower) or the queue is late
    (its oldest due job has waited longer than JOBS_LATE_SECONDS) or holds failed jobs or e-mails.
    """
    report = readiness()
    status = 503 if report["status"] == "unavailable" else 200
    return JsonResponse(report, status=status, json_dumps_params={"indent": 2})


def _database_outage(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def _static_page(request, template: str, *, status: int) -> HttpResponse:
    """An error page rendered from the template alone: no database, no session, no context processor,
    in the reader's language (the one already chosen for the request, else cookie and browser)."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        language = translation.get_language()
        body = loader.get_template(template).render(
            {"html_lang": language.split("-")[0], "html_dir": direction(language), "retry_after": RETRY_AFTER}
        )
    response = HttpResponse(body, status=status)
    response.headers["Content-Language"] = language
    return response


# Seconds a reader (and a client) is asked to wait before trying again while the database is away.
RETRY_AFTER = 30


def server_error(request):
    """The 500 handler: a database outage is a 503 with Retry-After; anything else a translated 500."""
    if _database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return _static_page(request, "500.html", status=500)


def database_unavailable(request):
    response = _static_page(request, "503.html", status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def csrf_failure(request, reason=""):
    """A form sent without a valid token (expired, or after signing out): say so, keep the text."""
    return _static_page(request, "403_csrf.html", status=403)


def privacy_notice(request):
    """What personal data the platform keeps, why, on what basis, for how long and how it is
    removed: read from the privacy register, in the reader's language, for anyone (no sign-in)."""
    return render(request, "common/privacy_notice.html", {"groups": privacy.notice()})


# The files every page needs, kept by the service worker so a saved page opens offline with its look.
OFFLINE_STATIC = (
    "common/site.css",
    "common/site.js",
    "common/drafts.js",
    "common/offline.js",
    "vendor/htmx.min.js",
    "common/favicon.svg",
    "common/icon-192.png",
)


def service_worker(request):
    """The service worker, from the site's root so that its scope is the whole site.

    Its text names the current static files, so a release that changes one changes the worker and
    browsers install the new one; `no-cache`: the browser asks each time whether it changed.
    """
    static = [staticfiles_storage.url(name) for name in OFFLINE_STATIC]
    version = hashlib.sha256(json.dumps(static).encode()).hexdigest()[:12]
    body = loader.render_to_string(
        "common/sw.js",
        {
            "version": version,
            "static_json": json.dumps(static),
            "static_prefix": json.dumps(staticfiles_storage.url("")),
            "offline_url": json.dumps(reverse("offline")),
            "keep_header": json.dumps(OFFLINE_HEADER),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def web_manifest(request, language: str):
    """What a phone needs to install the site as an app, in one language (each page links its own)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        manifest = {
            "name": gettext("Twinning"),
            "short_name": gettext("Twinning"),
            "description": gettext(
                "Twinning connects schools in different countries so their teachers and pupils learn together."
            ),
            "lang": language,
            "dir": direction(language),
            "start_url": reverse("dashboard"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5c8c",
            "icons": [
                {"src": staticfiles_storage.url("common/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": staticfiles_storage.url("common/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": staticfiles_storage.url("common/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@offline_readable
def offline(request):
    """What the service worker shows for a page that was not saved on the device, when offline."""
    return render(request, "common/offline.html")
