"""The privacy register: every model that holds personal data, declared beside it by its own app.

Each app's `privacy.py` (imported when the site starts, see `CommonConfig.ready`) calls `register`
with one `PersonalData` per model: which fields, why (purpose, lawful basis), for how long
(`Retention`, in words and as data a retention job can use), how a person's rows are found
(`subject`: lookups from a row to the person's account), and what erasure does to them (`Erase`).
A model that looks personal but is not (a job's name, a permission's name) is declared with
`not_personal`. `tests/test_privacy_register.py` walks every installed model and fails on one that
holds personal data and is declared nowhere.

Four things read the register, so they cannot disagree with it:

- `export_person` writes a person's data (a ZIP of one JSON file per app, with their files);
- `erase_person` removes a person: rows deleted or anonymised as declared, stored files removed
  once the transaction commits, the account last;
- the public privacy notice (`common.views.privacy_notice`) lists each purpose, basis and retention;
- the nightly retention job (the `retention` app) applies each entry's `Retention`: fixed periods,
  and the categories whose period each NSO sets.

A lower app cannot import a higher one, so what needs an app's own knowledge is a callable that
the app registers: an entry's `erase_with`/`export_with` for rows that a lookup cannot find, and
`add_erasure_refusal`/`add_before_erasure` for rules such as "the last teacher of a twinning".
"""

from __future__ import annotations

import enum
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import connections, models, transaction
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.deletion import Collector
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twinning.common.errors import ServiceError


class Basis(enum.Enum):
    """The lawful basis of a purpose (GDPR article 6; Israel's and the Palestinian rules ask alike)."""

    CONSENT = "consent"
    PROGRAMME = "programme"  # the task the school and the network carry out for the pupils and teachers
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def label(self) -> str:
        return str(BASIS_LABELS[self])


BASIS_LABELS: dict[Basis, Promise] = {
    Basis.CONSENT: _("Consent (given by a parent for a pupil)"),
    Basis.PROGRAMME: _("Running the twinning programme the school takes part in"),
    Basis.LEGAL_OBLIGATION: _("A legal obligation"),
    Basis.LEGITIMATE_INTERESTS: _("Keeping the platform safe and working"),
}


class Erase(enum.Enum):
    """What erasing a person does to the rows found by an entry's `subject`."""

    DELETE = "delete"  # the rows go, with their stored files
    ANONYMISE = "anonymise"  # the link to the person is emptied and `replace` is written over the rows
    KEEP = "keep"  # kept as they are, for `keep_reason`


# The kinds of rows whose keeping time each NSO sets in its retention policy (the `retention` app
# applies them nightly): pupils' accounts, what pupils wrote or appear in once their twinning has
# closed, and the audit log.
PUPIL_ACCOUNTS = "pupil_accounts"
PUPIL_WORK = "pupil_work"
AUDIT_LOG = "audit_log"
POLICY_CATEGORIES = (PUPIL_ACCOUNTS, PUPIL_WORK, AUDIT_LOG)


@dataclass(frozen=True)
class Retention:
    """How long rows are kept: `words` for people, and as data for a retention job.

    A fixed period: `days` counted from the date field `since`, applied by the nightly retention
    job, or by the periodic job named in `applied_by` when pruning needs more than a date (an
    e-mail's status, a throttle's pause). None: as long as the account, or the twinning, exists.

    A period the NSO sets: `category` (one of POLICY_CATEGORIES), with the lookups the job needs:
    `where` (which rows of the model the category covers, e.g. only pupils' posts of closed
    twinnings), `since` (the date counted from), `nso` (the row to its NSO: the policy that applies),
    `twinning` (the row to its twinning, for the dry run's list) and `programme` (the row to its
    twinning's programme: a programme's own policy overrides the NSO's for its twinnings). When
    `programme` passes through many twinnings (a pupil's), the programme of the latest one counts: the
    twinning of the latest school year, the newest of that year."""

    words: Promise | str
    days: int | None = None
    since: str = ""
    applied_by: str = ""
    category: str = ""
    where: Q | None = None
    nso: str = ""
    twinning: str = ""
    programme: str = ""


