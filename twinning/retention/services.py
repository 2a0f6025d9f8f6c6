"""The retention policies and the nightly job that applies them.

Which rows each category covers, how they are found and what is done to them all come from the
privacy register (`common.privacy`): an entry's `Retention.category` with its lookups (`where`,
`since`, `nso`, `twinning`, `programme`) and its `erase` (posts emptied, media and their files removed). A pupil's
account goes through `erase_people` (a batch at a time), the same path as "remove a pupil", so nothing of theirs is
left. A programme's own policy overrides the NSO's for the rows of its twinnings (a pupil's account:
of their latest twinning), in every country: each NSO's run leaves those rows to the programme's.
Entries with a fixed period (`Retention.days`) that no other job prunes are applied here too.

`apply_policies(dry_run=True)` walks exactly the same rows as the real run and writes nothing: the
NSO's (and the programme's) dry-run page shows it. Rows are taken in batches by primary key, each batch in its own
transaction, so memory stays bounded and a run stopped half-way is finished by the next one; a row
already removed or emptied no longer matches, so running twice does nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from twinning.common import audit
from twinning.common.privacy import (
    AUDIT_LOG,
    PUPIL_ACCOUNTS,
    PUPIL_WORK,
    Erase,
    PersonalData,
    delete_rows,
    entries,
    erase_people,
    erasure_refusals,
    person_for,
    policy_entries,
)
from twinning.common.school_year import FIRST_MONTH, current_school_year
from twinning.retention.models import (
    DEFAULT_AUDIT_YEARS,
    DEFAULT_PUPIL_ACCOUNT_DAYS,
    DEFAULT_PUPIL_WORK_MONTHS,
    RetentionPolicy,
    RetentionRun,
)
from twinning.schools.models import NSO, Programme
from twinning.twinnings.services import OPEN

BATCH = 500
# The key of a pupil whose erasure a registered rule refused (an export not yet downloaded).
REFUSED = "refused"
# The counts of what is not any one NSO's: the audit log and fixed periods.
NETWORK = "network"
# The alias a row's programme is read under (see `Retention.programme`).
PROGRAMME_OF = "retention_programme"


def programme_key(pk: int) -> tuple[str, int]:
    """The key of a programme's counts in an `Outcome` (an NSO's is its id)."""
    return ("programme", pk)


@dataclass(frozen=True)
class Policy:
    """An NSO's periods, or the defaults for an NSO (or a country without one) that set none."""

    pupil_account_days: int = DEFAULT_PUPIL_ACCOUNT_DAYS
    pupil_work_months: int = DEFAULT_PUPIL_WORK_MONTHS
    audit_years: int = DEFAULT_AUDIT_YEARS

    @classmethod
    def of(cls, row: RetentionPolicy | None) -> Policy:
        if row is None:
            return cls()
        return cls(row.pupil_account_days, row.pupil_work_months, row.audit_years)


DEFAULTS = Policy()


@dataclass
class Outcome:
    """What a run did (or, dry, would do): counts per NSO id, or `programme_key` (NETWORK for the rest)
    and kind of row (a model's label, or REFUSED); with `collect`, the twinnings and pupils concerned
    per NSO or programme."""

    counts: dict[Any, Counter] = field(default_factory=dict)
    twinnings: dict[Any, set[int]] = field(default_factory=dict)
    pupils: dict[Any, set[int]] = field(default_factory=dict)

    def add(self, nso: Any, kind: str, n: int) -> None:
        if n:
            self.counts.setdefault(nso, Counter())[kind] += n

    def total(self) -> Counter:
        found: Counter = Counter()
        for counts in self.counts.values():
            found.update(counts)
        return found

    def as_json(self) -> dict:
        return {
            "total": dict(self.total()),
            "nso": {str(key): dict(counts) for key, counts in self.counts.items() if not isinstance(key, tuple)},
            "programme": {str(key[1]): dict(counts) for key, counts in self.counts.items() if isinstance(key, tuple)},
        }


