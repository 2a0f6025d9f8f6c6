"""Every download of a workspace's ZIP is in the audit log: who, which twinning, from which school."""

import pytest
from django.contrib.contenttypes.models import ContentType

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.testing import as_
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db


def test_export_audit_records_who_downloaded_which_workspace(client, cast, twinning, media_root):
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/forum/", {"title": "Hi", "body": "Shalom"})

    response = client.get(f"/twinnings/{twinning.pk}/export/")
    b"".join(response.streaming_content)

    entry = AuditEntry.objects.get(action="workspace.exported")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        cast.teacher_a.user,
        ContentType.objects.get_for_model(Twinning),
        twinning.pk,
    )
    assert entry.data == {"school": cast.school_a.pk, "media": 0, "threads": 1}


def test_export_audit_records_nothing_for_a_refused_download(client, cast, twinning):
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far away"), name="Out")
    for person in (cast.coordinator, outsider.user, cast.nso_uk):
        assert as_(client, person).get(f"/twinnings/{twinning.pk}/export/").status_code == 404

    assert AuditEntry.objects.filter(action="workspace.exported").count() == 0
