from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from twinning.common.models import Notification
from twinning.common.notifications import country_names, text


@login_required
def notifications(request):
    """The person's notifications, newest first; showing them marks them read."""
    rows = Notification.objects.filter(recipient=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    countries = country_names()
    items = [{"n": n, "text": text(n, countries), "unread": n.read_at is None} for n in page]
    Notification.objects.filter(pk__in=[n.pk for n in page], read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "common/notifications.html", {"page": page, "items": items})


def health(request):
    """For load balancers and uptime checks: the app answers and its database does too."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
