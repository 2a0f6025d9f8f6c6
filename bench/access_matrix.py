"""The access matrix's cost: CPU seconds for its network and every request (target: well under 30 s).

Run by `make bench`. Runs the matrix (twinning/common/tests/test_access_matrix.py) in one process,
and, as the reference, the same module's declaration check alone (Python, Django, pytest and the test
database starting: no network, no request). The difference is the matrix's own CPU time, whatever
the number of workers it is later spread over.
"""

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MODULE = "twinning/common/tests/test_access_matrix.py"
TARGET_CPU_S = 30

SIZE = """
import django
django.setup()
from twinning.common.tests import access_matrix, access_network, test_access_matrix as t
cells = [(c, m, p) for c in t.ALL_CASES for m in t.METHODS for p in c.expected(m)]
known = sum(isinstance(c.expected(m)[p], access_matrix.Known) for c, m, p in cells)
names = {c.name for c in t.ALL_CASES}
admin = {n for n in names if n.startswith("admin:")}
admin_cells = sum(c.name.startswith("admin:") for c, _m, _p in cells)
print(len(names), len(admin), len(t.ALL_CASES), len(access_network.PERSONAS), len(t.METHODS), len(cells))
print(admin_cells, known)
"""


def run(*args: str) -> tuple[float, float, str]:
    """CPU seconds (user + system) and wall seconds of one pytest run, and its last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(  # noqa: S603  (our own pytest, with sys.executable)
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"pytest {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, result.stdout.strip().splitlines()[-1]


def main() -> None:
    size = subprocess.run(  # noqa: S603
        [PYTHON, "-c", SIZE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "twinning.settings", "PATH": "/usr/bin:/bin"},
    )
    names, admin, cases, personas, methods, cells, admin_cells, known = (int(v) for v in size.stdout.split())
    base_cpu, base_wall, _ = run("-n", "0", MODULE, "-k", "every_url_name")
    cpu, wall, summary = run("-n", "0", MODULE)
    _cpu2, wall2, _ = run("-n", "2", MODULE)
    matrix_cpu = cpu - base_cpu
    print(
        f"Access matrix: {names} URL names ({admin} of the admin site) in {cases} cases, {personas} personas, "
        f"{methods} methods: {cells} requests ({admin_cells} on the admin site, where most URLs are tried with two "
        f"personas), {known} of them known defects (strict xfail)"
    )
    print(f"  one process: {summary}")
    print(f"  CPU: {matrix_cpu:.1f} s for the matrix (run {cpu:.1f} s − start-up reference {base_cpu:.1f} s)")
    print(
        f"  wall: {wall - base_wall:.1f} s in one process; the module on two workers: {wall2:.1f} s, start-up included"
    )
    verdict = "OK" if matrix_cpu < TARGET_CPU_S else "OVER TARGET"
    print(f"  target: CPU < {TARGET_CPU_S} s: {verdict}")


if __name__ == "__main__":
    main()
