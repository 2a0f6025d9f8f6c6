"""Reads for matching: profiles as the engine sees them, what is still open, the search index."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from twinning.common.jobs import enqueue
from twinning.common.prepared import MAX_LIST, PreparedRead
from twinning.common.school_year import current_school_year
from twinning.matching.engine import Profile, Rules, SearchIndex, score_pair
from twinning.matching.engine.profiles import DEFAULT_RULES
from twinning.matching.engine.search import Filters, merge_ranked
from twinning.matching.engine.stored import IndexStore, Opened, Watcher
from twinning.matching.engine.vision import from_bytes
from twinning.matching.models import ProfileLanguage, Proposal, SearchChange, TwinningProfile
from twinning.matching.rules import can_run_cohorts, profile_school_ids, runs_for
from twinning.schools.models import SCHOOL_WEEK_DAYS, Programme, School, ValidationStatus


def _minutes(t) -> int:
    return t.hour * 60 + t.minute


# Ids per statement of `_parts_sql` (five lists of them): within SQLite's and PostgreSQL's limits on
# parameters.
PARTS_CHUNK = 6_000


@lru_cache(maxsize=64)
def _parts_sql(alias: str, n: int) -> str:
    """One statement reading the languages (list -1, with their level) and the objectives, themes,
    wanted and excluded countries (lists 0–3) of `n` profiles, each list given the same `n` ids."""
    quote = connections[alias].ops.quote_name
    ids = ", ".join(["%s"] * n)
    language = ProfileLanguage._meta
    # The table and column names are the models', quoted; the ids go as parameters.
    selects = [
        f"SELECT {quote(language.get_field('profile').column)}, -1, {quote(language.get_field('language').column)}, "  # noqa: S608  # nosec B608
        f"{quote(language.get_field('level').column)} FROM {quote(language.db_table)} "
        f"WHERE {quote(language.get_field('profile').column)} IN ({ids})"
    ]
    for n_part, name in enumerate(("objectives", "themes", "wanted_countries", "excluded_countries")):
        field = TwinningProfile._meta.get_field(name)
        if not isinstance(field, models.ManyToManyField):
            raise TypeError(f"TwinningProfile.{name} is not a many-to-many field")
        through = field.remote_field.through._meta  # type: ignore[union-attr]
        own, code = field.m2m_column_name(), field.m2m_reverse_name()
        selects.append(
            f"SELECT {quote(own)}, {n_part}, {quote(code)}, 0 FROM {quote(through.db_table)} "  # noqa: S608  # nosec B608
            f"WHERE {quote(own)} IN ({ids})"
        )
    return " UNION ALL ".join(selects)


ENGINE_COLUMNS = (
    "pk",
    "school_id",
    "school__country_id",
    "school__name",
    "age_from",
    "age_to",
    "time_zone",
    "school_week",
    "day_start",
    "day_end",
    "class_size",
    "capacity",
    "vision_vector",
)


def engine_profiles(profiles: QuerySet[TwinningProfile], *, taken: dict[int, int] | None = None) -> list[Profile]:
    """The engine's view of these profiles, in a fixed number of queries whatever their count.

    `taken` is the number of partners each profile already has; capacity is what remains.
    """
    rows = list(profiles.order_by("pk").values_list(*ENGINE_COLUMNS))
    return _as_engine_profiles(rows, profiles.db, taken or {})


# A search reads the engine's view of its own profile and of its results on every request: compiled once
# (common.prepared).
_ENGINE_ROWS = PreparedRead(
    lambda pks: TwinningProfile.objects.filter(pk__in=pks).order_by("pk").values_list(*ENGINE_COLUMNS)
)


def engine_profiles_of(pks: list[int]) -> list[Profile]:
    """`engine_profiles` of the profiles with these keys (a read compiled once for a page's worth)."""
    if len(pks) > MAX_LIST:
        return engine_profiles(TwinningProfile.objects.filter(pk__in=pks))
    return _as_engine_profiles(_ENGINE_ROWS.rows(pks), router.db_for_read(TwinningProfile), {})


def _as_engine_profiles(rows: list[tuple], alias: str, taken: dict[int, int]) -> list[Profile]:
    ids = [row[0] for row in rows]
    languages: dict[int, dict[str, int]] = defaultdict(dict)
    objectives: dict[int, set[str]] = defaultdict(set)
    themes: dict[int, set[str]] = defaultdict(set)
    wanted: dict[int, set[str]] = defaultdict(set)
    excluded: dict[int, set[str]] = defaultdict(set)
    # Each profile's languages and its four lists of codes, in one statement written once (compiling
    # five querysets cost more than running them): rows of (profile, list, code, level).
    targets = (objectives, themes, wanted, excluded)
    with connections[alias].cursor() as cursor:
        for chunk_start in range(0, len(ids), PARTS_CHUNK):
            chunk = ids[chunk_start : chunk_start + PARTS_CHUNK]
            cursor.execute(_parts_sql(alias, len(chunk)), chunk * 5)
            for pid, part, code, level in cursor.fetchall():
                if part < 0:
                    languages[pid][code] = level
                else:
                    targets[part][pid].add(code)
    return [
        Profile(
            key=str(pk),
            school=str(school_id),
            country=country,
            label=name,
            age_from=age_from,
            age_to=age_to,
            languages=languages[pk],
            time_zone=zone,
            days=SCHOOL_WEEK_DAYS[week],
            day_start=_minutes(start),
            day_end=_minutes(end),
            class_size=size,
            capacity=max(0, capacity - taken.get(pk, 0)),
            objectives=frozenset(objectives[pk]),
            themes=frozenset(themes[pk]),
            wanted_countries=frozenset(wanted[pk]),
            excluded_countries=frozenset(excluded[pk]),
            vision=from_bytes(vector),
        )
        for pk, school_id, country, name, age_from, age_to, zone, week, start, end, size, capacity, vector in rows
    ]


def partners_taken(school_year: int, pks: list[int] | None = None) -> dict[int, int]:
    """How many accepted partnerships each profile of the year (or each of `pks`) has."""
    taken: dict[int, int] = defaultdict(int)
    accepted = Proposal.objects.filter(status=Proposal.Status.ACCEPTED, left__school_year=school_year)
    if pks is not None and len(pks) <= 20_000:
        # A few profiles (the schools changed since the index was built): only their proposals.
        accepted = accepted.filter(Q(left_id__in=pks) | Q(right_id__in=pks))
    for column in ("left_id", "right_id"):
        for pk, count in accepted.values_list(column).annotate(n=Count("pk")).values_list(column, "n"):
            taken[pk] += count
    return taken


def open_profiles(school_year: int) -> QuerySet[TwinningProfile]:
    """Profiles of validated schools that are looking this year."""
    return TwinningProfile.objects.filter(
        school_year=school_year, looking=True, school__status=ValidationStatus.VALIDATED
    )


# Pairs of schools the apps above matching have put together this year (twinnings adds the schools
# of each of the year's twinnings, `TwinningsConfig.ready`): never proposed to each other again.
# Each source is called as `source(school_year, school_id=None)` and returns (school id, school id)
# pairs, only those with `school_id` when it is given.
_settled_sources: list[Callable[..., Iterable[tuple[int, int]]]] = []


def add_settled_pairs_source(source: Callable[..., Iterable[tuple[int, int]]]) -> None:
    if source not in _settled_sources:
        _settled_sources.append(source)


def _settled_proposals(school_year: int) -> QuerySet[Proposal]:
    return Proposal.objects.filter(
        left__school_year=school_year,
        status__in=[Proposal.Status.DECLINED, Proposal.Status.ACCEPTED, Proposal.Status.PENDING],
    )


def settled_school_pairs(school_year: int) -> set[tuple[str, str]]:
    """School pairs never to propose again this year: declined, already accepted, or waiting for an
    answer, and those already twinned (both ways round)."""
    pairs = {
        (str(a), str(b)) for a, b in _settled_proposals(school_year).values_list("left__school_id", "right__school_id")
    }
    for source in _settled_sources:
        pairs |= {(str(a), str(b)) for a, b in source(school_year)}
    return pairs | {(b, a) for a, b in pairs}


# Read on every search: compiled once (common.prepared).
_SETTLED_WITH = PreparedRead(
    lambda school_id, school_year: (
        _settled_proposals(school_year)
        .filter(Q(left__school_id=school_id) | Q(right__school_id=school_id))
        .values_list("left__school_id", "right__school_id")
    ),
    values=1,
)


def schools_settled_with(school_id: int, school_year: int) -> frozenset[str]:
    """The schools this school may not be proposed to again this year (see `settled_school_pairs`)."""
    rows: list[tuple[int, int]] = _SETTLED_WITH.rows(school_id, school_year)
    for source in _settled_sources:
        rows += list(source(school_year, school_id=school_id))
    return frozenset(str(x) for pair in rows for x in pair if x != school_id)


def pair_is_settled(school_year: int, a: int, b: int) -> bool:
    return str(b) in schools_settled_with(a, school_year)


def proposal_settles_pair(school_year: int, a: int, b: int) -> bool:
    """Whether a proposal between the two schools this year is waiting, accepted or declined."""
    return (
        _settled_proposals(school_year)
        .filter(Q(left__school_id=a, right__school_id=b) | Q(left__school_id=b, right__school_id=a))
        .exists()
    )


def profiles_of_year(school_ids, school_year: int) -> dict[int, TwinningProfile]:
    return {
        p.school_id: p for p in TwinningProfile.objects.filter(school_id__in=list(school_ids), school_year=school_year)
    }


def programme_of(profile: TwinningProfile) -> Programme | None:
    """The programme whose rules a profile's pairs follow: the one it names, else its school's only one."""
    if profile.programme_id is not None:
        return profile.programme
    programmes = list(profile.school.programmes.all()[:2])
    return programmes[0] if len(programmes) == 1 else None


def programmes_by_school(school_ids) -> defaultdict[int, set[int]]:
    """The programmes each of these schools is a member of (an empty set for none), in one query."""
    found: defaultdict[int, set[int]] = defaultdict(set)
    for school, programme in School.programmes.through.objects.filter(school_id__in=list(school_ids)).values_list(
        "school_id", "programme_id"
    ):
        found[school].add(programme)
    return found


# A search's own profile and its school's programmes, read on every search: compiled once (common.prepared). One
# profile at most (one a school and year): a slice, not first(), which would order by the key.
_SEARCH_PROFILE = PreparedRead(
    lambda school_id, school_year: (
        TwinningProfile.objects.filter(school_id=school_id, school_year=school_year)
        .select_related("school")
        .only("pk", "school_id", "school_year", "programme_id", "school__name")[:1]
    ),
    values=1,
)
_PROGRAMMES_OF = PreparedRead(lambda school_id: Programme.objects.filter(schools__id=school_id))


def search_profile_of(school_id: int, school_year: int) -> TwinningProfile | None:
    """The school's profile of the year, as a search starts from it (its school's name with it), or None."""
    found = _SEARCH_PROFILE.objects(school_id, school_year)
    return found[0] if found else None


def programmes_of_school(school_id: int) -> list[Programme]:
    """The programmes the school is a member of, as `school.programmes.all()` lists them."""
    return _PROGRAMMES_OF.objects(school_id)


def search_programme_of(profile: TwinningProfile, programmes: list[Programme]) -> Programme | None:
    """The programme a school's partner search looks in unless another is chosen: the one its profile
    names while the school is a member of it, else the first of the school's `programmes`."""
    named = next((p for p in programmes if p.pk == profile.programme_id), None)
    return named or (programmes[0] if programmes else None)


def schools_bound_elsewhere(
    school_id: int, school_year: int, *, among=None, mine: set[int] | None = None
) -> frozenset[str]:
    """Schools whose programme (see `programme_of`) this school is not a member of: not offered to it.

    `among`: only these schools are looked at (a search's results), in a query the size of the list.
    `mine`: the programmes this school is a member of, when the caller has read them already."""
    if mine is None:
        mine = set(School.programmes.through.objects.filter(school_id=school_id).values_list("programme_id", flat=True))
    profiles = open_profiles(school_year)
    if among is not None:
        profiles = profiles.filter(school_id__in=list(among))
    named = dict(profiles.values_list("school_id", "programme_id"))
    programmes: dict[int, set[int]] = defaultdict(set)
    members = School.programmes.through.objects.filter(school__profiles__in=profiles)
    for school, programme in members.values_list("school_id", "programme_id"):
        programmes[school].add(programme)
    bound = {
        school: programme if programme is not None else next(iter(programmes[school]))
        for school, programme in named.items()
        if programme is not None or len(programmes[school]) == 1
    }
    return frozenset(str(school) for school, programme in bound.items() if programme not in mine)


def schools_sharing_no_programme(school_id: int) -> frozenset[str]:
    """Schools of some programme that share none with this school: never offered to it outside a
    programme (see `constraints.refusal`). Empty when every programme school shares one with it."""
    members = School.programmes.through.objects
    mine = members.filter(school_id=school_id).values("programme_id")
    shared = members.filter(programme_id__in=mine).values("school_id")
    return frozenset(str(pk) for pk in members.exclude(school_id__in=shared).values_list("school_id", flat=True))


def filters_within_rules(query: Profile, filters: Filters, *, max_age_gap: int, programme: str | None) -> Filters:
    """The search's filters narrowed to a programme's hard rules: its member schools, classes at most
    `max_age_gap` years from the query's (a chosen age stays a condition of its own)."""
    low, high = query.age_from - max_age_gap, query.age_to + max_age_gap
    return replace(
        filters,
        age_from=low if filters.age_from is None else max(low, filters.age_from),
        age_to=high if filters.age_to is None else min(high, filters.age_to),
        programme=programme or filters.programme,
    )


def _index_version(school_year: int, profiles: QuerySet[TwinningProfile]) -> tuple:
    looked = profiles.aggregate(n=Count("pk"), changed=Max("updated_at"))
    answered = Proposal.objects.filter(left__school_year=school_year).aggregate(
        n=Count("pk"), decided=Max("decided_at"), made=Max("created_at")
    )
    members = School.programmes.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return tuple(looked.values()) + tuple(answered.values()) + tuple(members.values())


def index_fingerprint(school_year: int) -> list[str]:
    """What changes when anything a search index holds changes (counts and latest times), as text."""
    return [str(value) for value in _index_version(school_year, open_profiles(school_year))]


def index_of(profiles: QuerySet[TwinningProfile], school_year: int, *, when: datetime) -> SearchIndex:
    """The search index of these profiles (those with room for a partner), built in this process."""
    pks = list(profiles.values_list("pk", flat=True))
    people = [p for p in engine_profiles(profiles, taken=partners_taken(school_year, pks)) if p.capacity > 0]
    # A school's programmes are its memberships: the programme filter keeps their members.
    programmes = defaultdict(set)
    for chunk_start in range(0, len(pks), 20_000):
        chunk = pks[chunk_start : chunk_start + 20_000]
        rows = TwinningProfile.objects.filter(pk__in=chunk, school__programmes__isnull=False)
        for pk, programme in rows.values_list("pk", "school__programmes__slug"):
            programmes[str(pk)].add(programme)
    return SearchIndex(people, when=when, programmes=[frozenset(programmes.get(p.key, ())) for p in people])


def index_store(school_year: int) -> IndexStore:
    """Where the built search index of a year lives (`MATCHING_INDEX_DIR`, one folder per year)."""
    return IndexStore(Path(settings.MATCHING_INDEX_DIR) / str(school_year))


# A change is overlaid from this long before the index's snapshot: a transaction that recorded a
# change just before the build read the profiles, and committed after, is still seen.
CHANGE_SLACK = timedelta(minutes=5)
NO_FILTERS = Filters()
# Past this many changed schools, the web process asks for the index to be built again now.
FOLD_AT = 500


class PartnerIndex:
    """What a partner search reads: the built index, and the index of the schools changed since it
    was built (their rows in the built one are left out). Results are keys; `profiles_of` reads
    those few profiles from the database."""

    def __init__(
        self,
        base: SearchIndex,
        *,
        changes: SearchIndex | None = None,
        changed_schools: frozenset[str] = frozenset(),
        version: str = "",
    ) -> None:
        self.base, self.changes, self.changed_schools, self.version = base, changes, changed_schools, version

    def __len__(self) -> int:
        return len(self.base) - len(self.base.rows_of_schools(self.changed_schools)) + len(self.changes or ())

    def ranked(
        self,
        query: Profile,
        filters: Filters = NO_FILTERS,
        *,
        limit: int = 20,
        forbidden_schools: frozenset[str] = frozenset(),
        rules: Rules = DEFAULT_RULES,
    ) -> list[tuple[str, float]]:
        """The keys of the best `limit` profiles for the query and their scores, best first."""
        found = [
            self.base.ranked(
                query, filters, limit=limit, forbidden_schools=forbidden_schools | self.changed_schools, rules=rules
            )
        ]
        if self.changes is not None:
            found.append(
                self.changes.ranked(query, filters, limit=limit, forbidden_schools=forbidden_schools, rules=rules)
            )
        return merge_ranked(found, limit)

    def search(
        self,
        query: Profile,
        filters: Filters = NO_FILTERS,
        *,
        limit: int = 20,
        forbidden_schools: frozenset[str] = frozenset(),
        rules: Rules = DEFAULT_RULES,
    ) -> list[tuple[Profile, float]]:
        """As `ranked`, with the profiles (read from the database; one gone since is left out)."""
        found = self.ranked(query, filters, limit=limit, forbidden_schools=forbidden_schools, rules=rules)
        profiles = profiles_of([key for key, _score in found])
        return [(profiles[key], score) for key, score in found if key in profiles]


def profiles_of(keys: list[str]) -> dict[str, Profile]:
    """The engine's view of the profiles with these keys, by key (a fixed number of queries)."""
    if not keys:
        return {}
    return {p.key: p for p in engine_profiles_of([int(k) for k in keys])}


_index_lock = threading.Lock()
# Per year: the index built in this process while none is built on disk (version, checked at, index).
_indexes: dict[int, tuple[tuple, float, SearchIndex]] = {}
# Per folder of a year: the watcher of the built index, and its overlay (version, checked at,
# changes seen, the index of the changed schools).
_watchers: dict[Path, Watcher] = {}
_overlays: dict[Path, tuple[str, float, dict[int, int], PartnerIndex]] = {}
_asked: dict[str, float] = {}


def _ask_for_build(school_year: int) -> None:
    """Queue a build of the year's index, at most once per process and five minutes."""
    slot = int(time.time() // 300)
    key = f"matching.build_search_index:{school_year}:{slot}"
    if key in _asked:
        return
    _asked.clear()  # earlier slots: forgotten
    _asked[key] = time.monotonic()
    enqueue("matching.build_search_index", key=key, school_year=school_year)


def search_index(school_year: int, *, when: datetime | None = None) -> PartnerIndex:
    """The year's open profiles with room, ready to search.

    The index a job built (`services.build_search_index`) is mapped from disk, shared by every
    process of the machine; the schools changed since (`SearchChange`) are read from the database
    and searched beside it. Until a job has built one (first start, tests), the index is built in
    this process, and a build is queued. Either is checked at most every `MATCHING_INDEX_MAX_AGE`
    seconds; results are checked against the database before they are shown (`still_open`), so a
    slightly older index never offers a school that stopped looking.
    """
    max_age = settings.MATCHING_INDEX_MAX_AGE
    store = index_store(school_year)
    with _index_lock:
        watcher = _watchers.setdefault(store.root, Watcher(store, every=max_age))
    opened = watcher.get()
    if opened is not None:
        return _overlaid(school_year, opened, max_age)
    _ask_for_build(school_year)
    now = time.monotonic()
    with _index_lock:
        cached = _indexes.get(school_year)
    if cached and now - cached[1] < max_age:
        return PartnerIndex(cached[2])
    profiles = open_profiles(school_year)
    version = _index_version(school_year, profiles)
    if cached and cached[0] == version:
        with _index_lock:
            _indexes[school_year] = (version, now, cached[2])
        return PartnerIndex(cached[2])
    index = index_of(profiles, school_year, when=when or timezone.now())
    with _index_lock:
        _indexes[school_year] = (version, now, index)
    return PartnerIndex(index)


def _overlaid(school_year: int, opened: Opened, max_age: float) -> PartnerIndex:
    """The built index with the schools changed since its snapshot searched from the database."""
    root = index_store(school_year).root
    now = time.monotonic()
    with _index_lock:
        cached = _overlays.get(root)
    if cached and cached[0] == opened.version and now - cached[1] < max_age:
        return cached[3]
    since = datetime.fromisoformat(opened.info["snapshot"]) - CHANGE_SLACK
    seen = dict(
        SearchChange.objects.filter(created_at__gt=since)
        .values_list("school_id")
        .annotate(last=Max("pk"))
        .values_list("school_id", "last")
    )
    if cached and cached[0] == opened.version and cached[2] == seen:
        found = cached[3]
    else:
        changes = None
        if seen:
            profiles = open_profiles(school_year).filter(school_id__in=list(seen))
            changes = index_of(profiles, school_year, when=opened.index.when)
            if len(seen) > FOLD_AT:
                _ask_for_build(school_year)
        found = PartnerIndex(
            opened.index,
            changes=changes,
            changed_schools=frozenset(str(pk) for pk in seen),
            version=opened.version,
        )
    with _index_lock:
        _overlays[root] = (opened.version, now, seen, found)
    return found


def still_open(pks: list[int], school_year: int) -> set[int]:
    """Which of these profiles are, right now, looking with room for another partner."""
    rows = dict(open_profiles(school_year).filter(pk__in=pks).values_list("pk", "capacity"))
    accepted = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).filter(Q(left_id__in=pks) | Q(right_id__in=pks))
    taken: dict[int, int] = defaultdict(int)
    for left, right in accepted.values_list("left_id", "right_id"):
        taken[left] += 1
        taken[right] += 1
    return {pk for pk, capacity in rows.items() if taken[pk] < capacity}


# What a search shows of its results and whether they still have room, read on every search: compiled once
# per length of the list (common.prepared).
_SHOWN = PreparedRead(
    lambda pks: (
        TwinningProfile.objects.filter(pk__in=pks)
        .select_related("school__country")
        .only(
            "pk",
            "school_id",
            "school_year",
            "looking",
            "capacity",
            "vision",
            "programme_id",
            "school__name",
            "school__status",
            "school__country__names",
        )
    )
)
_MEMBERSHIPS = PreparedRead(
    lambda school_ids: School.programmes.through.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "programme_id"
    )
)
_ACCEPTED = PreparedRead(
    lambda pks: (
        Proposal.objects.filter(status=Proposal.Status.ACCEPTED)
        .filter(Q(left_id__in=pks) | Q(right_id__in=pks))
        .values_list("left_id", "right_id")
    )
)


