"""The access matrix: every URL name, sixteen kinds of people, GET and POST (declared in ``access_matrix``).

The network is built once per test process and module, inside a transaction rolled back at the
end; each request runs in its own savepoint, rolled back after it, and the stored files a POST
removed or added are put back as they were, so no request sees another's effects and the
declarations stay independent of their order.
"""

import contextlib
import io
import json
import math
import os
import zipfile
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from twinning.accounts import middleware as account_middleware
from twinning.api.tests.conftest import check_against_schema, token_for
from twinning.common.tests import access_matrix as matrix
from twinning.common.tests import access_network

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST")
REDIRECTS = (301, 302, 303, 307, 308)


# --- The network, once per module -----------------------------------------------------------------


class LeanClient(Client):
    """The test client without its capture of every rendered template and context.

    The matrix reads statuses, headers and bodies only; copying each template's context for
    ``response.context`` was a quarter of its time. Server errors are still raised, as by ``Client``.
    """

    def request(self, **request):
        environ = self._base_environ(**request)
        uid = f"request-exception-{id(request)}"
        got_request_exception.connect(self.store_exc_info, dispatch_uid=uid)
        try:
            response = self.handler(environ)
        finally:
            got_request_exception.disconnect(dispatch_uid=uid)
        self.check_exception(response)
        return response


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("access-matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A session notes when it was last used at most once a minute; each request here is rolled back,
    # so once the first minute has passed every request would write its session again, for nothing
    # the matrix looks at (the session clocks have their own tests in accounts).
    quiet_sessions = mock.patch.object(account_middleware, "SEEN_RESOLUTION", math.inf)
    # Each persona's API token is used for every API operation: no rate limit here.
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, TWINNING_API_RATE_PER_MINUTE=10**9),
        quiet_sessions,
        _one_layout_per_document(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            network = access_network.build()
            cookies = access_network.session_cookies(network.people)
            world = SimpleNamespace(
                network=network,
                cookies=cookies,
                # The API is called with a token of every scope; pupils (children) and the anonymous
                # visitor have none, and call it without.
                tokens={
                    persona: token_for(user)
                    for persona, user in network.people.items()
                    if user is not None and persona not in matrix.PUPILS
                },
                clients={persona: LeanClient() for persona in access_network.PERSONAS},
                fingerprint_sql=_fingerprint_sql(),
                media=media,
                urls={},
                files={path: path.read_bytes() for path in _stored(media)},
            )
            # Every request is rolled back: the database before any of them is this one.
            world.fingerprint = _fingerprint(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextlib.contextmanager
def _one_layout_per_document():
    """WeasyPrint lays out each distinct HTML document once for the whole matrix.

    The certificate is the same document for everyone allowed to download it (it is in its holder's
    language), and laying it out took most of the matrix's time on that URL. Every request still
    goes through the view, its access check and the template that writes the document; only the
    layout of a document already laid out is reused, and the first one is WeasyPrint's real PDF.
    """
    import weasyprint

    real = weasyprint.HTML
    laid_out: dict[str, bytes] = {}

    class Document:
        def __init__(self, *, string: str, **options):
            self.string, self.options = string, options

        def write_pdf(self) -> bytes:
            if self.string not in laid_out:
                laid_out[self.string] = real(string=self.string, **self.options).write_pdf()
            return laid_out[self.string]

    with mock.patch.object(weasyprint, "HTML", Document):
        yield


def _fingerprint_sql() -> str:
    """One query counting the rows of every table of the project's apps (the audit log among them)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model.__module__.startswith("twinning.") and not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)


def _fingerprint(world) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(world.fingerprint_sql)
        return cursor.fetchone()


def _stored(media: Path) -> set[Path]:
    # os.walk: a third of the time of Path.rglob, and this runs after every POST.
    return {Path(folder, name) for folder, _dirs, names in os.walk(media) for name in names}


def _put_files_back(world) -> bool:
    """Restore the stored files as the network left them (a rollback does not bring back a file a
    request deleted); whether anything had changed."""
    now = _stored(world.media)
    missing, added = set(world.files) - now, now - set(world.files)
    for path in missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(world.files[path])
    for path in added:
        path.unlink()
    return bool(missing or added)


# --- One request, judged ------------------------------------------------------------------------------


@dataclass
class Seen:
    outcome: object  # OK, SIGN_IN, ADMIN_SIGN_IN or a status code
    status: int
    location: str = ""
    error: str = ""
    changed: bool = False
    found: tuple = ()  # the secrets the body shows
    leaks: tuple = ()  # those the persona may not read

    def describe(self) -> str:
        if self.error:
            return f"500 ({self.error})"
        where = f" → {self.location}" if self.location else ""
        return f"{self.outcome} ({self.status}{where})"


_LOGIN = urlsplit(reverse("accounts:login")).path
_ADMIN_LOGIN = urlsplit(reverse("admin:login")).path


def _outcome(response) -> tuple[object, str]:
    code = response.status_code
    if code in REDIRECTS:
        location = response["Location"]
        path = urlsplit(location).path
        if path == _LOGIN:
            return matrix.SIGN_IN, location
        if path == _ADMIN_LOGIN:
            return matrix.ADMIN_SIGN_IN, location
        return matrix.OK, location
    return (matrix.OK if 200 <= code < 300 else code), ""


def url_of(case: matrix.Case, network) -> str:
    url = reverse(case.name, kwargs=case.kwargs(network))
    return f"{url}?{case.query(network)}" if case.query else url


def _send(world, case: matrix.Case, persona: str, method: str, url: str):
    """A page is asked with the persona's session; the API with their token, and its answer must
    be one its published schema declares."""
    network = world.network
    client = world.clients[persona]
    if not case.api:
        client.cookies = SimpleCookie(world.cookies[persona])
        if method == "GET":
            return client.get(url)
        return client.post(url, case.data(network) if case.data else {})
    client.cookies = SimpleCookie()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[persona]}"} if persona in world.tokens else {}
    if method == "GET":
        response = client.get(url, **headers)
    else:
        body = json.dumps(case.data(network) if case.data else {})
        method = case.write
        response = client.generic(method, url, body, content_type="application/json", **headers)
    if response.status_code != 405:  # a method the operation does not have is Django Ninja's answer
        check_against_schema(response, url, method)
    return response


def request(world, case: matrix.Case, persona: str, method: str) -> Seen:
    """Send one request as the persona, in a savepoint rolled back afterwards."""
    network = world.network
    if case.id not in world.urls:  # worked out once: each case is asked up to 32 times
        world.urls[case.id] = url_of(case, network)
    url = world.urls[case.id]
    refusal = method == "POST" and _plain(case.expected(method)[persona]) in matrix.REFUSALS
    with transaction.atomic():
        try:
            try:
                response = _send(world, case, persona, method, url)
            except AssertionError:
                raise
            except Exception as error:  # noqa: BLE001  (a server error is an outcome to report)
                return Seen(outcome=500, status=500, error=f"{type(error).__name__}: {error}")
            outcome, location = _outcome(response)
            # Reading a streamed body to its end closes it; the client has closed any other one.
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.get("Content-Type") == "application/zip":
                body = _unzipped(body)  # its members are compressed: look for the secrets inside
            changed = refusal and _fingerprint(world) != world.fingerprint
        finally:
            transaction.set_rollback(True)
            files_changed = method == "POST" and _put_files_back(world)
    changed = changed or (refusal and files_changed)
    found = tuple(marker for marker in matrix.SECRETS if marker.encode() in body)
    # The admin site shows every row to the administrator: that is what it is for.
    everything = persona == "admin" and case.name.startswith("admin:")
    leaks = tuple(marker for marker in found if not everything and persona not in matrix.readers(case, marker))
    return Seen(outcome, response.status_code, location, changed=changed, found=found, leaks=leaks)


def _unzipped(body: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def _plain(expected):
    return expected.outcome if isinstance(expected, matrix.Known) else expected


def _matches(expected, seen: Seen) -> bool:
    if seen.error or seen.changed or seen.leaks:
        return False
    if expected == matrix.TO_SIGN_IN:
        return seen.outcome == matrix.SIGN_IN
    if expected == matrix.REFUSED:
        return seen.outcome == matrix.OK
    return expected == seen.outcome


def problem(case: matrix.Case, persona: str, method: str, expected, seen: Seen) -> str:
    lines = [f"{method} {case.id} as {persona}: expected {expected}, got {seen.describe()}"]
    if seen.changed:
        lines.append("    and this refused POST changed the database (row counts) or the stored files")
    for marker in seen.leaks:
        lines.append(f"    and it shows {matrix.SECRETS[marker][0]} ({marker!r}), not theirs to read")
    return "\n".join(lines)


# --- Which URLs exist -------------------------------------------------------------------------------


def url_names(resolver=None, namespace=()) -> dict[str, str]:
    """Every named URL of the project (namespaces included) -> its route, walking the resolver."""
    found = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            found.update(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[":".join((*namespace, pattern.name))] = str(pattern.pattern)
    return found


ALL_CASES = matrix.CASES + matrix.admin_cases(url_names())
CASES_BY_ID = {case.id: case for case in ALL_CASES}
DECLARED = {case.name for case in ALL_CASES}


# --- The tests --------------------------------------------------------------------------------------


def test_every_url_name_is_declared_and_every_declaration_is_a_url():
    names = url_names()
    missing = [f"{name} (/{names[name]})" for name in sorted(set(names) - DECLARED)]
    stale = sorted(DECLARED - set(names))
    assert (missing, stale) == ([], []), (
        "Declare who may use each URL in twinning/common/tests/access_matrix.py "
        f"(undeclared: {missing}; declared but no such URL: {stale})"
    )
    assert len(CASES_BY_ID) == len(ALL_CASES), "two cases share a name and variant: give one a variant"


def test_the_admin_site_checks_who_enters_in_one_place(world):
    """What lets most admin URLs be tried with two personas only (see ``access_matrix.ADMIN_FOR_EVERYONE``):
    Django's own admin site, whose URLs (Django's own, none of ours) all pass its entry check first,
    and nobody on staff but the administrator."""
    from django.contrib import admin

    own_urls = sorted(
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not type(model_admin).get_urls.__module__.startswith("django.")
    )
    staff = sorted(name for name, user in world.network.people.items() if user is not None and user.is_staff)
    assert (type(admin.site).__module__, own_urls, staff) == ("django.contrib.admin.sites", [], ["admin"])
    assert matrix.ADMIN_FOR_EVERYONE <= DECLARED


@pytest.mark.parametrize("case_id", list(CASES_BY_ID))
def test_access(world, case_id):
    case = CASES_BY_ID[case_id]
    problems = []
    for method in METHODS:
        for persona, expected in case.expected(method).items():
            if isinstance(expected, matrix.Known):
                continue  # run by test_known_defect
            seen = request(world, case, persona, method)
            if not _matches(expected, seen):
                problems.append(problem(case, persona, method, expected, seen))
    assert not problems, f"{url_of(case, world.network)}\n" + "\n".join(problems)


@pytest.mark.parametrize("marker", list(matrix.SHOWN))
def test_every_secret_is_shown_to_one_of_its_readers(world, marker):
    # Otherwise a secret no page ever shows would make its checks pass whatever the code did.
    case_id, persona = matrix.SHOWN[marker]
    assert persona in matrix.SECRETS[marker][1]
    seen = request(world, CASES_BY_ID[case_id], persona, "GET")
    assert (seen.outcome, marker in seen.found) == (matrix.OK, True)


def _known_cells() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(case, what is wrong) -> its cells (persona, method)."""
    cells: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for case in ALL_CASES:
        for method in METHODS:
            for persona, expected in case.expected(method).items():
                if isinstance(expected, matrix.Known):
                    cells.setdefault((case.id, expected.reason), []).append((persona, method))
    return cells


KNOWN = _known_cells()


def _who(personas: set[str]) -> str:
    return "+".join(sorted(personas)) if len(personas) <= 3 else f"{len(personas)}-personas"


@pytest.mark.parametrize(
    ("case_id", "reason"),
    [
        pytest.param(
            case_id,
            reason,
            id=f"{case_id}-{_who({persona for persona, _method in cells})}",
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason),
        )
        for (case_id, reason), cells in KNOWN.items()
    ],
)
def test_known_defect(world, case_id, reason):
    """Each known defect of a URL, all its cells at once: the day they all answer right, XPASS says so."""
    case = CASES_BY_ID[case_id]
    problems = []
    for persona, method in KNOWN[case_id, reason]:
        expected = case.expected(method)[persona].outcome
        seen = request(world, case, persona, method)
        if not _matches(expected, seen):
            problems.append(problem(case, persona, method, expected, seen))
    assert not problems, "\n".join(problems)
