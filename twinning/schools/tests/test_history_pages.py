"""A teacher's history and their school's, on the validation page, each page by key through the whole history:
every entry once in order forward and back (ties on the time included), the one list's cursor keeps the other's page,
the same queries on every page, a forged cursor gives the first page with the message in the reader's language."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from twinning.common.audit import entries_for
from twinning.common.models import AuditEntry
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

pytestmark = pytest.mark.django_db


def _history(target, actor, n: int, action: str) -> None:
    kind = ContentType.objects.get_for_model(target)
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=action,
            target_type=kind,
            target_id=target.pk,
            at=now - datetime.timedelta(days=1 + i // 4),  # four entries at each time
            reason=f"Entry {i:03}",
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("context", "prefix", "size"), [("history", "history_", 50), ("school_history", "school_history_", 20)]
)
def test_the_validation_page_reaches_the_whole_history_by_key(client, cast, context, prefix, size):
    teacher = cast.pending_il
    target = teacher if context == "history" else teacher.school
    url = f"/validation/teachers/{teacher.pk}/"
    reader = as_(client, cast.nso_il)
    reader.get(url)
    (one,) = walk_keyset(reader, url, context=context, prefix=prefix).counts
    _history(teacher, cast.nso_il, 2 * 50 + 3, "teacher.updated")
    _history(teacher.school, cast.nso_il, 2 * 20 + 3, "school.updated")

    walk = walk_keyset(reader, url, context=context, prefix=prefix)

    assert walk.counts == [one, one, one]
    assert walk.rows == list(entries_for(target))
    assert [len(page) for page in walk.forward[:-1]] == [size, size] and len(set(walk.rows)) == len(walk.rows)
    assert walk.backward == walk.forward[::-1]
    assert {entry.reason for entry in walk.rows} >= {f"Entry {i:03}" for i in range(2 * size + 3)}  # the oldest too
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), url, context=context, prefix=prefix)


def test_paging_one_history_keeps_the_others_page(client, cast):
    teacher = cast.pending_il
    _history(teacher, cast.nso_il, 60, "teacher.updated")
    _history(teacher.school, cast.nso_il, 30, "school.updated")
    reader = as_(client, cast.nso_il)
    url = f"/validation/teachers/{teacher.pk}/"
    school_page = reader.get(url).context["school_history"]
    second = reader.get(url + school_page.next_query).context
    teacher_next = reader.get(url + second["history"].next_query).context
    assert list(teacher_next["school_history"]) == list(second["school_history"]) != list(school_page)
    assert list(teacher_next["history"]) == list(entries_for(teacher))[50:]
