"""scripts/audit.py: a verdict on the locked requirements from pip-audit, against a stand-in advisory service.

The stand-in is an OSV API on 127.0.0.1 (pip-audit's --osv-url): it knows one hole in Django, or
none, or answers 500; a closed port stands for a service that cannot be reached.
"""

import json
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "audit.py"
HOLE = {
    "id": "GHSA-test-0001",
    "summary": "A hole for the test",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }
    ],
}


@contextmanager
def advisory_service(answer):
    """An OSV query API on a free local port; `answer(package_name)` gives (status, JSON body)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, body = answer(query["package"]["name"])
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/query"
    finally:
        server.shutdown()
        server.server_close()


def audit(url, tmp_path, *options):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *options, "--", "-s", "osv", "--osv-url", url, "--cache-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_audit_fails_on_a_known_vulnerability_and_names_it(tmp_path):
    with advisory_service(lambda name: (200, {"vulns": [HOLE]} if name == "django" else {})) as url:
        result = audit(url, tmp_path)

    assert result.returncode == 1
    assert "known vulnerabilities in 1 locked packages:" in result.stderr
    assert "GHSA-test-0001 (fixed in 99.0) A hole for the test" in result.stderr


def test_audit_passes_when_no_locked_package_has_one(tmp_path):
    with advisory_service(lambda name: (200, {})) as url:
        result = audit(url, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("audited ")
    assert result.stdout.strip().endswith("locked packages: no known vulnerabilities")


def test_audit_says_when_the_service_cannot_be_reached_and_fails_only_when_strict(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/query"
    lenient, strict = audit(url, tmp_path), audit(url, tmp_path, "--strict")

    assert lenient.returncode == 0
    assert lenient.stdout.startswith("not audited: advisory service unreachable")
    assert strict.returncode == 2
    assert strict.stderr.startswith("not audited: advisory service unreachable")


def test_audit_takes_a_broken_service_for_an_unreachable_one(tmp_path):
    with advisory_service(lambda name: (500, {})) as url:
        result = audit(url, tmp_path)

    assert result.returncode == 0
    assert result.stdout.startswith("not audited: advisory service unreachable")


def test_audit_reads_packages_skipped_by_pypi_as_not_audited():
    # What pip-audit's default service (PyPI's JSON API) reports when it answers 404 for every package.
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2)"}
    report = subprocess.CompletedProcess([], 0, stdout=json.dumps({"dependencies": [skipped]}), stderr="")

    assert module.verdict(report, strict=False) == (
        0,
        [
            "not audited: advisory service unreachable: none of the 1 locked packages could be checked, "
            "e.g. Dependency not found on PyPI and could not be audited: django (5.2)"
        ],
    )
    assert module.verdict(report, strict=True)[0] == 2
