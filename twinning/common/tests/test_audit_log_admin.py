"""The administrator's audit log: newest first, paged by key with "previous" and "next", filtered by action, and
nothing counted, so a page costs the same however long the log grows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning.common.admin import AuditEntryAdmin
from twinning.common.audit import recorded_actions
from twinning.common.models import AuditEntry
from twinning.testing import as_

pytestmark = pytest.mark.django_db

URL = "/admin/common/auditentry/"


def log(n: int, *, action: str = "school.validated") -> list[AuditEntry]:
    now = timezone.now()
    return AuditEntry.objects.bulk_create(
        AuditEntry(action=action, reason=f"entry {i}", at=now - datetime.timedelta(minutes=i)) for i in range(n)
    )


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(AuditEntryAdmin, "list_per_page", 3)


def test_audit_log_admin_pages_by_key_newest_first_through_the_whole_log(client, cast, small_pages):
    AuditEntry.objects.all().delete()
    entries = log(8)
    admin = as_(client, cast.admin)
    seen, url = [], URL
    while True:
        response = admin.get(url)
        assert response.status_code == 200
        cl = response.context["cl"]
        seen += [entry.pk for entry in cl.result_list]
        if not cl.keyset.has_next:
            break
        url = f"{URL}?after={cl.keyset.next_cursor}"
    assert seen == [entry.pk for entry in entries]  # the newest first, each once
    back = admin.get(f"{URL}?before={cl.keyset.previous_cursor}").context["cl"]
    assert [entry.pk for entry in back.result_list] == [entry.pk for entry in entries[3:6]]
    assert 'rel="next"' not in response.content.decode() and 'rel="prev"' in response.content.decode()


def test_audit_log_admin_counts_nothing_however_long_the_log(client, cast, small_pages):
    def queries_of_a_page(url: str) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(url).status_code == 200
        return len(captured), [
            q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and "common_auditentry" in q["sql"]
        ]

    admin = as_(client, cast.admin)
    log(4)
    few = queries_of_a_page(URL)
    log(40)
    many = queries_of_a_page(URL)
    assert (few[0], few[1], many[1]) == (many[0], [], [])
    page = admin.get(URL).context["cl"]
    cursor = page.keyset.next_cursor
    assert queries_of_a_page(f"{URL}?after={cursor}")[1] == []


def test_audit_log_admin_filters_by_an_action_the_log_holds(client, cast, small_pages):
    AuditEntry.objects.all().delete()
    log(2, action="twinning.approved")
    kept = log(5, action="school.rejected")
    log(1, action="account.signin_failed")
    assert recorded_actions() == ["account.signin_failed", "school.rejected", "twinning.approved"]
    admin = as_(client, cast.admin)
    first = admin.get(URL, {"action": "school.rejected"})
    choices = [choice["display"] for choice in first.context["cl"].filter_specs[0].choices(first.context["cl"])]
    assert choices == ["All", "account.signin_failed", "school.rejected", "twinning.approved"]
    second = admin.get(URL, {"action": "school.rejected", "after": first.context["cl"].keyset.next_cursor})
    shown = [e.pk for e in first.context["cl"].result_list] + [e.pk for e in second.context["cl"].result_list]
    assert shown == [entry.pk for entry in kept]
    assert not second.context["cl"].keyset.has_next


def test_audit_log_admin_is_the_administrators_alone(client, cast):
    assert as_(client, cast.nso_il).get(URL).status_code == 302  # to the admin's sign-in
    assert recorded_actions() == sorted(set(AuditEntry.objects.values_list("action", flat=True)))


@pytest.mark.parametrize("cursor", ["garbage", "", "%00", "1" * 500])
def test_audit_log_admin_a_forged_cursor_shows_the_first_page(client, cast, small_pages, cursor):
    entries = log(5)
    admin = as_(client, cast.admin)

    for side in ("after", "before"):
        page = admin.get(URL, {side: cursor})
        assert page.status_code == 200
        assert [row.pk for row in page.context["cl"].result_list] == [entry.pk for entry in entries[:3]]