# The usual retentions, shared so that the notice says the same thing in the same words.
UNTIL_CLOSED = Retention(_("As long as the account exists: removed when the account is closed or the pupil removed."))
WITH_TWINNING = Retention(
    _("As long as the twinning's workspace exists; what a pupil wrote or appears in goes when the pupil is removed.")
)
AS_RECORD = Retention(
    _("Kept as the programme's record; the link to a person is removed when their account is closed.")
)
# Why a row that names a person as its author or decider stays when the person goes.
NOT_THEIRS = _(
    "It belongs to the school, the twinning or the programme, not to the person: only the link to them is removed."
)
EXPIRES_SEVEN_DAYS = Retention(
    _("Seven days, or until downloaded."), days=7, since="created_at", applied_by="common.forget_exports"
)


class _Folded(Func):
    """A text lower-cased by Unicode's rules whatever the database's locale (ICU's, as Python's `lower`), with
    final sigma and sharp s then folded as Python's `casefold` folds them (PostgreSQL, built with ICU)."""

    template = """REPLACE(REPLACE(LOWER((%(expressions)s) COLLATE "und-x-icu"), 'ς', 'σ'), 'ß', 'ss')"""
    output_field = TextField()


@dataclass(frozen=True)
class Person:
    """The person being exported or erased, with everything that names them."""

    user: Any
    pupil: Any = None

    @property
    def identifiers(self) -> set[str]:
        values = {self.user.full_name, self.user.email, self.user.username}
        if self.pupil is not None:
            values |= {self.pupil.display_name, self.pupil.full_name}
        return {value for value in values if value and len(value) >= 3}

    def named_in(self, *texts: Any) -> bool:
        """Whether any of these texts (strings, or JSON-like values) names the person."""
        found = self.identifiers
        for text in texts:
            flat = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)
            folded = flat.casefold()
            if any(value.casefold() in folded for value in found):
                return True
        return False

    def naming(self, rows: QuerySet, *fields: str) -> Iterator[Any]:
        """The rows whose `fields` (text or JSON) name the person, as `named_in` decides.

        Reading every row of a log to look for a name grows with the log: at a network's size (hundreds
        of thousands of audit entries) one pupil's erasure took half a minute. On PostgreSQL the database
        picks the candidates instead: the rows whose fields, lower-cased by Unicode's rules, contain one of the
        person's identifiers lower-cased the same way (final sigma and sharp s folded as `casefold` folds them):
        a superset of what `named_in` finds for names in every script the platform is used in; each
        candidate is then confirmed by `named_in`. Elsewhere (SQLite, a demo's size) every row is read.
        """
        identifiers = sorted(self.identifiers)
        if not identifiers:
            return iter(())
        if connections[rows.db].vendor == "postgresql":
            parts: list[Any] = []
            for name in fields:
                parts += [Coalesce(Cast(name, TextField()), Value(""), output_field=TextField()), Value("\n")]
            aliases = {
                f"_names_{n}": StrIndex(_Folded(Concat(*parts, output_field=TextField())), _Folded(Value(v)))
                for n, v in enumerate(identifiers)
            }
            rows = rows.alias(**aliases).filter(reduce(or_, (Q(**{f"{key}__gt": 0}) for key in aliases)))
        return (row for row in rows.iterator(chunk_size=500) if self.named_in(*(getattr(row, f) for f in fields)))


@dataclass(frozen=True)
class PersonalData:
    """One model's personal data, as its app declares it."""

    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]  # the fields that hold personal data, exported as they are
    purpose: Promise | str
    basis: Basis
    retention: Retention
    # Lookups from a row to the person's account ("author", "pupils__user", "pk" for the account itself).
    subject: tuple[str, ...] = ()
    # Direct links naming the person on rows that are not theirs (who decided, who created): emptied.
    links: tuple[str, ...] = ()
    erase: Erase = Erase.DELETE
    # For ANONYMISE: field -> the neutral value written over the person's rows (e.g. a post's text).
    replace: Mapping[str, Any] = field(default_factory=dict)
    keep_reason: Promise | str = ""
    export: bool = True
    # For rows a lookup cannot find (sessions, texts that name the person): the app's own callables.
    erase_with: Callable[[Person], None] | None = None
    export_with: Callable[[Person], list[dict]] | None = None
    # What the notice and the confirmation page call the rows, when the model has no translated name.
    label: Promise | str = ""
    # Copies made from `fields` for search (a folded name): personal too, not exported again (their source is),
    # emptied when the rows are anonymised and gone with them when deleted.
    derived: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return str(self.label or self.model_class._meta.verbose_name_plural)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def app_label(self) -> str:
        return self.model.split(".", 1)[0]


