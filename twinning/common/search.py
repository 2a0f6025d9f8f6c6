"""Text search that finds a name however it was typed: in Hebrew with or without niqqud, in Arabic with or without
tashkeel and whichever form of alef, yeh or ta marbuta was used, in Latin letters with or without accents.

A searched model keeps a folded copy of its searched fields (`fold`), written whenever it is saved; a search folds
the words typed the same way and asks for rows whose copy contains every word (`contains_words`). On PostgreSQL the copy
has a trigram index (`TrigramIndex`, in the migrations), which serves `LIKE '%word%'`, so a search stays fast at
hundreds of thousands of rows; on SQLite (the demo) the same query scans.
"""

from __future__ import annotations

import unicodedata

from django.db import migrations, models
from django.db.models import Q

# Hebrew points and cantillation (U+0591-U+05C7, letters excepted), and the Arabic marks: tashkeel, Quranic
# annotation signs, superscript alef, and tatweel (the stretching stroke).
_HEBREW_MARKS = {c for c in range(0x0591, 0x05C8) if unicodedata.category(chr(c)) == "Mn"}
_ARABIC_MARKS = set(range(0x0610, 0x061B)) | set(range(0x064B, 0x0660)) | {0x0670, 0x0640}
_ARABIC_MARKS |= set(range(0x06D6, 0x06DD)) | set(range(0x06DF, 0x06E5)) | {0x06E7, 0x06E8} | set(range(0x06EA, 0x06EE))
# Letters written in more than one way: every alef with hamza or madda as a bare alef, alef maqsura and Farsi yeh as
# yeh, ta marbuta as ha, Farsi kaf as kaf; Hebrew final letters as their usual form (so "שלומ" is no different).
_SAME_LETTER = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        "ך": "כ",
        "ם": "מ",
        "ן": "נ",
        "ף": "פ",
        "ץ": "צ",
    }
)
_MARKS = dict.fromkeys(_HEBREW_MARKS | _ARABIC_MARKS)


def fold(*parts: str | None) -> str:
    """The parts as one searchable text: lower case, no accents, points or tashkeel, one form of each letter,
    single spaces. The same function folds the stored copy and the words searched for."""
    text = " ".join(part for part in parts if part)
    # Compatibility decomposition splits accented Latin letters (é → e + ◌́) and ligatures; marks then go.
    # Lower case after it as well as before: a compatibility letter may decompose to a capital (𝐀 → A), and
    # lowering may leave a mark to split off (İ → i + ◌̇); so that folding a folded text changes nothing.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text.casefold()).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ord(ch) not in _MARKS)
    text = unicodedata.normalize("NFC", text).translate(_SAME_LETTER)
    return " ".join(text.split())


def words_of(text: str, *, most: int = 8) -> list[str]:
    """The folded words of a search, at most `most` of them (a pasted paragraph is not a search)."""
    return fold(text).split()[:most]


def contains_words(field: str, text: str, *, most: int = 8) -> Q:
    """Rows whose folded copy in `field` contains every word of `text` (an empty search: every row; a search of
    nothing but points or marks, which fold away: no row, as before folding)."""
    words = words_of(text, most=most)
    if text.strip() and not words:
        return Q(pk__in=[])
    found = Q()
    for word in words:
        found &= Q(**{f"{field}__contains": word})
    return found


class Searchable(models.Model):
    """A model searched by some of its text fields (`SEARCHED`): their folded copy, `search_text`, is written on
    every save. Code that writes rows in bulk (`bulk_create`, `update`) calls `fold_searched` itself."""

    SEARCHED: tuple[str, ...] = ()

    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.fold_searched()
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) & set(self.SEARCHED):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def fold_searched(self) -> None:
        self.search_text = fold(*(getattr(self, name) for name in self.SEARCHED))


def fold_rows(model, searched: tuple[str, ...], *, batch: int = 2000) -> None:
    """Write the folded copy of every row of `model`, a migration's historical model (it has no `save()` of its
    own), from its `searched` fields, in batches by primary key."""
    rows = model.objects.order_by("pk").only("pk", *searched)
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:batch]):
        for row in chunk:
            row.search_text = fold(*(getattr(row, name) for name in searched))
        model.objects.bulk_update(chunk, ["search_text"])
        last = chunk[-1].pk


class TrigramIndex(migrations.operations.base.Operation):
    """A trigram (pg_trgm) GIN index on a folded copy, on PostgreSQL only: it serves `LIKE '%word%'`. Nothing on
    other databases, where the search scans. The extension is created when missing (it ships with PostgreSQL)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, column: str, name: str):
        self.table, self.column, self.name = table, column, name

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(self.table)} "
            f"USING gin ({quote(self.column)} gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self) -> str:
        return f"Trigram index {self.name} on {self.table}.{self.column} (PostgreSQL)"

    def deconstruct(self):
        return (self.__class__.__name__, [], {"table": self.table, "column": self.column, "name": self.name})


class FoldedSearchAdmin:
    """An admin list searched through folded copies (`folded_search_fields`, each a `search_text` lookup): the
    admin's own `icontains` over raw fields would miss other spellings and scan the whole table. Exact matches on
    `exact_search_fields` (a pupil's username) are found too."""

    folded_search_fields: tuple[str, ...] = ("search_text",)
    exact_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = Q(pk__in=[])
        for field in self.folded_search_fields:
            found |= contains_words(field, search_term)
        for field in self.exact_search_fields:
            found |= Q(**{f"{field}__iexact": search_term.strip()})
        return queryset.filter(found), False
