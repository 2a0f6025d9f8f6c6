"""The partner-search index saved to disk and mapped back: it answers as the index built in memory,
a built index with the changes since answers as one built afresh, and processes share its pages."""

import json
import mmap
import os
import random
import subprocess  # nosec B404  # the test starts two copies of Python to map one index
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from twinning.matching.engine import Rules, SearchIndex
from twinning.matching.engine.search import Filters, merge_ranked
from twinning.matching.engine.stored import IndexStore, Watcher, open_index, save
from twinning.matching.engine.synthetic import LANGUAGES, THEMES, WORLD, varied_profile, with_some_visions

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]
PROGRAMMES = ("eu-schools", "peace-bridge", "sister-cities")


def varied(seed: int, n: int, *, prefix: str = "P") -> list:
    """n varied profiles (30 countries, 12 languages, ages 5–18, some with a vision)."""
    rng = random.Random(seed)  # nosec B311  # seeded test profiles: no secret
    countries = sorted(WORLD)
    people = [varied_profile(rng, f"{prefix}{i}", rng.choice(countries)) for i in range(n)]
    return with_some_visions(people, seed)


def mapped_from_file(array: np.ndarray) -> bool:
    base = array.base
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base is not None


def memberships(seed: int, profiles: list) -> list[frozenset[str]]:
    rng = random.Random(seed)  # nosec B311
    return [frozenset(p for p in PROGRAMMES if rng.random() < 0.3) for _ in profiles]


def searches(seed: int, profiles: list, count: int):
    """(query, filters, forbidden schools, rules): queries from the index and from outside it."""
    rng = random.Random(seed + 7)  # nosec B311
    outsiders = varied(seed + 11, count, prefix="Q")
    schools = sorted({p.school for p in profiles})
    for i in range(count):
        query = rng.choice(profiles) if profiles and i % 2 else outsiders[i]
        kind = rng.choice(("none", "country", "ages", "language", "theme", "programme"))
        filters = {
            "none": Filters(),
            "country": Filters(countries=frozenset(rng.sample(sorted(WORLD), 2))),
            "ages": Filters(age_from=(low := rng.randint(5, 16)), age_to=low + rng.randint(0, 3)),
            "language": Filters(language=rng.choice(LANGUAGES)),
            "theme": Filters(theme=rng.choice(THEMES)),
            "programme": Filters(programme=rng.choice(PROGRAMMES)),
        }[kind]
        forbidden = frozenset(rng.sample(schools, min(len(schools), rng.randint(0, 5))))
        others = [p.key for p in rng.sample(profiles, min(len(profiles), 3))]
        rules = Rules.forbidding(
            [(query.key, key) for key in others], max_age_gap=rng.choice((0, 1, 2)), other_country=rng.random() < 0.3
        )
        yield query, filters, forbidden, rules, rng.choice((1, 5, 20))


@given(seed=st.integers(0, 10_000), n=st.integers(0, 150))
@hypothesis_settings(max_examples=30, deadline=None)
def test_mapped_index_answers_as_the_index_in_memory(tmp_path_factory, seed, n):
    profiles = varied(seed, n)
    memory = SearchIndex(profiles, when=WHEN, programmes=memberships(seed, profiles))
    directory = tmp_path_factory.mktemp("index") / "version"
    save(memory.arrays, memory.tables, directory)

    mapped, info = open_index(directory)

    assert (mapped.profiles, info, len(mapped)) == (None, {}, n)
    # Every array of the mapped index is the file's pages, not a copy.
    for name, array in mapped.arrays.items():
        assert mapped_from_file(array), name
    for query, filters, forbidden, rules, limit in searches(seed, profiles, 12):
        expected = [
            (p.key, score)
            for p, score in memory.search(query, filters, limit=limit, forbidden_schools=forbidden, rules=rules)
        ]
        assert memory.ranked(query, filters, limit=limit, forbidden_schools=forbidden, rules=rules) == expected
        assert mapped.ranked(query, filters, limit=limit, forbidden_schools=forbidden, rules=rules) == expected
        np.testing.assert_array_equal(
            mapped.scores(query, filters, forbidden, rules), memory.scores(query, filters, forbidden, rules)
        )


def changed(seed: int, profiles: list) -> tuple[list, frozenset[str]]:
    """The profiles after some schools changed theirs, some stopped looking and some new ones came."""
    rng = random.Random(seed + 3)  # nosec B311
    after, touched = [], set()
    for p in profiles:
        roll = rng.random()
        if roll < 0.1:
            touched.add(p.school)  # stopped looking, or full
        elif roll < 0.25:
            touched.add(p.school)
            redrawn = varied_profile(rng, p.key, rng.choice(sorted(WORLD)))
            after.append(with_some_visions([redrawn], seed + len(after), share=0.5)[0])
        else:
            after.append(p)
    newcomers = varied(seed + 5, rng.randint(0, 15), prefix="N")
    touched |= {p.school for p in newcomers}
    return after + newcomers, frozenset(touched)


