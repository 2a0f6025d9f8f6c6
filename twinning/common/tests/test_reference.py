"""Reference data kept in memory: read once, in each reader's alphabetical order, read again after a change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from twinning import testing
from twinning.common import reference
from twinning.common.forms import LocalizedModelChoiceField
from twinning.schools.models import NSO, Country, Subject

pytestmark = pytest.mark.django_db


def _rendered(field, value) -> str:
    field.widget.choices = field.choices
    return field.widget.render("country", value)


def test_rows_are_read_once_then_kept():
    testing.make_country("ZA", "South Africa", nso=None)
    first = reference.rows(Country)
    with CaptureQueriesContext(connection) as queries:
        again = reference.rows(Country)
    assert again is first
    assert queries.captured_queries == []


def test_a_saved_or_deleted_row_is_seen_at_once():
    reference.rows(Country)
    country = testing.make_country("ZA", "South Africa", nso=None)
    assert "ZA" in {c.code for c in reference.rows(Country)}
    country.names = {"en": "Republic of South Africa"}
    country.save()
    assert reference.names(Country)["ZA"] == "Republic of South Africa"
    country.delete()
    assert "ZA" not in reference.names(Country)


def test_another_process_change_is_seen_through_the_shared_version(monkeypatch):
    testing.make_country("ZA", "South Africa", nso=None)
    kept = reference.rows(Country)
    # Another process renamed it (its signal wrote a new version into the shared cache; here, no signal).
    Country.objects.filter(code="ZA").update(names={"en": "Mzansi"})
    monkeypatch.setattr(reference, "CHECK_EVERY", 0.0)
    assert reference.rows(Country) is kept  # the version has not moved: the copy stands
    cache.set(reference.VERSION_KEY, "another process's change", None)
    assert reference.names(Country)["ZA"] == "Mzansi"


def test_choices_follow_the_readers_alphabet():
    testing.make_country("EG", "Egypt", nso=None)
    Country.objects.filter(code="EG").update(names={"en": "Egypt", "ar": "مصر", "he": "מצרים"})
    Country.objects.filter(code="IL").update(names={"en": "Israel", "ar": "إسرائيل", "he": "ישראל"})
    reference.forget()
    for language in ("en", "he", "ar"):
        with translation.override(language):
            names = [name for _row, name in reference.choices(Country)]
            assert names == sorted((c.name for c in Country.objects.all()), key=str.casefold)


def test_a_whole_table_field_lists_the_kept_rows_exactly_as_the_queryset_would():
    testing.make_country("ZA", "South Africa", nso=None)
    testing.make_country("AT", "Austria", nso=None)
    kept = _rendered(LocalizedModelChoiceField(queryset=Country.objects.all(), required=False), "ZA")
    with CaptureQueriesContext(connection) as queries:
        again = _rendered(LocalizedModelChoiceField(queryset=Country.objects.all(), required=False), "ZA")
    assert queries.captured_queries == []
    assert again == kept
    # The same field over a filtered queryset reads the database, and writes the same markup.
    filtered = _rendered(LocalizedModelChoiceField(queryset=Country.objects.exclude(code=""), required=False), "ZA")
    assert filtered == kept
    assert '<option value="ZA" selected>South Africa</option>' in kept
    assert kept.index("Austria") < kept.index("South Africa")


def test_models_not_kept_are_always_read():
    assert reference.kept(Country) and reference.kept(Subject)
    assert not reference.kept(NSO)
