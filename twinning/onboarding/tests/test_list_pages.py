"""The onboarding lists page by key: an importer's imports (newest first) and an import's invitations (in the order of
the file), each with every row once in order forward and back (ties on the time included), the same queries for one
row as for many and on a deep page, and a forged cursor gives the first page with the message in the reader's
language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.onboarding import views
from twinning.onboarding.models import ImportFile, Invitation
from twinning.testing import as_, assert_bad_cursor_gives_first_page, small_keyset_pages, walk_keyset

pytestmark = pytest.mark.django_db

SIZE = 4


@pytest.fixture
def small_pages(monkeypatch):
    small_keyset_pages(monkeypatch, views, SIZE)


def _imports(cast, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        ImportFile.objects.create(
            by=cast.nso_il,
            nso=cast.il_nso if n % 4 else cast.uk_nso,  # the British NSO's imports are not listed
            filename=f"schools-{n:02}.csv",
            created_at=now - datetime.timedelta(days=n // 3),  # three at each time
        )


def test_the_imports_page_by_key_newest_first(client, cast, small_pages):
    reader = as_(client, cast.nso_il)
    _imports(cast, 1, 2)
    reader.get("/onboarding/")
    (one,) = walk_keyset(reader, "/onboarding/").counts
    _imports(cast, 2, 4 * SIZE + 3)

    walk = walk_keyset(reader, "/onboarding/")

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 3
    assert walk.rows == list(ImportFile.objects.filter(nso=cast.il_nso).order_by("-created_at", "-pk"))
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), "/onboarding/")


def _invitations(cast, import_file, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        Invitation.objects.create(
            user=testing.make_teacher(school=cast.school_a, name=f"Invited {n}").user,
            source=import_file,
            invited_by=cast.nso_il,
            language="en",
            sent_at=now,
            expires_at=now + datetime.timedelta(days=14),
        )


def test_an_imports_invitations_page_by_key(client, cast, small_pages):
    reader = as_(client, cast.nso_il)
    import_file = ImportFile.objects.create(by=cast.nso_il, nso=cast.il_nso, filename="teachers.csv")
    other = ImportFile.objects.create(by=cast.nso_il, nso=cast.il_nso, filename="other.csv")
    url = f"/onboarding/{import_file.pk}/invitations/"
    _invitations(cast, import_file, 0, 1)
    reader.get(url)
    (one,) = walk_keyset(reader, url).counts
    _invitations(cast, import_file, 1, 3 * SIZE + 2)
    _invitations(cast, other, 100, 102)

    walk = walk_keyset(reader, url)

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 3
    assert walk.rows == list(Invitation.objects.filter(source=import_file).order_by("pk"))
    assert walk.backward == walk.forward[::-1]
    assert walk_keyset(reader, f"{url}?state=sent").rows == walk.rows
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), url)