@given(seed=st.integers(0, 10_000), n=st.integers(0, 150))
@hypothesis_settings(max_examples=30, deadline=None)
def test_built_index_and_changes_since_answer_as_an_index_built_afresh(seed, n):
    before = varied(seed, n)
    after, touched = changed(seed, before)
    base = SearchIndex(before, when=WHEN)
    changes = SearchIndex([p for p in after if p.school in touched], when=WHEN)
    afresh = SearchIndex(after, when=WHEN)

    for query, filters, forbidden, rules, limit in searches(seed, after, 12):
        found = merge_ranked(
            [
                base.ranked(query, filters, limit=limit, forbidden_schools=forbidden | touched, rules=rules),
                changes.ranked(query, filters, limit=limit, forbidden_schools=forbidden, rules=rules),
            ],
            limit,
        )
        expected = afresh.ranked(query, filters, limit=limit, forbidden_schools=forbidden, rules=rules)
        # The same scores in the same order; among equal scores either profile may come first.
        assert [score for _key, score in found] == pytest.approx([score for _key, score in expected], abs=1e-6)
        scores = dict(zip(afresh.keys.tolist(), afresh.scores(query, filters, forbidden, rules).tolist(), strict=True))
        for key, score in found:
            assert scores[key] == pytest.approx(score, abs=1e-6), key


def test_merge_ranked_takes_the_best_of_both_and_keeps_order():
    assert merge_ranked([[("a", 0.9), ("b", 0.5)], [("c", 0.7), ("d", 0.5)]], 3) == [("a", 0.9), ("c", 0.7), ("b", 0.5)]
    assert merge_ranked([[], []], 5) == []


def test_store_publishes_atomically_and_watcher_maps_the_new_version(tmp_path):
    store = IndexStore(tmp_path / "2026")
    watcher = Watcher(store, every=0)
    assert (store.current_version(), watcher.get(), store.prune(grace_seconds=0)) == (None, None, [])

    first = SearchIndex(varied(1, 40), when=WHEN)
    v1 = store.publish(first.arrays, first.tables, info={"snapshot": "a"})
    opened = watcher.get()
    assert (opened.version, opened.info, len(opened.index)) == (v1, {"snapshot": "a"}, 40)
    assert watcher.get() is opened  # the pointer did not change: nothing mapped again

    second = SearchIndex(varied(2, 25), when=WHEN)
    time.sleep(0.01)
    v2 = store.publish(second.arrays, second.tables, info={"snapshot": "b"})
    assert v2 > v1
    assert (watcher.get().version, len(watcher.get().index)) == (v2, 25)
    assert sorted(p.name for p in store.root.iterdir()) == sorted([v1, v2, "current"])

    # The old version stays through the grace period (a process may still read it), then goes;
    # a version a builder left half-written goes too, the current one stays.
    (store.root / ".building-left-over").mkdir()
    assert store.prune(grace_seconds=600) == []
    assert store.prune(grace_seconds=600, now=time.time() + 601) == [".building-left-over", v1]
    assert sorted(p.name for p in store.root.iterdir()) == sorted([v2, "current"])
    # The first index, mapped before its files were removed, still answers.
    assert len(opened.index.ranked(varied(3, 1)[0], limit=5)) <= 5


def test_store_ignores_a_pointer_to_a_missing_version(tmp_path):
    store = IndexStore(tmp_path)
    store.root.mkdir(exist_ok=True)
    store.pointer.write_text("20260101T000000000000-1")
    assert (store.current_version(), store.open_current(), Watcher(store, every=0).get()) == (None, None, None)


CHILD = """
import json, re, sys
from pathlib import Path
from twinning.matching.engine.stored import open_index
from twinning.matching.engine.synthetic import varied_pool

index, _info = open_index(Path(sys.argv[1]))
found = [index.ranked(q, limit=10) for q in varied_pool(20, seed=98)]
print(json.dumps(found), flush=True)
sys.stdin.readline()  # the other process has mapped and searched too
mapped, current = {}, None
for line in open("/proc/self/smaps"):
    fields = line.split()
    if re.fullmatch("[0-9a-f]+-[0-9a-f]+", fields[0]):  # a mapping begins: its file, if any, is the 6th field
        current = fields[5] if len(fields) >= 6 and fields[5].startswith(sys.argv[1]) else None
    elif current and fields[0].rstrip(":") in ("Rss", "Shared_Clean", "Private_Clean", "Private_Dirty"):
        entry = mapped.setdefault(Path(current).name, {})
        entry[fields[0].rstrip(":")] = entry.get(fields[0].rstrip(":"), 0) + int(fields[1])
print(json.dumps(mapped), flush=True)
sys.stdin.readline()  # every process has read its figures: it may let go of the mapping now
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="reads Linux's /proc/self/smaps")
def test_two_processes_share_one_mapping(tmp_path):
    profiles = varied(4, 3000)
    index = SearchIndex(profiles, when=WHEN)
    directory = tmp_path / "version"
    save(index.arrays, index.tables, directory)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(  # noqa: S603  # nosec B603  # this Python, this test's script
            [sys.executable, "-c", CHILD, str(directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    try:
        found = [json.loads(child.stdout.readline()) for child in children]
        for child in children:
            child.stdin.write("\n")
            child.stdin.flush()
        maps = [json.loads(child.stdout.readline()) for child in children]
        for child in children:
            child.stdin.write("\n")
            child.stdin.flush()
    finally:
        for child in children:
            child.kill()
            child.wait()

    from twinning.matching.engine.synthetic import varied_pool

    expected = [[list(pair) for pair in index.ranked(q, limit=10)] for q in varied_pool(20, seed=98)]
    assert found == [expected, expected]
    for mapped in maps:
        # Each process maps the index's files, reads their pages (the columns every query reads),
        # and holds none of them as its own: the pages are the page cache's, shared by both.
        assert {"language_ids.npy", "age_low.npy", "visions.npy"} <= mapped.keys()
        assert sum(entry["Private_Dirty"] for entry in mapped.values()) == 0
        assert mapped["language_ids.npy"]["Shared_Clean"] > 0
        assert mapped["age_low.npy"]["Shared_Clean"] > 0
