"""A school's page lists its validated teachers by key, by name: every teacher once in order forward and back (ties
on the name included), the same queries for one teacher as for many and on a deep page, a forged cursor gives the
first page with the message in the reader's language."""

import pytest

from twinning.schools.models import ValidationStatus
from twinning.schools.queries import validated_teachers_of
from twinning.schools.views import PAGE_SIZE
from twinning.testing import as_, assert_bad_cursor_gives_first_page, make_school, make_teacher, walk_keyset

pytestmark = pytest.mark.django_db


def test_a_schools_teachers_page_by_key_by_name(client, cast):
    school = make_school(country=cast.israel, name="Big school")
    url = f"/schools/{school.pk}/"
    make_teacher(school=school, name="Teacher Alef")
    reader = as_(client, cast.teacher_a.user)
    reader.get(url)
    (one,) = walk_keyset(reader, url).counts
    for n in range(1, 2 * PAGE_SIZE + 3):
        make_teacher(school=school, name=f"Teacher {('Alef', 'Bet', 'Gimel')[n % 3]}")  # names repeat
    make_teacher(school=school, name="Teacher Pending", status=ValidationStatus.PENDING)

    walk = walk_keyset(reader, url)

    assert walk.counts == [one, one, one]
    assert walk.rows == list(validated_teachers_of(school)) and len(walk.rows) == 2 * PAGE_SIZE + 3
    assert "Teacher Pending" not in {teacher.user.full_name for teacher in walk.rows}
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.teacher_a.user, "he"), url)
