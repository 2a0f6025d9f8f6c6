"""Keyset pagination: every row once, in order, forward and back, whatever the ties and directions of the keys;
a cursor that does not read gives the first page and says so."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from twinning import testing
from twinning.common.keyset import AFTER, BEFORE, keyset_page, make_cursor, read_cursor
from twinning.schools.models import School

KEYS = ("-age_from", "name", "pk")  # a descending key with many ties, then a name with ties, then the unique key


def _request(**params):
    request = RequestFactory().get("/", params)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _walk(queryset, size, *, keys=KEYS):
    """Every page from the first by the next links, then back by the previous links."""
    pages = [keyset_page(_request(), queryset, keys=keys, size=size)]
    while pages[-1].has_next:
        pages.append(keyset_page(_request(after=pages[-1].next_cursor), queryset, keys=keys, size=size))
    back = [pages[-1]]
    while back[-1].has_previous:
        back.append(keyset_page(_request(before=back[-1].previous_cursor), queryset, keys=keys, size=size))
    return pages, back


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 3, 4, 17])
def test_the_pages_hold_every_row_once_in_order_forward_and_back(cast, size):
    for n in range(16):
        # Ages 10, 11 or 12 and names that repeat: the order is decided by the later keys.
        testing.make_school(country=cast.israel, name=f"School {'אבג'[n % 3]}", age_from=10 + n % 3, age_to=14)
    schools = School.objects.all()
    expected = list(schools.order_by(*KEYS))

    pages, back = _walk(schools, size)

    assert [school for page in pages for school in page] == expected
    assert all(len(page) == size for page in pages[:-1]) and 0 < len(pages[-1]) <= size
    assert [list(page) for page in back] == [list(page) for page in reversed(pages)]
    assert not pages[0].has_previous and not pages[-1].has_next


@pytest.mark.django_db
def test_a_short_list_is_one_page_without_links(cast):
    page = keyset_page(_request(), School.objects.all(), keys=KEYS, size=10)
    assert len(page) == School.objects.count() and not page.has_other_pages()


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["nonsense", "e30:1abc:forged", "", "x" * 500])
def test_a_cursor_that_does_not_read_gives_the_first_page_and_says_so(cast, cursor):
    request = _request(after=cursor)
    page = keyset_page(request, School.objects.all(), keys=KEYS, size=1)
    assert [*page] == [School.objects.order_by(*KEYS).first()]
    assert page.refused == bool(cursor)
    said = [str(message) for message in get_messages(request)]
    assert said == (["That page of the list could not be found any more, so here is its first page."] if cursor else [])


@pytest.mark.django_db
def test_a_cursor_of_another_order_or_tampered_with_is_refused(cast):
    school = School.objects.first()
    cursor = make_cursor(school, ("name", "pk"), AFTER)
    assert read_cursor(cursor, ("name", "pk")) == ([school.name, school.pk], AFTER)
    with pytest.raises(ValueError):
        read_cursor(cursor, KEYS)
    with pytest.raises(ValueError):
        read_cursor(cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), ("name", "pk"))


def test_a_null_key_cannot_make_a_cursor():
    with pytest.raises(ValueError):
        make_cursor({"vouched": None, "pk": 1}, ("vouched", "pk"), BEFORE)


@pytest.mark.django_db
def test_times_come_back_as_times(cast):
    teacher = cast.pending_il
    values, direction = read_cursor(make_cursor(teacher, ("submitted_at", "pk"), BEFORE), ("submitted_at", "pk"))
    assert values == [teacher.submitted_at, teacher.pk] and direction == BEFORE


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 5, 30])
def test_the_end_is_the_last_page_and_leads_back_to_the_first(cast, size):
    for n in range(9):
        testing.make_school(country=cast.israel, name=f"School {n}")
    schools = School.objects.all()
    expected = list(schools.order_by(*KEYS))
    pages = [keyset_page(_request(before="end"), schools, keys=KEYS, size=size)]
    while pages[-1].has_previous:
        pages.append(keyset_page(_request(before=pages[-1].previous_cursor), schools, keys=KEYS, size=size))
    assert [school for page in reversed(pages) for school in page] == expected
    assert list(pages[0]) == expected[-size:] and not pages[0].has_next
