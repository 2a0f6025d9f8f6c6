"""Matching engine benchmarks: cohort matching, one pool, self-service search.

Run by `make bench` from the repository root. Every figure is printed with a reference measured
in this same run (the exact optimum, a plain numpy pass), so a slower or faster machine shows
in both. PASS/FAIL lines compare against the targets and are informational: the exit code is
non-zero only when something raises.

BENCH_QUICK=1 skips the 50,000-per-side run.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import multiprocessing
import os
import platform
import random
import resource
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import numpy as np

from twinning.matching.engine import SearchIndex, match
from twinning.matching.engine import profiles as engine_profiles
from twinning.matching.engine import scoring as engine_scoring
from twinning.matching.engine.search import Filters
from twinning.matching.engine.synthetic import COUNTRIES, pool, two_sides

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)
MIB = 1024 * 1024
TIME_TARGET_S = 2.0
MEMORY_TARGET_MIB = 500
SEARCH_TARGET_MS = 5.0
SEARCH_ROWS = 200_000
SEARCH_QUERIES = 1_000


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def rss_mib() -> float:
    # ru_maxrss is in KiB on Linux: the process's high-water mark so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def python_peak_mib(run) -> float:
    """Peak of Python-tracked allocations (numpy's buffers included, OR-Tools' C++ heap not)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}")
    print("-" * len(title))
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def clear_engine_caches() -> None:
    # The time-zone offsets and timetable slots are memoised per process: a cold run pays for them.
    engine_profiles.utc_offset_minutes.cache_clear()
    engine_profiles.weekly_slots.cache_clear()
    engine_scoring._slot_mask.cache_clear()


def two_sides_2k() -> float:
    left, right = two_sides(2000)
    exact_s, exact = timed(lambda: match(left, right, when=WHEN, k=None))
    default_s, default = timed(lambda: match(left, right, when=WHEN))
    greedy_s, greedy = timed(lambda: match(left, right, when=WHEN, method="greedy"))
    ratio = default.total / exact.total
    table(
        "Two sides, 2,000 per side, capacities 1-3",
        [
            ("exact optimum (k=None)", f"{exact_s:7.3f} s  total {exact.total:10.3f}  candidates {exact.candidates:,}"),
            ("engine (k=12)", f"{default_s:7.3f} s  total {default.total:10.3f}  candidates {default.candidates:,}"),
            ("greedy (k=12)", f"{greedy_s:7.3f} s  total {greedy.total:10.3f}"),
            ("engine / exact", f"{ratio:.5f}  {verdict(ratio >= 0.999)} (>= 0.999)"),
            ("greedy / exact", f"{greedy.total / exact.total:.5f}"),
        ],
    )
    return exact_s


def cohort_child(n: int, warm_runs: int, trace: bool, visions: bool = False) -> dict:
    """One cohort size in a fresh process, so its memory high-water mark is its own."""
    left, right = two_sides(n, visions=visions)
    baseline = rss_mib()
    clear_engine_caches()
    cold_s, result = timed(lambda: match(left, right, when=WHEN))
    warm = [timed(lambda: match(left, right, when=WHEN))[0] for _ in range(warm_runs)]
    peak = rss_mib()
    traced = python_peak_mib(lambda: match(left, right, when=WHEN)) if trace else None
    return {
        "cold_s": cold_s,
        "warm_s": min(warm) if warm else None,
        "rss_baseline_mib": baseline,
        "rss_peak_mib": peak,
        "python_peak_mib": traced,
        "candidates": result.candidates,
        "total": result.total,
        "pairs": len(result.pairs),
    }


def in_fresh_process(n: int, *, warm_runs: int, trace: bool, visions: bool = False) -> dict:
    # A new interpreter (spawn, not fork): an exception in it is raised again here.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as executor:
        return executor.submit(cohort_child, n, warm_runs, trace, visions).result()


def two_sides_10k(f: dict, exact_2k_s: float, *, visions: bool = False) -> None:
    time_ok = f["warm_s"] <= TIME_TARGET_S
    memory_ok = max(f["rss_peak_mib"], f["python_peak_mib"]) <= MEMORY_TARGET_MIB
    table(
        "Two sides, 10,000 per side, capacities 1-3 (engine, k=12, fresh process)"
        + (", every school with a vision vector" if visions else ""),
        [
            ("cold run", f"{f['cold_s']:7.3f} s"),
            ("best of 3 warm runs", f"{f['warm_s']:7.3f} s  {verdict(time_ok)} (<= {TIME_TARGET_S:.0f} s)"),
            ("warm 10k / exact 2k", f"{f['warm_s'] / exact_2k_s:.2f}  (reference measured above)"),
            (
                "peak RSS (process)",
                f"{f['rss_peak_mib']:7.1f} MiB  (after data, before matching: {f['rss_baseline_mib']:.1f} MiB)",
            ),
            ("peak Python (tracemalloc)", f"{f['python_peak_mib']:7.1f} MiB"),
            ("memory", f"{verdict(memory_ok)} (both <= {MEMORY_TARGET_MIB} MiB)"),
            ("candidates", f"{f['candidates']:,}"),
            ("total", f"{f['total']:.3f} over {f['pairs']:,} pairs"),
        ],
    )