def shown_profiles(
    pks: list[int], school_year: int, *, mine: set[int]
) -> tuple[dict[int, TwinningProfile], frozenset[str]]:
    """What a search shows of these profiles, and which of their schools are bound elsewhere.

    Those looking this year at a validated school (`open_profiles`), by primary key, with their
    school's name and country and their vision (not their vectors); and, of their schools, those
    `schools_bound_elsewhere(among=…)` names for a school of the programmes `mine`. Two queries."""
    rows = _SHOWN.objects(pks) if len(pks) <= MAX_LIST else list(_SHOWN.build(pks))
    found = {
        p.pk: p
        for p in rows
        if p.school_year == school_year and p.looking and p.school.status == ValidationStatus.VALIDATED
    }
    programmes: dict[int, set[int]] = defaultdict(set)
    schools = [p.school_id for p in found.values()]
    members = _MEMBERSHIPS.rows(schools) if len(schools) <= MAX_LIST else list(_MEMBERSHIPS.build(schools))
    for school, programme in members:
        programmes[school].add(programme)
    bound = set()
    for profile in found.values():
        theirs = programmes[profile.school_id]
        named: int | None = profile.programme_id
        if named is None and len(theirs) == 1:
            named = next(iter(theirs))
        if named is not None and named not in mine:
            bound.add(str(profile.school_id))
    return found, frozenset(bound)