_entries: dict[str, PersonalData] = {}
_not_personal: dict[str, Promise | str] = {}
# Callables (person) -> a reason, translated, why the person cannot be erased now; or "".
_refusals: list[Callable[[Person], str]] = []
# Callables (person, by) run first in the erasure's transaction (e.g. handing a teacher's twinnings over).
_before: list[Callable[[Person, Any], None]] = []


def entries_for(
    purpose: Promise | str, *, basis: Basis = Basis.PROGRAMME, retention: Retention = UNTIL_CLOSED
) -> Callable[..., PersonalData]:
    """The maker of one app's entries that share a purpose, a basis and (unless an entry says
    otherwise) a retention: ``entry("app.Model", ("field", ...), subject=(...), ...)``."""

    def entry(model: str, fields: tuple[str, ...], **kwargs: Any) -> PersonalData:
        kwargs.setdefault("retention", retention)
        return PersonalData(model, fields=fields, purpose=purpose, basis=basis, **kwargs)

    return entry


def register(*entries: PersonalData) -> None:
    """Declare models' personal data. A model is declared once: twice is a start-up error."""
    for entry in entries:
        known = _entries.get(entry.model)
        if known is not None and known != entry:
            raise ImproperlyConfigured(f"The personal data of {entry.model} is declared twice.")
        if entry.erase is Erase.KEEP and not entry.keep_reason:
            raise ImproperlyConfigured(f"{entry.model} is kept on erasure: say why in keep_reason.")
        _entries[entry.model] = entry


def not_personal(model: str, reason: Promise | str) -> None:
    """Declare a model whose fields look personal (a name, a text) but hold nobody's data."""
    _not_personal[model] = reason


def add_erasure_refusal(check: Callable[[Person], str]) -> None:
    if check not in _refusals:
        _refusals.append(check)


def add_before_erasure(step: Callable[[Person, Any], None]) -> None:
    if step not in _before:
        _before.append(step)


def entries() -> list[PersonalData]:
    """Every declared model, in the order of the installed apps (the account's own model last)."""
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    user_label = settings.AUTH_USER_MODEL
    return sorted(_entries.values(), key=lambda e: (e.model == user_label, order.get(e.app_label, 999), e.model))


def policy_entries(category: str) -> list[PersonalData]:
    """The entries whose keeping time an NSO's retention policy sets for this category."""
    return [entry for entry in entries() if entry.retention.category == category]


def entry_for(model: type[models.Model]) -> PersonalData | None:
    return _entries.get(model._meta.label)


def declared_not_personal() -> dict[str, Promise | str]:
    return dict(_not_personal)


def purposes() -> list[tuple[str, list[PersonalData]]]:
    """The entries grouped by app, for the privacy notice: [(app's name, entries)], the project's
    own apps first and Django's after them."""
    grouped: dict[str, list[PersonalData]] = {}
    ours = [entry for entry in entries() if apps.get_app_config(entry.app_label).name.startswith("twinning.")]
    for entry in ours + [entry for entry in entries() if entry not in ours]:
        name = str(apps.get_app_config(entry.app_label).verbose_name)
        grouped.setdefault(name, []).append(entry)
    return list(grouped.items())


def person_for(user) -> Person:
    # The pupil row is read through the model's relation: no import of accounts from here.
    pupil = getattr(user, "pupil", None) if hasattr(user, "pupil") else None
    return Person(user=user, pupil=pupil)


