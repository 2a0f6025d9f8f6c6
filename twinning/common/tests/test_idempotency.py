"""The idempotency key: one write per person and key, whatever is sent again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from twinning.common import idempotency
from twinning.common.errors import ServiceError
from twinning.common.models import SentOnce
from twinning.common.tasks import forget_sent_keys

pytestmark = pytest.mark.django_db

KEY = "3f1c9a52-8d4e-4f7b-9a61-0c2d5e7f8a90"


def test_the_same_person_and_key_get_the_first_answer_and_nothing_is_written_again(cast):
    writes = []

    def write():
        writes.append(1)
        return f"/written/{len(writes)}/"

    first = idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=write)
    again = idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=write)
    assert (first, again) == (
        idempotency.Outcome(url="/written/1/", replayed=False),
        idempotency.Outcome(url="/written/1/", replayed=True),
    )
    assert len(writes) == 1
    assert SentOnce.objects.count() == 1


def test_another_person_with_the_same_key_writes_independently(cast):
    writes = []

    def write():
        writes.append(1)
        return f"/written/{len(writes)}/"

    mine = idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=write)
    theirs = idempotency.once(user=cast.teacher_b.user, key=KEY, scope="test:1", write=write)
    assert (mine.url, theirs.url, theirs.replayed) == ("/written/1/", "/written/2/", False)
    assert SentOnce.objects.count() == 2


def test_a_refused_write_keeps_no_key_so_the_message_can_be_sent_again(cast):
    def refuse():
        raise ServiceError("no")

    with pytest.raises(ServiceError):
        idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=refuse)
    assert not SentOnce.objects.exists()
    outcome = idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=lambda: "/now/")
    assert outcome == idempotency.Outcome(url="/now/", replayed=False)


def test_a_key_used_for_another_form_is_refused(cast):
    idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:1", write=lambda: "/one/")
    with pytest.raises(ServiceError):
        idempotency.once(user=cast.teacher_a.user, key=KEY, scope="test:2", write=lambda: "/two/")


def test_without_a_key_every_send_writes(cast):
    urls = [idempotency.once(user=cast.teacher_a.user, key=None, scope="t", write=lambda: "/x/") for _ in "ab"]
    assert urls == [idempotency.Outcome(url="/x/", replayed=False)] * 2
    assert not SentOnce.objects.exists()


def test_old_keys_are_forgotten_by_the_nightly_job(cast):
    old = SentOnce.objects.create(user=cast.teacher_a.user, key="old-key-123", scope="t")
    SentOnce.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=idempotency.KEEP_DAYS + 1))
    recent = SentOnce.objects.create(user=cast.teacher_a.user, key="new-key-456", scope="t")
    assert forget_sent_keys.func() == {"keys": 1}
    assert list(SentOnce.objects.all()) == [recent]
