"""A school's responsiveness, from its twinnings' health, shown on its page and in partner search."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from twinning import testing
from twinning.common.school_year import current_school_year
from twinning.coordination.health import answer_hours_by_school
from twinning.coordination.models import TwinningHealth
from twinning.matching.tests.conftest import make_profile
from twinning.testing import as_
from twinning.twinnings.models import Twinning


def test_answer_hours_are_each_schools_own_answers():
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    posts = [
        (1, 10, start),
        (1, 20, start + timedelta(hours=30)),  # 20 answers 10 after 30 hours
        (1, 10, start + timedelta(hours=32)),  # 10 answers after 2 hours
        (1, 10, start + timedelta(hours=40)),  # not an answer: the same school again
        (2, 20, start + timedelta(hours=41)),  # another thread: not an answer
        (2, 10, start + timedelta(hours=45)),  # 10 answers after 4 hours
    ]
    assert answer_hours_by_school(posts) == {10: 3.0, 20: 30.0}


@pytest.mark.django_db
def test_school_page_and_search_say_how_quickly_a_school_answers(client, cast):
    make_profile(cast.school_a, languages={"he": 3, "en": 2})
    make_profile(cast.school_b)
    # King David's twinning with another Israeli school (not the searcher's: that pair would be settled).
    other = testing.make_school(country=cast.israel, name="Haifa School")
    twinning = Twinning.objects.create(school_year=current_school_year(), titles={"en": "Ours"}, status="active")
    for school in (other, cast.school_b):
        twinning.schools.create(school=school, status="joined")
    page = as_(client, cast.teacher_a.user).get(f"/schools/{cast.school_b.pk}/")
    assert 'data-testid="responsiveness"' not in page.content.decode()  # no health computed yet
    TwinningHealth.objects.create(
        twinning=twinning,
        state="thriving",
        last_activity={str(cast.school_b.pk): (timezone.now() - timedelta(days=3)).isoformat()},
        answer_hours={str(cast.school_b.pk): 50.0, str(other.pk): 2.0},
    )
    page = as_(client, cast.teacher_a.user).get(f"/schools/{cast.school_b.pk}/")
    assert "Usually answers its partners within a few days. Last active 3\xa0days ago." in page.content.decode()
    results = as_(client, cast.teacher_a.user).get("/matching/search/").context["results"]
    assert results[0]["responsiveness"].answers == "Usually answers its partners within a few days."
    hebrew = as_(client, cast.teacher_a.user, "he").get("/matching/search/").content.decode()
    assert "בדרך כלל עונה לשותפים בתוך כמה ימים." in hebrew