def rows_of(entry: PersonalData, person: Person) -> QuerySet:
    """The rows of one entry that belong to the person (none when the entry has no subject)."""
    manager = entry.model_class._default_manager
    if not entry.subject:
        return manager.none()
    condition = reduce(or_, (Q(**{lookup: person.user.pk}) for lookup in entry.subject))
    return manager.filter(condition).distinct()


# --- Erasure --------------------------------------------------------------------------------------


def erasure_refusals(person: Person) -> list[str]:
    """Why the person cannot be erased now, one sentence each; empty when they can."""
    return [reason for check in _refusals if (reason := check(person))]


def _file_names(queryset: QuerySet) -> list[str]:
    """The stored files of these rows and of every row deleted with them (a photo's sized copies
    go with the photo), found as the database will find them: by Django's own deletion collector."""
    collector = Collector(using=queryset.db)
    collector.collect(queryset)
    names: list[str] = []
    for model, instances in collector.data.items():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names += [
                    stored.name for row in instances if (stored := getattr(row, model_field.attname)) and stored.name
                ]
    for rows in collector.fast_deletes:
        for model_field in rows.model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names += [name for name in rows.values_list(model_field.name, flat=True) if name]
    return names


def delete_rows(queryset: QuerySet) -> int:
    """Delete these rows and, once the transaction commits, their stored files."""
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    rows = queryset.model._default_manager.filter(pk__in=pks)
    remove_files(_file_names(rows))
    count, _by_model = rows.delete()
    return count


def remove_files(names: Iterable[str]) -> None:
    """Remove stored files once the transaction commits (a rolled-back erasure keeps them)."""
    names = list(names)

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


def erasure_summary(person: Person) -> list[tuple[str, int, Erase]]:
    """What erasing the person would do: (kind of row, how many, delete or anonymise), for the
    confirmation page; kinds with nothing of theirs are left out."""
    found = []
    for entry in entries():
        if entry.erase is Erase.KEEP or not entry.subject or entry.model == settings.AUTH_USER_MODEL:
            continue
        count = rows_of(entry, person).count()
        if count:
            found.append((entry.kind, count, entry.erase))
    return found


def _erasure_order(entry: PersonalData) -> tuple[bool, int]:
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return entry.model == settings.AUTH_USER_MODEL, -order.get(entry.app_label, 999)


def _rows_of_people(entry: PersonalData, users: list[Any]) -> QuerySet:
    """The rows of one entry that belong to any of these accounts (by primary key)."""
    manager = entry.model_class._default_manager
    condition = reduce(or_, (Q(**{f"{lookup}__in": users}) for lookup in entry.subject))
    return manager.filter(condition).distinct()


def _counted(entry: PersonalData) -> bool:
    return bool(entry.subject) and entry.erase is not Erase.KEEP and entry.model != settings.AUTH_USER_MODEL


def _rows_by_person(entry: PersonalData, users: list[Any]) -> dict[Any, int] | dict[Any, set[Any]]:
    """Each account's rows of the entry: how many (one grouped query), or which (their keys, one query
    per lookup) when a row can be found twice, by two lookups or for two people whose erasure deletes it."""
    manager = entry.model_class._default_manager
    if len(entry.subject) == 1 and entry.erase is not Erase.DELETE:
        lookup = entry.subject[0]
        grouped = (
            manager.filter(**{f"{lookup}__in": users})
            .order_by()
            .values(lookup)
            .annotate(rows=models.Count("pk", distinct=True))
            .values_list(lookup, "rows")
        )
        return dict(grouped)
    mine: dict[Any, set[Any]] = {}
    for lookup in entry.subject:
        pairs = manager.filter(**{f"{lookup}__in": users}).order_by().values_list(lookup, "pk").distinct()
        for user, row in pairs:
            mine.setdefault(user, set()).add(row)
    return mine