def policies() -> dict[int | None, Policy]:
    """Every NSO's policy by id (defaults where it set none), and None: countries without an NSO."""
    rows = {row.nso_id: row for row in RetentionPolicy.objects.filter(nso__isnull=False)}
    found: dict[int | None, Policy] = {pk: Policy.of(rows.get(pk)) for pk in NSO.objects.values_list("pk", flat=True)}
    found[None] = DEFAULTS
    return found


def programme_policies() -> dict[int, Policy]:
    """The policies of the programmes that set their own, by programme id (the others have none)."""
    rows = RetentionPolicy.objects.filter(programme__isnull=False)
    return {row.programme_id: Policy.of(row) for row in rows if row.programme_id is not None}


def policy_for(nso: NSO) -> Policy:
    return Policy.of(RetentionPolicy.objects.filter(nso=nso).first())


def programme_policy_for(programme: Programme) -> Policy | None:
    """The programme's own policy, or None: its twinnings follow their NSOs'."""
    row = RetentionPolicy.objects.filter(programme=programme).first()
    return None if row is None else Policy.of(row)


# --- Cut-offs -----------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the month's last day when it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def year_end(school_year: int) -> datetime:
    """When a school year is over: the first day of the next one, at midnight in the site's zone."""
    zone = timezone.get_default_timezone()
    return datetime(school_year + 1, FIRST_MONTH, 1, tzinfo=zone)


def last_finished_year(days: int, today: date) -> int:
    """The latest school year whose end lies at least `days` days before `today`."""
    return current_school_year(today - timedelta(days=days)) - 1


def audit_years() -> int:
    """The audit log is not any one NSO's (an entry names a decision, not a country): it is kept for
    the longest time any NSO's policy asks, so no NSO shortens another's record."""
    found = [*policies().values(), *programme_policies().values()]
    return max(policy.audit_years for policy in found)


# --- Rows due -----------------------------------------------------------------------------------


def _not_yet_anonymised(entry: PersonalData) -> Q:
    condition = Q()
    for link in entry.subject:
        condition |= Q(**{f"{link}__isnull": False})
    for name, value in entry.replace.items():
        condition |= ~Q(**{name: value})
    return condition


