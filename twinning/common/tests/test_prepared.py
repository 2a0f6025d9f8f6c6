"""A read compiled once (common.prepared) answers as its queryset does, for whatever ids it is given."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Func, IntegerField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning.common.models import Notification
from twinning.common.prepared import PreparedRead, PreparedReadOfMany
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace import services as workspace
from twinning.workspace.models import Event, Thread


def _events(twinning_id):
    return Event.objects.filter(twinning_id=twinning_id).values("pk", "at", "kind", "actor__full_name", "thread__title")


EVENTS = PreparedRead(_events)
MEMBERSHIP = PreparedRead(
    lambda twinning_id, user_id: (
        Membership.objects.filter(twinning_id=twinning_id, user_id=user_id, active=True)
        .select_related("twinning", "school")
        .order_by("pk")
    ),
    arity=2,
)
UNREAD = PreparedRead(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values_list(Func(F("pk"), function="COUNT", output_field=IntegerField()))
    )
)
THREADS = PreparedRead(lambda twinning_id: Thread.objects.filter(twinning_id=twinning_id).values_list("pk")[:2])


@pytest.fixture
def two_twinnings(cast, twinning):
    """The cast's twinning and a second one, each with its own threads."""
    other = Twinning.objects.create(titles={"en": "Another"}, school_year=2026, status=Twinning.Status.ACTIVE)
    Membership.objects.create(twinning=other, user=cast.teacher_b.user, school=cast.school_b, role="teacher_admin")
    for n in range(3):
        workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title=f"Ours {n}", body="Hello")
    workspace.start_thread(twinning=other, by=cast.teacher_b.user, title="Theirs", body="שלום")
    return twinning, other


def test_prepared_values_are_the_querysets_for_each_id_given(two_twinnings):
    for twinning in two_twinnings:
        assert EVENTS.dicts(twinning.pk) == list(_events(twinning.pk))
    ours, theirs = (EVENTS.dicts(t.pk) for t in two_twinnings)
    assert [e["thread__title"] for e in ours] == ["Ours 2", "Ours 1", "Ours 0"]
    assert [e["thread__title"] for e in theirs] == ["Theirs"]
    # Converted as the ORM converts them: an aware date and time, as stored.
    assert timezone.is_aware(ours[0]["at"])
    assert ours[0]["at"] == Event.objects.get(pk=ours[0]["pk"]).at


def test_prepared_objects_are_the_querysets_with_what_was_joined(cast, two_twinnings):
    twinning, other = two_twinnings
    found = MEMBERSHIP.objects(twinning.pk, cast.teacher_a.user.pk)
    expected = list(MEMBERSHIP.build(twinning.pk, cast.teacher_a.user.pk))
    assert [m.pk for m in found] == [m.pk for m in expected] and len(found) == 1
    with CaptureQueriesContext(connection) as joined:
        assert found[0].twinning.title == expected[0].twinning.title
        assert found[0].school.name == "Reali School"
    assert len(joined) == 0
    assert found[0]._state.db == "default" and not found[0]._state.adding
    assert MEMBERSHIP.objects(other.pk, cast.teacher_b.user.pk)[0].twinning.title == "Another"
    assert MEMBERSHIP.objects(other.pk, cast.teacher_a.user.pk) == []


def test_prepared_count_flat_and_value_with_a_default(cast, two_twinnings):
    user = cast.teacher_b.user
    before = UNREAD.value(user.pk, default=0)
    Notification.objects.create(recipient=user, kind="anything", url="/")
    assert UNREAD.value(user.pk) == before + 1 == Notification.objects.filter(recipient=user, read_at=None).count()
    twinning, _other = two_twinnings
    assert THREADS.flat(twinning.pk) == list(Thread.objects.filter(twinning=twinning).values_list("pk", flat=True)[:2])
    assert THREADS.value(-1, default="none") == "none"


def test_prepared_read_is_one_query_a_call(two_twinnings):
    twinning, _other = two_twinnings
    EVENTS.dicts(twinning.pk)
    with CaptureQueriesContext(connection) as captured:
        EVENTS.dicts(twinning.pk)
        EVENTS.dicts(twinning.pk)
    assert len(captured) == 2


def test_an_id_beyond_any_integer_column_matches_nothing(two_twinnings):
    # An address may carry any number (`<int:pk>`); the database's driver refuses one past 64 bits.
    assert EVENTS.dicts(2**70) == [] == EVENTS.dicts(-(2**70))
    assert EVENTS.dicts(2**63 - 1) == []


@pytest.mark.parametrize("wrong", ["5", 5.0, None, True])
def test_only_whole_numbers_are_ids(db, wrong):
    with pytest.raises(TypeError):
        EVENTS.dicts(wrong)


def test_a_wrong_number_of_ids_is_refused(db):
    with pytest.raises(TypeError):
        MEMBERSHIP.objects(1)


def test_an_argument_that_does_not_reach_the_sql_is_an_error_not_a_wrong_answer(db):
    ignores_it = PreparedRead(lambda twinning_id: Event.objects.values_list("pk"))
    with pytest.raises(ValueError, match="do not reach"):
        ignores_it.flat(1)