def with_room(profiles: dict[int, TwinningProfile]) -> dict[int, TwinningProfile]:
    """Those of these profiles that still have room for another partner (as `still_open`)."""
    pks = list(profiles)
    taken: dict[int, int] = defaultdict(int)
    for left, right in _ACCEPTED.rows(pks) if len(pks) <= MAX_LIST else _ACCEPTED.build(pks):
        taken[left] += 1
        taken[right] += 1
    return {pk: profile for pk, profile in profiles.items() if taken[pk] < profile.capacity}


def profiles_by_pk(pks) -> dict[int, TwinningProfile]:
    return TwinningProfile.objects.select_related("school__country").in_bulk(list(pks))


def partner_summary_for(user) -> dict | None:
    """What a teacher's or principal's dashboard shows about partners this year (a few queries)."""
    summary: dict = {}
    schools = profile_school_ids(user)
    if schools:
        year = current_school_year()
        summary["profile"] = (
            TwinningProfile.objects.filter(school_id__in=schools, school_year=year).select_related("school").first()
        )
        waiting = Proposal.objects.filter(status=Proposal.Status.PENDING, left__school_year=year)
        summary["to_answer"] = waiting.filter(
            Q(right__school_id__in=schools, right_accepted=False) | Q(left__school_id__in=schools, left_accepted=False)
        ).count()
        summary["accepted"] = (
            Proposal.objects.filter(status=Proposal.Status.ACCEPTED, left__school_year=year)
            .filter(Q(left__school_id__in=schools) | Q(right__school_id__in=schools))
            .count()
        )
    if can_run_cohorts(user):
        summary["last_run"] = runs_for(user).first()
    return summary or None