def _many_valued(model: Any, lookup: str) -> bool:
    """Whether the lookup passes through a relation to many rows (a pupil's twinnings)."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def _programme_of(entry: PersonalData) -> Any:
    """A row's programme: its twinning's, or, through many twinnings, the latest one's (the latest
    school year, the newest twinning of that year)."""
    retention = entry.retention
    if not _many_valued(entry.model_class, retention.programme):
        return F(retention.programme)
    twinning = retention.twinning
    latest = (
        entry.model_class._default_manager.filter(pk=OuterRef("pk"))
        .order_by(f"-{twinning}__school_year", f"-{twinning}__pk")
        .values(retention.programme)[:1]
    )
    return Subquery(latest)


def in_scope(entry: PersonalData, scope: Any, own: frozenset[int] = frozenset()) -> QuerySet:
    """The entry's rows a policy applies to: a programme's (`programme_key`) rows in its twinnings,
    in every country; an NSO's (its id, None for countries without one) in its countries, except
    the rows of twinnings whose programme is in `own` (those programmes set their own policy)."""
    rows = entry.model_class._default_manager.all()
    retention = entry.retention
    if isinstance(scope, tuple):
        if not retention.programme:
            return rows.none()
        return rows.alias(**{PROGRAMME_OF: _programme_of(entry)}).filter(**{PROGRAMME_OF: scope[1]})
    lookup = retention.nso
    rows = rows.filter(Q(**{f"{lookup}__isnull": True}) if scope is None else Q(**{lookup: scope}))
    if own and retention.programme:
        rows = rows.alias(**{PROGRAMME_OF: _programme_of(entry)}).filter(
            Q(**{f"{PROGRAMME_OF}__isnull": True}) | ~Q(**{f"{PROGRAMME_OF}__in": sorted(own)})
        )
    return rows


def pupil_work_due(
    entry: PersonalData, scope: Any, policy: Policy, now: datetime, own: frozenset[int] = frozenset()
) -> QuerySet:
    """Pupils' rows of one entry (posts, media) in the scope (see `in_scope`) whose twinning closed
    longer ago than the policy keeps them, not yet emptied."""
    retention = entry.retention
    rows = in_scope(entry, scope, own).filter(
        **{f"{retention.since}__lt": months_before(now, policy.pupil_work_months)}
    )
    if retention.where is not None:
        rows = rows.filter(retention.where)
    if entry.erase is Erase.ANONYMISE:
        rows = rows.filter(_not_yet_anonymised(entry))
    return rows


def pupils_due(
    entry: PersonalData, scope: Any, policy: Policy, today: date, own: frozenset[int] = frozenset()
) -> QuerySet:
    """Pupils in the scope (see `in_scope`: an NSO's schools, or a programme's latest twinnings) whose
    last school year in a twinning (or, never in one, the year their account was made in) ended longer
    ago than the policy keeps them, and in no open twinning."""
    retention = entry.retention
    year = last_finished_year(policy.pupil_account_days, today)
    twinning = retention.twinning
    return (
        in_scope(entry, scope, own)
        .filter(**{f"{retention.since}__lt": year_end(year)})
        .exclude(**{f"{twinning}__school_year__gt": year})
        .exclude(**{f"{twinning}__status__in": OPEN})
    )


def audit_due(entry: PersonalData, years: int, now: datetime) -> QuerySet:
    cutoff = months_before(now, 12 * years)
    return entry.model_class._default_manager.filter(**{f"{entry.retention.since}__lt": cutoff}).filter(
        _not_yet_anonymised(entry)
    )


def fixed_entries() -> list[PersonalData]:
    """Entries with a fixed period that no other job applies: this job deletes them when due."""
    return [entry for entry in entries() if entry.retention.days is not None and not entry.retention.applied_by]


def fixed_due(entry: PersonalData, now: datetime) -> QuerySet:
    days = entry.retention.days
    if days is None:  # fixed_entries() keeps only entries with a period
        raise ValueError(f"{entry.model} has no fixed retention period")
    return entry.model_class._default_manager.filter(**{f"{entry.retention.since}__lt": now - timedelta(days=days)})


# --- Applying -----------------------------------------------------------------------------------


def _batches(rows: QuerySet) -> Any:
    """The rows' primary keys, BATCH at a time in key order, read afresh each time."""
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        pks = list(page.order_by("pk").values_list("pk", flat=True).distinct()[:BATCH])
        if not pks:
            return
        yield pks
        last = pks[-1]


def _apply(entry: PersonalData, pks: list) -> None:
    """What the register says erasure does to these rows: emptied (links and `replace`) or deleted."""
    rows = entry.model_class._default_manager.filter(pk__in=pks)
    with transaction.atomic():
        if entry.erase is Erase.ANONYMISE:
            rows.update(**dict.fromkeys(entry.subject), **entry.replace)
        else:
            delete_rows(rows)


def _walk(entry: PersonalData, rows: QuerySet, nso: Any, outcome: Outcome, *, dry_run: bool, collect: bool) -> None:
    for pks in _batches(rows):
        outcome.add(nso, entry.model, len(pks))
        if collect and entry.retention.twinning:
            found = entry.model_class._default_manager.filter(pk__in=pks).values_list(
                entry.retention.twinning, flat=True
            )
            outcome.twinnings.setdefault(nso, set()).update(pk for pk in found if pk is not None)
        if not dry_run:
            _apply(entry, pks)


