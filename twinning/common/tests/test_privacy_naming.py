"""Finding the rows that name a person (`Person.naming`): the same rows `Person.named_in` finds by reading every
row, in every script the platform is used in and whatever the case the name was written in; on PostgreSQL,
with only the database's candidates read."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection

from twinning.common.models import AuditEntry
from twinning.common.privacy import Person

pytestmark = pytest.mark.django_db

# Names as the network holds them: accented Latin, sharp s, Greek with a final sigma, Turkish dotted I,
# Cyrillic, Hebrew with and without niqqud, Arabic with and without tashkeel, Ethiopic; and a user name
# holding the characters a pattern would read as wildcards.
PEOPLE = [
    ("Zoë Dvořák", "zoe.dvorak@example.org", "zoe_dvorak"),
    ("Jürgen Straße", "j.strasse@example.de", "jurgen%s"),
    ("Νικόλαος Παπαδόπουλος", "nikos@example.gr", "nikos.p"),
    ("İlkay Şahin", "ilkay@example.com.tr", "ilkay_s"),
    ("Анастасия Иванова", "nastya@example.ru", "nastya"),
    ("נֹעָה לֵוִי", "noa@example.org.il", "noa.levi"),
    ("يُوسُف الخَطِيب", "yusuf@example.ps", "yusuf.k"),
    ("ሰላም ተስፋዬ", "selam@example.et", "selam"),
]

SPELLINGS = (str.upper, str.lower, str.title, str.casefold, lambda text: text)


def person(full_name: str, email: str, username: str) -> Person:
    return Person(user=SimpleNamespace(full_name=full_name, email=email, username=username))


def write_log(names: list[str]) -> None:
    """Entries naming each of these texts in their reason or inside their details, in every spelling, and
    entries naming nobody."""
    rows = []
    for name in names:
        for n, spell in enumerate(SPELLINGS):
            rows.append(AuditEntry(action="pupil.added", reason=f"Added {spell(name)} to the class.", data={"n": n}))
            rows.append(AuditEntry(action="pupil.renamed", data={"to": spell(name), "by": "the school"}))
    rows += [AuditEntry(action="twinning.approved", reason="Approved as proposed.", data={"n": n}) for n in range(40)]
    AuditEntry.objects.bulk_create(rows)


@pytest.mark.parametrize("who", PEOPLE, ids=[email for _name, email, _user in PEOPLE])
def test_naming_finds_what_reading_every_row_finds(who):
    write_log([value for other in PEOPLE for value in other])
    them = person(*who)
    every_row = {entry.pk for entry in AuditEntry.objects.all() if them.named_in(entry.reason, entry.data)}
    assert len(every_row) == 3 * 2 * len(SPELLINGS)  # each of the three identifiers, twice in each spelling

    found = {entry.pk for entry in them.naming(AuditEntry.objects.all(), "reason", "data")}

    assert found == every_row


def test_naming_reads_only_the_candidates_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the database picks the candidates on PostgreSQL only; elsewhere every row is read")
    write_log([value for other in PEOPLE for value in other])
    them = person(*PEOPLE[2])
    with mock.patch.object(Person, "named_in", autospec=True, side_effect=Person.named_in) as confirmed:
        found = list(them.naming(AuditEntry.objects.all(), "reason", "data"))

    assert len(found) == 3 * 2 * len(SPELLINGS)
    assert confirmed.call_count == len(found)  # the other people's entries and the 40 others were never read


def test_naming_nobody_without_identifiers():
    write_log(["Zoë Dvořák"])
    nobody = person("", "", "ab")  # too short to name anyone

    assert list(nobody.naming(AuditEntry.objects.all(), "reason", "data")) == []