def cohort_side_counts(*, school_year: int, countries, programme: Programme | None) -> dict[str, int]:
    """How many of these countries' schools a cohort side would hold, and how many each condition leaves
    out (a profile can count under several): for the message when a side would be empty."""
    schools = School.objects.filter(country__in=countries, status=ValidationStatus.VALIDATED)
    profiles = TwinningProfile.objects.filter(school_year=school_year, school__country__in=countries)
    # A run over a programme holds its members; a run over none, the schools outside every programme.
    schools = schools.filter(programmes=programme) if programme is not None else schools.filter(programmes=None)
    open_ = open_profiles(school_year).filter(school__country__in=countries)
    open_ = (
        open_.filter(school__programmes=programme) if programme is not None else open_.filter(school__programmes=None)
    )
    taken = partners_taken(school_year)
    rows = list(open_.values_list("pk", "capacity"))
    full = sum(1 for pk, capacity in rows if capacity <= taken.get(pk, 0))
    return {
        "available": len(rows) - full,
        "no_profile": schools.exclude(profiles__school_year=school_year).count(),
        "not_validated": profiles.exclude(school__status=ValidationStatus.VALIDATED).count(),
        "not_looking": profiles.filter(looking=False, school__status=ValidationStatus.VALIDATED).count(),
        "outside_programme": 0 if programme is None else profiles.exclude(school__programmes=programme).count(),
        "in_a_programme": 0 if programme is not None else profiles.filter(school__programmes__isnull=False).count(),
        "full": full,
    }


