import sys

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from twinning.common import privacy
from twinning.common.health import readiness
from twinning.common.i18n import direction
from twinning.common.models import Notification
from twinning.common.notifications import param_names, text


@login_required
def notifications(request):
    """The person's notifications, newest first; showing them marks them read."""
    rows = Notification.objects.filter(recipient=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    names = param_names(page)
    items = [{"n": n, "text": text(n, names), "unread": n.read_at is None} for n in page]
    Notification.objects.filter(pk__in=[n.pk for n in page], read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "common/notifications.html", {"page": page, "items": items})


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