def _erase_pupils(
    entry: PersonalData, rows: QuerySet, nso: Any, outcome: Outcome, *, dry_run: bool, collect: bool
) -> None:
    """Each batch of pupils through `erase_people` (what "remove a pupil" does, for many at once, in one
    transaction); one a registered rule refuses (a copy of their data not yet downloaded) is kept and
    counted, and tried again the next night."""
    for pks in _batches(rows):
        # The register's model is accounts.Pupil: its rows have the account as `user`.
        pupils: Any = entry.model_class._default_manager.filter(pk__in=pks).select_related("user").order_by("pk")
        people = {pupil.pk: person_for(pupil.user) for pupil in pupils}
        if dry_run:
            refused = {pk for pk, person in people.items() if erasure_refusals(person)}
        else:
            kept = {person.user.pk for person, _reasons in erase_people(people=list(people.values()), by=None)}
            refused = {pk for pk, person in people.items() if person.user.pk in kept}
        for pk in people:
            outcome.add(nso, REFUSED if pk in refused else entry.model, 1)
            if collect and pk not in refused:
                outcome.pupils.setdefault(nso, set()).add(pk)


def apply_policies(
    *,
    dry_run: bool = False,
    nso: NSO | None = None,
    programme: Programme | None = None,
    now: datetime | None = None,
    collect: bool = False,
) -> Outcome:
    """Apply every NSO's and programme's retention policy (or, with `nso` or `programme`, that one's
    only, and the network-wide part). A programme without a policy of its own has nothing to apply.

    With `dry_run`, nothing is written: the outcome says what the run would do. With `collect`, it
    also lists the twinnings and pupils concerned. The real run records a `RetentionRun`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    outcome = Outcome()
    run = None if dry_run else RetentionRun.objects.create(started_at=now)
    own_policies = programme_policies()
    own = frozenset(own_policies)
    scopes: dict[Any, Policy] = dict(policies())
    scopes.update({programme_key(pk): policy for pk, policy in own_policies.items()})
    if nso is not None:
        scopes = {nso.pk: scopes.get(nso.pk, DEFAULTS)}
    elif programme is not None:
        key = programme_key(programme.pk)
        scopes = {key: scopes[key]} if key in scopes else {}
    for entry in policy_entries(PUPIL_WORK):
        for scope, policy in scopes.items():
            rows = pupil_work_due(entry, scope, policy, now, own)
            _walk(entry, rows, scope, outcome, dry_run=dry_run, collect=collect)
    for entry in policy_entries(PUPIL_ACCOUNTS):
        for scope, policy in scopes.items():
            rows = pupils_due(entry, scope, policy, today, own)
            _erase_pupils(entry, rows, scope, outcome, dry_run=dry_run, collect=collect)
    years = audit_years()
    for entry in policy_entries(AUDIT_LOG):
        _walk(entry, audit_due(entry, years, now), NETWORK, outcome, dry_run=dry_run, collect=False)
    for entry in fixed_entries():
        _walk(entry, fixed_due(entry, now), NETWORK, outcome, dry_run=dry_run, collect=False)
    if run is not None:
        run.finished_at = timezone.now()
        run.counts = outcome.as_json()
        run.save(update_fields=["finished_at", "counts"])
    return outcome


# --- The policy ---------------------------------------------------------------------------------

POLICY_FIELDS = ("pupil_account_days", "pupil_work_months", "audit_years")


def set_policy(
    *, nso: NSO | None = None, programme: Programme | None = None, by: Any, values: dict[str, int]
) -> RetentionPolicy:
    """Write the NSO's, or the programme's, retention policy (made on first change), audited with what
    it was and is now (a programme without one: the defaults). `values` are already validated
    (`forms.PolicyForm`); the next nightly run applies them."""
    if (nso is None) == (programme is None):
        raise ValueError("set_policy takes an NSO or a programme")
    owner: Any = nso if nso is not None else programme
    match: dict[str, Any] = {"nso": nso} if nso is not None else {"programme": programme}
    with transaction.atomic():
        row = RetentionPolicy.objects.select_for_update().filter(**match).first()
        before = Policy.of(row)
        if row is None:
            row = RetentionPolicy(**match)
        for name in POLICY_FIELDS:
            setattr(row, name, int(values[name]))
        row.updated_at = timezone.now()
        row.updated_by = by
        row.full_clean()
        row.save()
        audit.record(
            actor=by,
            action="retention.policy_changed",
            target=owner,
            before={name: getattr(before, name) for name in POLICY_FIELDS},
            after={name: getattr(row, name) for name in POLICY_FIELDS},
        )
    return row