def rooms_in_run(run, pks) -> dict[int, int]:
    """Partners each of these profiles still wants, beside those accepted outside the run and its pairs."""
    profiles = dict(TwinningProfile.objects.filter(pk__in=list(pks)).values_list("pk", "capacity"))
    used: dict[int, int] = defaultdict(int)
    for left, right in run.pairs.values_list("left_id", "right_id"):
        used[left] += 1
        used[right] += 1
    accepted = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).exclude(cohort_run=run)
    accepted = accepted.filter(Q(left_id__in=profiles) | Q(right_id__in=profiles))
    for left, right in accepted.values_list("left_id", "right_id"):
        used[left] += 1
        used[right] += 1
    return {pk: capacity - used[pk] for pk, capacity in profiles.items()}


def cohort_work_for(user) -> dict:
    """What waits for a coordinator in cohort matching this year: runs to review and approve, and the
    schools the latest finished run left without a partner (less those paired by hand since)."""
    runs = runs_for(user).filter(school_year=current_school_year())
    latest = runs.filter(status__in=["done", "approved"]).order_by("-finished_at", "-pk").first()
    unmatched = 0
    if latest is not None:
        keys = [int(row["key"]) for row in latest.stats.get("unmatched_schools") or []]
        unmatched = sum(1 for room in rooms_in_run(latest, keys).values() if room > 0) if keys else 0
    return {"to_review": runs.filter(status="done").count(), "latest": latest, "unmatched": unmatched}


def pair_score(own: TwinningProfile, partner: TwinningProfile) -> float | None:
    """The pair's score, kept with a request to twin; None when there is no pair to score (a school's
    own profile, which the service refuses with a clear message)."""
    if own.school_id == partner.school_id:
        return None
    query, other = engine_profiles(TwinningProfile.objects.filter(pk__in=[own.pk, partner.pk]))
    if query.key != str(own.pk):
        query, other = other, query
    return score_pair(query, other, when=datetime.now(UTC)).score