def test_values_fixed_in_the_queryset_stay_in_the_sql(cast, two_twinnings):
    twinning, _other = two_twinnings
    since = timezone.now() + timedelta(days=1)
    later = PreparedRead(
        lambda twinning_id: Event.objects.filter(twinning_id=twinning_id, at__gt=since).values_list("pk")
    )
    assert later.flat(twinning.pk) == []


SCHOOLS_THREADS = PreparedReadOfMany(
    lambda *ids: Thread.objects.filter(twinning_id__in=ids).order_by("pk").values_list("twinning_id", "title"), up_to=2
)
SCHOOLS_THREAD_OBJECTS = PreparedReadOfMany(lambda *ids: Thread.objects.filter(twinning_id__in=ids).order_by("pk"))


def test_a_read_of_many_ids_answers_as_its_queryset_for_any_number_of_them(two_twinnings):
    ours, theirs = (t.pk for t in two_twinnings)
    for ids in ([ours], [theirs], [ours, theirs], [theirs, ours, 10**9], [ours, ours]):
        assert SCHOOLS_THREADS.rows(ids) == list(SCHOOLS_THREADS.build(*ids)), ids
        assert [t.pk for t in SCHOOLS_THREAD_OBJECTS.objects(ids)] == [t.pk for t in SCHOOLS_THREAD_OBJECTS.build(*ids)]
    assert [title for _t, title in SCHOOLS_THREADS.rows([theirs, ours])] == ["Ours 0", "Ours 1", "Ours 2", "Theirs"]
    # Compiled once for each number of ids up to the limit; three ids were read through the queryset itself.
    assert sorted(SCHOOLS_THREADS._reads) == [1, 2]
    assert SCHOOLS_THREADS.rows([]) == []


EVENTS_OF = PreparedRead(
    lambda kind_of, twinning_ids: (
        Event.objects.filter(twinning_id__in=twinning_ids)
        .exclude(pk__in=twinning_ids)
        .filter(twinning__pk__gte=kind_of)
        .order_by("pk")
        .values_list("pk", "twinning_id", "at")
    ),
    arity=2,
)
MEMBERSHIPS_OF = PreparedRead(
    lambda twinning_ids: Membership.objects.filter(twinning_id__in=twinning_ids).select_related("school").order_by("pk")
)


def test_a_list_of_ids_reads_as_the_querysets_in_filter_does(two_twinnings):
    ours, theirs = (t.pk for t in two_twinnings)
    for ids in ([ours], [theirs], [ours, theirs], [theirs, ours, ours], (ours, 2**70), [ours, theirs + 1000]):
        assert EVENTS_OF.rows(0, ids) == list(EVENTS_OF.build(0, [n for n in ids if n < 2**63]))
        assert EVENTS_OF.rows(theirs, ids) == list(EVENTS_OF.build(theirs, [n for n in ids if n < 2**63]))
        assert [m.pk for m in MEMBERSHIPS_OF.objects(list(ids))] == [
            m.pk for m in MEMBERSHIPS_OF.build([n for n in ids if n < 2**63])
        ]
    assert {row[1] for row in EVENTS_OF.rows(0, [ours, theirs])} == {ours, theirs}
    assert timezone.is_aware(EVENTS_OF.rows(0, [ours])[0][2])
    with CaptureQueriesContext(connection) as joined:
        found = [(m.pk, m.school and m.school.name) for m in MEMBERSHIPS_OF.objects([ours])]
    assert found == [(m.pk, m.school and m.school.name) for m in Membership.objects.filter(twinning_id=ours)]
    assert any(name for _pk, name in found)
    assert len(joined) == 1


def test_an_empty_list_reads_nothing_without_a_query(two_twinnings):
    with CaptureQueriesContext(connection) as captured:
        assert EVENTS_OF.rows(0, []) == [] == list(EVENTS_OF.build(0, []))
        assert MEMBERSHIPS_OF.objects([]) == []
    assert len(captured) == 0


@pytest.mark.parametrize("wrong", [["5"], [1.0], [None], [True], list(range(101))])
def test_lists_hold_a_few_whole_numbers(db, wrong):
    with pytest.raises(TypeError):
        MEMBERSHIPS_OF.objects(wrong)


OF_YEAR = PreparedRead(
    lambda user_id, year: Membership.objects.filter(user_id=user_id, twinning__school_year=year).values_list("pk"),
    values=1,
)


def test_a_value_is_compiled_into_the_read_once_for_each_value(cast, two_twinnings):
    user = cast.teacher_b.user
    for year in (2025, 2026, 2027, 2026):
        assert OF_YEAR.flat(user.pk, year) == list(OF_YEAR.build(user.pk, year).values_list("pk", flat=True))
    assert OF_YEAR.flat(user.pk, 2026) != []
    with pytest.raises(TypeError):
        OF_YEAR.flat(user.pk)


def test_an_id_for_a_column_too_small_for_the_markers_is_an_error_not_a_wrong_answer(db):
    small = PreparedRead(
        lambda user_id, year: Membership.objects.filter(user_id=user_id, twinning__school_year=year), arity=2
    )
    with pytest.raises(ValueError, match="values"):
        small.objects(1, 2026)
