"""The recognition lists page by key: the evaluators' queue (oldest first), the international labels (latest year
first) and the award categories. Each: every row once in order forward and back (ties on the first key included), the
same queries for one row as for many and on a deep page, a forged cursor gives the first page with the message in the
reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.recognition import views
from twinning.recognition.models import Application, AwardCategory, Label
from twinning.testing import as_, assert_bad_cursor_gives_first_page, small_keyset_pages, walk_keyset

pytestmark = pytest.mark.django_db

SIZE = 4


@pytest.fixture
def small_pages(monkeypatch):
    small_keyset_pages(monkeypatch, views, SIZE)


def _applications(cast, twinning, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        Application.objects.create(
            twinning=twinning,
            teacher=testing.make_person(name=f"Applicant {n}"),  # one application per teacher and twinning
            school=cast.school_a if n % 4 else cast.school_b,  # a British school's: not for the Israeli NSO
            school_year=2026,
            status=Application.Status.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=20 - n // 3),  # three at each time
        )


def test_the_evaluators_queue_pages_by_key_oldest_first(client, cast, twinning, small_pages):
    reader = as_(client, cast.nso_il)
    _applications(cast, twinning, 1, 2)
    reader.get("/labels/evaluation/")
    (one,) = walk_keyset(reader, "/labels/evaluation/").counts
    _applications(cast, twinning, 2, 4 * SIZE + 3)

    walk = walk_keyset(reader, "/labels/evaluation/")

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 3
    own = Application.objects.filter(school__country__nso=cast.il_nso).order_by("submitted_at", "pk")
    assert walk.rows == list(own) and len(own) < Application.objects.count()
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), "/labels/evaluation/")


def test_the_international_labels_page_by_key_latest_year_first(client, cast, twinning, small_pages):
    reader = as_(client, cast.admin)
    for n in range(3 * SIZE + 2):
        Label.objects.create(
            kind=Label.Kind.INTERNATIONAL if n % 5 else Label.Kind.NATIONAL,
            school_year=2020 + n % 3,
            school=cast.school_a,
            twinning=twinning,
        )

    walk = walk_keyset(reader, "/labels/international/")

    assert len(set(walk.counts[1:])) == 1 and len(walk.forward) >= 3
    international = Label.objects.filter(kind=Label.Kind.INTERNATIONAL).order_by("-school_year", "pk")
    assert walk.rows == list(international)
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.admin, "he"), "/labels/international/")


def test_the_award_categories_page_by_key_latest_year_first(client, cast, small_pages):
    reader = as_(client, cast.nso_il)
    AwardCategory.objects.create(nso=cast.il_nso, school_year=2020, names={"en": "Category 0"})
    reader.get("/labels/awards/")
    (one,) = walk_keyset(reader, "/labels/awards/").counts
    for n in range(1, 3 * SIZE + 2):
        # The Israeli NSO's: each page has categories its staff may nominate for (one query more than none).
        AwardCategory.objects.create(nso=cast.il_nso, school_year=2020 + n % 3, names={"en": f"Category {n}"})

    walk = walk_keyset(reader, "/labels/awards/")

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 3
    assert walk.rows == list(AwardCategory.objects.order_by("-school_year", "nso_id", "pk"))
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), "/labels/awards/")
