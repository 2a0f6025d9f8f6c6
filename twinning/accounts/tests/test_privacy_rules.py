"""Who may export a person's data and erase them: the rules, asked directly."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from twinning.accounts import rules
from twinning.common import exports
from twinning.common.models import DataExport
from twinning.twinnings import services as twinning_services

pytestmark = pytest.mark.django_db


def test_pupils_in_care_of_are_their_own_schools_only(cast, pupils):
    maya, tom = pupils
    assert list(rules.pupils_in_care_of(cast.teacher_a.user)) == [maya]
    assert list(rules.pupils_in_care_of(cast.principal_a)) == [maya]
    assert list(rules.pupils_in_care_of(cast.teacher_b.user)) == [tom]
    for nobody in (cast.pending_il.user, cast.coordinator, cast.nso_il, cast.admin, maya.user):
        assert list(rules.pupils_in_care_of(nobody)) == []
    with pytest.raises(Http404):
        rules.get_pupil_in_care_of(cast.teacher_b.user, maya.pk)
    assert rules.get_pupil_in_care_of(cast.teacher_a.user, maya.pk) == maya


def test_a_teacher_who_left_no_longer_cares_for_the_schools_pupils(cast, pupils):
    twinning_services.teacher_leaves(teacher=cast.teacher_a, by=cast.principal_a)
    assert list(rules.pupils_in_care_of(cast.teacher_a.user)) == []


def test_who_may_close_their_own_account(cast, pupils):
    assert rules.may_close_own_account(cast.teacher_a.user)
    assert rules.may_close_own_account(cast.coordinator)
    assert not rules.may_close_own_account(pupils[0].user)
    assert not rules.may_close_own_account(cast.admin)


def test_only_who_asked_downloads_a_ready_copy(cast, pupils, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    maya = pupils[0]
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(subject=maya.user, by=cast.teacher_a.user)
    assert rules.get_export_for_download(cast.teacher_a.user, export.pk) == export
    for other in (maya.user, cast.principal_a, cast.teacher_b.user):
        with pytest.raises(Http404):
            rules.get_export_for_download(other, export.pk)
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.DOWNLOADED)
    with pytest.raises(Http404):
        rules.get_export_for_download(cast.teacher_a.user, export.pk)


def test_a_copy_nobody_downloads_expires_with_its_file(cast, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(subject=cast.teacher_b.user, by=cast.teacher_b.user)
    export.refresh_from_db()
    path = tmp_path / export.file.name
    assert path.exists() and exports.unsent_exports(cast.teacher_b.user) == [export]
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert exports.unsent_exports(cast.teacher_b.user) == []  # no longer holds an erasure back
    assert exports.forget_expired() == 1
    assert not path.exists() and not DataExport.objects.exists()
