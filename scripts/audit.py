"""Known vulnerabilities in the locked requirements, with pip-audit: a clear verdict either way.

    python scripts/audit.py [--strict] [-- pip-audit options]

Audits requirements.txt and requirements-dev.txt (exact pins: no resolution, no install). pip-audit
alone cannot tell "no known vulnerability" from "nothing could be checked": when its advisory
service cannot be reached it either skips every package and still exits 0 (PyPI's JSON API
answering 404), or exits 1 with a traceback, as it does for a real finding (OSV not answering, or
answering 5xx). This script reads its JSON report and exits with

- 1 when a locked package has a known vulnerability (each is listed), or pip-audit failed for
  another reason;
- 0 when every package was audited and none has one;
- when packages could not be audited ("not audited: ...", and "advisory service unreachable" when
  none could): 0, so that `make lint` says so and goes on, or 2 with --strict (`make audit`), since
  then there is no full verdict.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
# How pip-audit fails when its advisory service cannot be reached or does not answer properly.
UNREACHABLE = ("ConnectionError", "ConnectTimeout", "Could not connect", "Max retries exceeded", "ServiceError")


def pip_audit(extra: list[str]) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "pip-audit"), "--format", "json", "--progress-spinner", "off"]
    for name in REQUIREMENTS:
        command += ["--requirement", str(ROOT / name)]
    # The pins are exact: nothing to resolve or install before asking about them.
    command += ["--no-deps", "--disable-pip", *extra]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  (our own tool)


def verdict(result: subprocess.CompletedProcess, *, strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print, from pip-audit's exit code and JSON report."""
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    if report is None:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        if any(sign in result.stderr for sign in UNREACHABLE):
            return (2 if strict else 0), [f"not audited: advisory service unreachable ({last})"]
        return 1, [f"pip-audit failed (exit code {result.returncode}): {last}", result.stderr[-2000:]]
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    if vulnerable:
        lines = [
            f"{p['name']} {p['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})"
            f" {v.get('description', '')[:200]}"
            for p in vulnerable
            for v in p["vulns"]
        ]
        return 1, [f"known vulnerabilities in {len(vulnerable)} locked packages:", *lines]
    if skipped:
        first = skipped[0]["skip_reason"]
        if len(skipped) == len(packages):
            line = f"not audited: advisory service unreachable: none of the {len(packages)} locked packages "
            line += f"could be checked, e.g. {first}"
        else:
            names = ", ".join(p["name"] for p in skipped)
            line = f"not audited: {len(skipped)} of {len(packages)} locked packages could not be checked ({names}), "
            line += f"e.g. {first}; the others have no known vulnerabilities"
        return (2 if strict else 0), [line]
    if result.returncode != 0:
        return 1, [f"pip-audit failed (exit code {result.returncode})", result.stderr[-2000:]]
    return 0, [f"audited {len(packages)} locked packages: no known vulnerabilities"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 2 when packages could not be audited")
    parser.add_argument("extra", nargs="*", help="options passed to pip-audit (after --)")
    args = parser.parse_args()
    code, lines = verdict(pip_audit(args.extra), strict=args.strict)
    print("\n".join(line for line in lines if line), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
