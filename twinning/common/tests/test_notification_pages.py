"""The notification list pages by key: newest first, every one once, the same queries for 1 as for 30 a page,
and what is shown is marked read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning.common.models import Notification
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def _notify(user, n: int, *, at):
    return Notification.objects.create(
        recipient=user, kind="workspace_post_held", params={"name": f"Pupil {n:02}"}, created_at=at
    )


def _walk(reader):
    url, counts, shown = "/notifications/", [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(url)
        counts.append(len(captured))
        page = response.context["page"]
        shown += [item["n"] for item in response.context["items"]]
        url = f"/notifications/?after={page.next_cursor}" if page.has_next else None
    return counts, shown


def test_notifications_page_by_key_with_as_many_queries_for_1_as_for_30(client, cast):
    user = cast.teacher_a.user
    now = timezone.now()
    _notify(user, 0, at=now)
    reader = as_(client, user)
    (one,), _ = _walk(reader)
    Notification.objects.filter(recipient=user).update(read_at=None)
    # Sixty more, two of them at the same moment: the key decides between them.
    for n in range(1, 61):
        _notify(user, n, at=now - timedelta(minutes=n // 2))

    counts, shown = _walk(reader)

    assert counts == [one, one, one]
    assert shown == list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk"))
    assert len(shown) == 61 and not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
