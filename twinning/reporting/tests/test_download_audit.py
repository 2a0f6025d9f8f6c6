"""Every download of a report (CSV or XLSX) is in the audit log: who, which part of the network, which filters."""

import pytest
from django.contrib.contenttypes.models import ContentType

from twinning.accounts.models import User
from twinning.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_download_audit_records_the_readers_scope_and_filters(client, cast):
    client.force_login(cast.nso_uk)

    assert client.get("/reports/export.csv", {"country": "GB"}).status_code == 200
    assert client.get("/reports/export.xlsx").status_code == 200

    csv_entry, xlsx_entry = AuditEntry.objects.filter(action="report.downloaded").order_by("pk")
    assert (csv_entry.actor, csv_entry.target_type, csv_entry.target_id) == (
        cast.nso_uk,
        ContentType.objects.get_for_model(User),
        cast.nso_uk.pk,
    )
    assert csv_entry.data == {
        "format": "csv",
        "everything": False,
        "nsos": [cast.uk_nso.pk],
        "programmes": [],
        "school_year": None,
        "country": "GB",
        "programme": None,
    }
    assert (xlsx_entry.data["format"], xlsx_entry.data["country"]) == ("xlsx", None)


def test_download_audit_records_an_administrators_whole_network(client, cast):
    client.force_login(cast.admin)

    assert client.get("/reports/export.csv", {"country": "IL"}).status_code == 200

    entry = AuditEntry.objects.get(action="report.downloaded")
    assert (entry.actor, entry.data["everything"], entry.data["country"]) == (cast.admin, True, "IL")


def test_download_audit_records_nothing_when_the_download_is_refused(client, cast):
    client.force_login(cast.nso_uk)
    assert client.get("/reports/export.csv", {"country": "IL"}).status_code == 400
    client.force_login(cast.teacher_a.user)
    assert client.get("/reports/export.xlsx").status_code == 404

    assert AuditEntry.objects.filter(action="report.downloaded").count() == 0