def _counts_in_turn(entry: PersonalData, found: dict[Any, Any], users: list[Any]) -> dict[Any, int]:
    """How many rows of the entry `erase_person` would count for each of these people erased in turn:
    a row that is several people's and goes with the first of them (DELETE) is counted for that first
    person only, as the next one's count no longer finds it; a row anonymised stays to be counted."""
    if entry.erase is not Erase.DELETE or not all(isinstance(rows, set) for rows in found.values()):
        return {user: len(rows) if isinstance(rows, set) else rows for user, rows in found.items()}
    taken: set[Any] = set()
    counts = {}
    for user in users:
        rows = found.get(user, set()) - taken
        taken |= rows
        counts[user] = len(rows)
    return counts


def _erase_entry_of_people(entry: PersonalData, people: list[Person]) -> None:
    """`erase_entry` for many people: one statement per link, lookup or deletion, not one per person;
    an entry's own `erase_with` still runs per person."""
    manager = entry.model_class._default_manager
    users = [person.user.pk for person in people]
    for link in entry.links:
        manager.filter(**{f"{link}__in": users}).update(**{link: None})
    if entry.erase_with is not None:
        for person in people:
            entry.erase_with(person)
        return
    if not entry.subject:
        return
    if entry.erase is Erase.DELETE:
        delete_rows(_rows_of_people(entry, users))
    elif entry.erase is Erase.ANONYMISE:
        blanked = dict.fromkeys(entry.derived, "")
        for lookup in entry.subject:
            if "__" in lookup:
                raise ImproperlyConfigured(
                    f"{entry.model}: only a direct link to the person can be emptied ({lookup})."
                )
            manager.filter(**{f"{lookup}__in": users}).update(**{lookup: None, **blanked, **entry.replace})


def erase_people(*, people: list[Person], by, reason: str = "") -> list[tuple[Person, list[str]]]:
    """Remove many people as the register says, with the result of `erase_person` for each in turn,
    in one transaction and with one statement (or a few) per register entry rather than per person.

    Each person is first checked by the registered refusals, and their before-steps run, one after
    the other (a teacher's hand-over can make the next teacher the only contact, and so refused). A
    refused person is left as they are and returned with the reasons: [(person, reasons)]. Then every
    entry is applied to all the others at once, top layers first, the accounts last; files go once the
    transaction commits. Each person gets their own audit entry: that someone was erased, by whom, and
    how many of each kind of row were theirs, never who."""
    # Imported here: audit imports the models, which are not ready when this module loads.
    from twinning.common import audit

    refused: list[tuple[Person, list[str]]] = []
    with transaction.atomic():
        counted = [entry for entry in entries() if _counted(entry)]
        found = {entry.model: _rows_by_person(entry, [person.user.pk for person in people]) for entry in counted}
        erased: list[Person] = []
        for person in people:
            reasons = erasure_refusals(person)
            if reasons:
                refused.append((person, reasons))
                continue
            for step in _before:
                step(person, by)
            erased.append(person)
        if not erased:
            return refused
        # Top layers first: their rows point at the lower apps' rows (a photo at the pupils in it),
        # which must still be there to find them by. The accounts themselves go last.
        users = [person.user.pk for person in erased]
        counts = {entry.model: _counts_in_turn(entry, found[entry.model], users) for entry in counted}
        for entry in sorted(entries(), key=_erasure_order):
            _erase_entry_of_people(entry, erased)
        for person in erased:
            audit.record(
                actor=by if by is not None and by.pk != person.user.pk else None,
                action="privacy.pupil_erased" if person.pupil is not None else "privacy.account_closed",
                target=None,
                reason=reason,
                rows={model: count for model, per_user in counts.items() if (count := per_user.get(person.user.pk, 0))},
            )
    return refused


def erase_person(*, person: Person, by, reason: str = "") -> None:
    """Remove a person as the register says, in one transaction; refused (ServiceError with the reasons)
    when a registered rule refuses. Files go once it commits. The audit entry keeps that someone was
    erased, by whom, and how many of each kind of row, never who. (`erase_people` of one.)"""
    refusals = erasure_refusals(person)
    if refusals:
        raise ServiceError(" ".join(refusals))
    refused = erase_people(people=[person], by=by, reason=reason)
    if refused:
        raise ServiceError(" ".join(refused[0][1]))


