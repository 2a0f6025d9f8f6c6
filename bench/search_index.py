"""The partner-search index built once and mapped by every web process, against one index per process.

Run by `make bench` from the repository root (BENCH_QUICK=1: 50,000 profiles instead of 200,000).
At 200,000 varied profiles (12 languages at 3 levels, 30 countries, ages 5-18, a vision for 40 %):

- build: the index's arrays from the profiles (what the job does after reading them), written as
  a new version (every file synced) and made current; its size on disk;
- memory: N=4 processes each mapping the built index and searching it, against N=4 processes
  each holding the index built in memory with its profiles (how every web process held it before).
  RSS and PSS (proportional set size: a page shared by four processes counts a quarter in each)
  from /proc/self/smaps_rollup, measured while all four are alive, less each process's own
  figures before it held an index (Python, numpy and the engine imported);
- queries: the same queries against the mapped index and the index in memory, CPU time.

Every figure comes with its reference from the same run, as a ratio. CPU times are the figures to
compare between runs on a shared machine; the load average is printed at the start and the end.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import json
import os
import random
import subprocess  # nosec B404  # the benchmark starts copies of itself, one per web process it stands for
import tempfile
import time
from datetime import UTC, datetime

import numpy as np

from twinning.matching.engine import SearchIndex
from twinning.matching.engine.search import Filters
from twinning.matching.engine.stored import IndexStore, open_index
from twinning.matching.engine.synthetic import LANGUAGES, THEMES, WORLD, varied_pool

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)
ROWS = 50_000 if os.environ.get("BENCH_QUICK") else 200_000
SEED = 2
PROCESSES = 4
QUERIES = 300
MIB = 1024 * 1024


def cpu(run):
    start = time.process_time()
    result = run()
    return time.process_time() - start, result


def rollup() -> dict[str, int]:
    """RSS and PSS of this process, in bytes."""
    figures = {}
    with open("/proc/self/smaps_rollup") as source:
        for line in source:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                figures[name] = int(rest.split()[0]) * 1024
    return figures


def searches(profiles_seed: int, count: int):
    """Queries from outside the index, half with one filter."""
    rng = random.Random(profiles_seed)  # nosec B311  # seeded benchmark queries: no secret
    for i, query in enumerate(varied_pool(count, seed=profiles_seed)):
        kind = "none" if i % 2 == 0 else rng.choice(("country", "ages", "language", "theme"))
        yield (
            query,
            {
                "none": Filters(),
                "country": Filters(countries=frozenset({rng.choice(sorted(WORLD))})),
                "ages": Filters(age_from=(low := rng.randint(5, 16)), age_to=low + rng.randint(0, 3)),
                "language": Filters(language=rng.choice(LANGUAGES)),
                "theme": Filters(theme=rng.choice(THEMES)),
            }[kind],
        )


def child(kind: str, directory: str) -> None:
    """One web process: hold the index (mapped, or built in memory with its profiles), search it,
    report, then wait until every other process has reported before measuring again and leaving."""
    before = rollup()
    if kind == "mapped":
        index, _info = open_index(Path(directory))
    else:
        index = SearchIndex(varied_pool(ROWS, seed=SEED), when=WHEN)
    for query, filters in searches(7, 50):
        index.ranked(query, filters, limit=20)
    print(json.dumps({"before": before}), flush=True)
    sys.stdin.readline()
    print(json.dumps({"before": before, "after": rollup()}), flush=True)
    sys.stdin.readline()  # every process has measured: it may let go of the index now


def processes(kind: str, directory: Path) -> list[dict[str, dict[str, int]]]:
    """Start PROCESSES children of a kind, let them all hold and search the index, then measure."""
    started = [
        subprocess.Popen(  # noqa: S603  # nosec B603  # this very script, with fixed arguments
            [sys.executable, __file__, "--child", kind, str(directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for process in started:
            json.loads(process.stdout.readline())
        for process in started:
            process.stdin.write("\n")
            process.stdin.flush()
        figures = [json.loads(process.stdout.readline()) for process in started]
        for process in started:
            process.stdin.write("\n")
            process.stdin.flush()
        return figures
    finally:
        for process in started:
            process.wait(timeout=600)


def held(figures: list[dict[str, dict[str, int]]], name: str) -> float:
    """Mean over the processes of what holding the index added to `name` (RSS or PSS), in MiB."""
    return float(np.mean([f["after"][name] - f["before"][name] for f in figures])) / MIB


def main() -> None:
    print(f"Partner-search index shared by web processes, {ROWS:,} varied profiles")
    print(f"load average at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    generate_s, profiles = cpu(lambda: varied_pool(ROWS, seed=SEED))
    build_s, memory = cpu(lambda: SearchIndex(profiles, when=WHEN))
    with tempfile.TemporaryDirectory(prefix="search-index-") as root:
        store = IndexStore(Path(root) / "2026")
        started = time.perf_counter()
        write_cpu, version = cpu(lambda: store.publish(memory.arrays, memory.tables, info={"rows": ROWS}))
        write_s = time.perf_counter() - started
        directory = store.root / version
        size = sum(f.stat().st_size for f in directory.iterdir())
        largest = sorted(((f.stat().st_size, f.name) for f in directory.iterdir()), reverse=True)[:3]
        open_s, (mapped, _info) = cpu(lambda: open_index(directory))

        print(f"  profiles generated (reference)      {generate_s:8.2f} s CPU")
        print(f"  index built from them               {build_s:8.2f} s CPU  ({build_s / generate_s:.2f} x generating)")
        print(f"  written, synced, made current       {write_s:8.2f} s wall, {write_cpu:.2f} s CPU")
        print(f"  on disk                             {size / MIB:8.1f} MiB")
        print("    largest: " + ", ".join(f"{name} {bytes_ / MIB:.1f} MiB" for bytes_, name in largest))
        print(f"  mapped by a process                 {open_s * 1000:8.2f} ms CPU")

        # Queries: mapped against in memory, the same queries in turns (so load hits both alike).
        times: dict[str, list[float]] = {"memory": [], "mapped": []}
        same = True
        for query, filters in searches(11, QUERIES):
            results = {}
            for name, index in (("memory", memory), ("mapped", mapped)):
                seconds, results[name] = cpu(lambda i=index, q=query, f=filters: i.ranked(q, f, limit=20))
                times[name].append(seconds * 1000)
            same &= results["memory"] == results["mapped"]
        for name in ("memory", "mapped"):
            p50, p95 = np.percentile(times[name], [50, 95])
            print(f"  query CPU, index {name:<6}             p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
        ratio = np.median(times["mapped"]) / np.median(times["memory"])
        print(f"  mapped / in memory (p50)            {ratio:8.2f}   identical results: {same}")

        memory = profiles = None  # the children's figures are their own: nothing of this process counts
        figures = {kind: processes(kind, directory) for kind in ("memory", "mapped")}
    print(f"  memory per web process, {PROCESSES} processes alive at once (what holding the index adds):")
    for kind in ("memory", "mapped"):
        label = "index in memory (before)" if kind == "memory" else "index mapped (now)"
        print(f"    {label:<26} RSS {held(figures[kind], 'Rss'):7.1f} MiB   PSS {held(figures[kind], 'Pss'):7.1f} MiB")
    for name in ("Rss", "Pss"):
        ratio = held(figures["mapped"], name) / held(figures["memory"], name)
        print(f"    mapped / in memory, {name}          {ratio:8.3f}")
    total = {kind: PROCESSES * held(figures[kind], "Pss") for kind in figures}
    before, now = total["memory"], total["mapped"]
    print(f"    all {PROCESSES} processes together (PSS)    {before:7.1f} MiB before, {now:7.1f} MiB now")
    print(f"load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
