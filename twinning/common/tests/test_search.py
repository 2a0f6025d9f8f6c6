"""Search that finds a name however it was typed: Hebrew points, Arabic tashkeel and letter forms, Latin accents;
the folded copy kept on save; a trigram index serving it on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q
from hypothesis import example, given
from hypothesis import strategies as st

from twinning import testing
from twinning.common.search import contains_words, fold, words_of
from twinning.schools.models import School
from twinning.testing import as_


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("שָׁלוֹם", "שלום"),  # niqqud
        ("בֵּית הַסֵּפֶר", "בית הספר"),  # dagesh and vowels
        ("ירושלים", "ירושלימ"),  # a final letter typed in the middle of a word
        ("مَدْرَسَةُ الأَمَل", "مدرسه الامل"),  # tashkeel, ta marbuta, alef with hamza
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("مصطفى", "مصطفي"),  # alef maqsura and yeh
        ("كـــتاب", "كتاب"),  # tatweel
        ("École Molière", "ecole moliere"),
        ("ÉCOLE", "école"),
        ("Straße", "strasse"),
        ("  two   spaces ", "two spaces"),
    ],
)
def test_the_same_word_however_it_was_typed_folds_alike(typed, stored):
    assert fold(typed) == fold(stored)


def test_different_words_stay_different():
    assert fold("ספר") != fold("סיפור")
    assert fold("كتب") != fold("كتاب")
    assert fold("Rome") != fold("Roma")


@given(st.text(max_size=40))
@example("\U0001d400")  # MATHEMATICAL BOLD CAPITAL A: its compatibility form is a capital A
@example("İstanbul")
def test_folding_twice_is_folding_once(text):
    assert fold(fold(text)) == fold(text)


def test_a_search_keeps_at_most_eight_words_and_empty_finds_everything():
    assert len(words_of(" ".join(["word"] * 20))) == 8
    assert contains_words("search_text", "   ").children == []
    assert contains_words("search_text", "\u05b8\u064e") == Q(pk__in=[])  # a kamatz and a fatha alone find nothing


@pytest.mark.django_db
def test_a_school_keeps_its_folded_names_whenever_it_is_saved(cast):
    school = testing.make_school(country=cast.israel, name="Reali School")
    school.native_name = "בֵּית סֵפֶר רֵאָלִי"
    school.save(update_fields=["native_name"])
    school.refresh_from_db()
    assert school.search_text == fold("Reali School", "בית ספר ראלי", school.city)
    assert School.objects.filter(contains_words("search_text", "ספר ראלי")).get() == school


@pytest.mark.django_db
def test_the_directory_finds_schools_in_every_script_however_typed(client, cast):
    amal = testing.make_school(country=cast.israel, name="Al-Amal School")
    amal.native_name = "مدرسة الأمل"
    amal.city = "Umm al-Fahm"
    amal.save()
    galil = testing.make_school(country=cast.israel, name="Galil School")
    galil.native_name = "בית ספר הגליל"
    galil.save()
    moliere = testing.make_school(country=cast.israel, name="École Molière")

    def found(search: str) -> set[str]:
        page = as_(client, cast.teacher_a.user).get("/schools/", {"q": search})
        assert page.status_code == 200
        return {s.name for s in page.context["page"].object_list} & {amal.name, galil.name, moliere.name}

    assert found("مَدْرَسَه الامل") == {amal.name}
    assert found("הַגָּלִיל") == {galil.name}
    assert found("ecole moliere") == {moliere.name}
    assert found("MOLIÈRE") == {moliere.name}
    assert found("ספר") == {galil.name}
    assert found("Fahm amal") == {amal.name}  # every word, in any field, in any order
    assert found("Galil Molière") == set()


@pytest.mark.django_db
def test_on_postgresql_a_trigram_index_serves_the_search(cast):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'schools_school_search_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'library_version_search_trgm'")
        assert cursor.fetchone() is not None
        # With scans discouraged, the planner reaches the rows through the index. Plain index scans too:
        # on a few rows, walking the directory's order index (schools 0010) and filtering each row costs
        # the planner less, and a GIN index serves a search through a bitmap scan only.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        query = School.objects.filter(contains_words("search_text", "molière")).values("pk").query
        sql, params = query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "schools_school_search_trgm" in plan


@pytest.mark.django_db
def test_the_migrations_backfill_writes_the_folded_copy_of_rows_written_before_it(cast):
    from twinning.common.search import fold_rows

    schools = [testing.make_school(country=cast.israel, name=f"Écolé {n}") for n in range(5)]
    School.objects.filter(pk__in=[s.pk for s in schools]).update(search_text="")
    fold_rows(School, School.SEARCHED, batch=2)  # three batches
    assert set(School.objects.filter(pk__in=[s.pk for s in schools]).values_list("search_text", flat=True)) == {
        fold(s.name, s.native_name, s.city) for s in schools
    }