# --- Export ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def _people_models() -> tuple[type[models.Model], ...]:
    found: list[type[models.Model]] = [apps.get_model(settings.AUTH_USER_MODEL)]
    if apps.is_installed("twinning.accounts"):
        found.append(apps.get_model("accounts", "Pupil"))
    return tuple(found)


def row_as_dict(entry: PersonalData, row: models.Model, person: Person) -> tuple[dict, list[str]]:
    """One row's declared fields as JSON-ready values, and the stored files it names.

    A link to a person is "you" or "another participant": an export never names anyone else."""
    people = _people_models()
    data: dict[str, Any] = {}
    files: list[str] = []
    for name in entry.fields:
        model_field = row._meta.get_field(name)
        if model_field.is_relation and model_field.related_model in people:
            linked = getattr(row, model_field.attname)
            if model_field.related_model is people[0]:
                mine = linked == person.user.pk
            else:
                mine = person.pupil is not None and linked == person.pupil.pk
            data[name] = None if linked is None else (gettext("you") if mine else gettext("another participant"))
        elif model_field.is_relation:
            related = getattr(row, name)
            data[name] = None if related is None else str(related)
        elif isinstance(model_field, models.FileField):
            stored = getattr(row, name)
            data[name] = f"files/{stored.name}" if stored else ""
            if stored:
                files.append(stored.name)
        else:
            data[name] = _plain(getattr(row, name))
    return data, files


def export_rows(person: Person) -> Iterator[tuple[str, str, list[dict], list[str]]]:
    """(app label, model label, rows, stored file names) for every exported entry, one at a time."""
    for entry in entries():
        if not entry.export:
            continue
        if entry.export_with is not None:
            yield entry.app_label, entry.model, entry.export_with(person), []
            continue
        rows, files = [], []
        for row in rows_of(entry, person).iterator(chunk_size=500):
            data, names = row_as_dict(entry, row, person)
            rows.append(data)
            files += names
        if rows:
            yield entry.app_label, entry.model, rows, files


def write_export(person: Person, target) -> int:
    """Write the person's ZIP into the open binary file `target`: `<app>.json` per app
    ({model: [rows]}) and `files/...` for every stored file. Returns the number of files.

    Memory stays bounded by one app's rows: files are copied through in chunks."""
    by_app: dict[str, dict[str, list[dict]]] = {}
    all_files: list[str] = []
    for app_label, model, rows, files in export_rows(person):
        by_app.setdefault(app_label, {})[model] = rows
        all_files += files
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for app_label, content in by_app.items():
            archive.writestr(f"{app_label}.json", json.dumps(content, ensure_ascii=False, indent=2, default=str))
        for name in dict.fromkeys(all_files):
            try:
                with default_storage.open(name, "rb") as source, archive.open(f"files/{name}", "w") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
            except FileNotFoundError:
                continue
    return len(all_files)


# --- The public notice ----------------------------------------------------------------------------

ERASE_WORDS: dict[Erase, Promise] = {
    Erase.DELETE: _("Removed with the person."),
    Erase.ANONYMISE: _("Kept without the person: their name is removed and what they wrote is emptied."),
}


@dataclass(frozen=True)
class NoticeRow:
    kind: str
    fields: list[str]
    purpose: str
    basis: str
    retention: str
    on_erasure: str
    exported: bool


def notice() -> list[tuple[str, list[NoticeRow]]]:
    """The register in the reader's language, by app, for the privacy notice page."""
    groups = []
    for app_name, app_entries in purposes():
        rows = []
        for entry in app_entries:
            meta = entry.model_class._meta
            # Only the fields with a translated name: the others are named by the kind of row.
            named = [meta.get_field(name).verbose_name for name in entry.fields]
            rows.append(
                NoticeRow(
                    kind=entry.kind,
                    fields=[str(name) for name in named if isinstance(name, Promise)],
                    purpose=str(entry.purpose),
                    basis=entry.basis.label,
                    retention=str(entry.retention.words),
                    on_erasure=str(entry.keep_reason if entry.erase is Erase.KEEP else ERASE_WORDS[entry.erase]),
                    exported=entry.export,
                )
            )
        groups.append((app_name, rows))
    return groups