def one_pool_10k() -> None:
    everyone = pool(10_000)
    seconds, result = timed(lambda: match(everyone, when=WHEN))
    table(
        "One pool, 10,000 schools (engine, k=12)",
        [
            ("time", f"{seconds:7.3f} s"),
            ("total", f"{result.total:.3f} over {len(result.pairs):,} pairs"),
            ("upper bound", f"{result.upper_bound:.3f}"),
            ("total / upper bound", f"{result.total / result.upper_bound:.5f}"),
        ],
    )


def random_filters(rng: random.Random, query) -> tuple[str, Filters]:
    kind = rng.choice(("country", "ages", "language"))
    if kind == "country":
        return kind, Filters(countries=frozenset({rng.choice(sorted(COUNTRIES))}))
    if kind == "ages":
        low = rng.randint(6, 16)
        return kind, Filters(age_from=low, age_to=low + rng.randint(0, 3))
    return kind, Filters(language=rng.choice(sorted(query.languages)))


def search_200k(*, visions: bool = False) -> None:
    generate_s, profiles = timed(lambda: pool(SEARCH_ROWS, seed=2, visions=visions))
    build_s, index = timed(lambda: SearchIndex(profiles, when=WHEN))
    rng = random.Random(3)
    queries = rng.sample(profiles, SEARCH_QUERIES)
    by_kind: dict[str, list[float]] = {"none": [], "country": [], "ages": [], "language": []}
    for i, query in enumerate(queries):
        kind, filters = ("none", Filters()) if i % 2 == 0 else random_filters(rng, query)
        seconds, _ = timed(lambda q=query, f=filters: index.search(q, f, limit=20))
        by_kind[kind].append(seconds * 1000)
    filtered = by_kind["country"] + by_kind["ages"] + by_kind["language"]
    every = np.array(by_kind["none"] + filtered)

    # Reference: one plain numpy pass over as many rows (a top-20 of a float32 array).
    row = np.random.default_rng(0).random(SEARCH_ROWS, dtype=np.float32)
    passes = []
    for _ in range(200):
        seconds, _ = timed(lambda: np.argpartition(row, -20)[-20:])
        passes.append(seconds * 1000)
    reference = float(np.median(passes))
    p50, p95, p99 = np.percentile(every, [50, 95, 99])

    def spread(ms: list[float]) -> str:
        low, high = np.percentile(ms, [50, 95])
        return f"p50 {low:6.2f} ms  p95 {high:6.2f} ms"

    table(
        f"Self-service search, {SEARCH_ROWS:,} profiles, {SEARCH_QUERIES:,} queries (limit 20)"
        + (", every profile with a vision vector" if visions else ""),
        [
            ("profiles generated", f"{generate_s:7.3f} s"),
            ("index built", f"{build_s:7.3f} s"),
            ("no filter", spread(by_kind["none"])),
            ("one random filter", spread(filtered)),
            *((f"  of which {kind} ({len(ms)})", spread(ms)) for kind, ms in by_kind.items() if kind != "none"),
            ("all queries", f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms  max {every.max():6.2f} ms"),
            ("target", f"{verdict(p50 <= SEARCH_TARGET_MS)} (p50 <= {SEARCH_TARGET_MS:.0f} ms)"),
            ("numpy argpartition pass", f"{reference:6.2f} ms  (median of 200, same rows)"),
            ("search p50 / numpy pass", f"{p50 / reference:.1f}"),
        ],
    )


def two_sides_50k(f: dict | None) -> None:
    if f is None:
        print("\nTwo sides, 50,000 per side: skipped (BENCH_QUICK=1)")
        return
    table(
        "Two sides, 50,000 per side, capacities 1-3 (engine, k=12, fresh process, one run)",
        [
            ("time", f"{f['cold_s']:7.3f} s"),
            (
                "peak RSS (process)",
                f"{f['rss_peak_mib']:7.1f} MiB  (after data, before matching: {f['rss_baseline_mib']:.1f} MiB)",
            ),
            ("candidates", f"{f['candidates']:,}"),
            ("total", f"{f['total']:.3f} over {f['pairs']:,} pairs"),
        ],
    )


def main() -> None:
    print(
        f"Matching engine benchmark: Python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, when={WHEN.isoformat()}"
    )
    # The fresh-process runs go first: a child's ru_maxrss starts from its parent's resident size
    # at the fork (Linux keeps the high-water mark across exec), so the parent must still be small.
    cohort_10k = in_fresh_process(10_000, warm_runs=3, trace=True)
    cohort_10k_visions = in_fresh_process(10_000, warm_runs=3, trace=True, visions=True)
    cohort_50k = None if os.environ.get("BENCH_QUICK") == "1" else in_fresh_process(50_000, warm_runs=0, trace=False)
    exact_2k_s = two_sides_2k()
    two_sides_10k(cohort_10k, exact_2k_s)
    two_sides_10k(cohort_10k_visions, exact_2k_s, visions=True)
    one_pool_10k()
    search_200k()
    search_200k(visions=True)
    two_sides_50k(cohort_50k)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f} (other work on the machine skews the timings)")


if __name__ == "__main__":
    main()
