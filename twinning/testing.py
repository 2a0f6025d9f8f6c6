"""Plain factories for tests: small functions that make valid rows with sensible defaults."""

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import django.http
import django.test
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import setting_changed
from django.db import connection
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning.accounts import rules, second_factor, sessions
from twinning.accounts.models import Role, User
from twinning.schools.models import NSO, Country, Language, Programme, School, Subject, TeacherProfile, ValidationStatus

PASSWORD = "a-long-test-passphrase-42"
_seq = itertools.count(1)


def enrol_second_factor(user: User) -> TOTPDevice:
    """The person's authenticator app (one is set up for them when they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=second_factor.APP_DEVICE_NAME, confirmed=True)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods of 30 s later: a code is
    accepted once, and the next period's is accepted too, as a clock a little ahead would show)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def pass_second_step(client: django.test.Client, user: User) -> None:
    """Mark the client's session as having passed the second step, as the person's code would.

    Someone whose role needs a second factor and who has none gets an app first. Someone with no
    app and no such role is recorded as owing nothing, as the sign-in page does.
    """
    fresh = User.objects.get(pk=user.pk)  # roles are cached on the object: read them afresh
    session = client.session
    if rules.mfa_required(fresh) or second_factor.has_authenticator(fresh):
        session[DEVICE_ID_SESSION_KEY] = enrol_second_factor(fresh).persistent_id
    else:
        session[sessions.NO_SECOND_FACTOR] = True
    session.save()


def signed_in_session(user: User) -> str:
    """The key of a stored session as the sign-in page leaves it, second step passed: for a load
    test's clients, which send it as their cookie without going through the pages."""
    fresh = User.objects.get(pk=user.pk)  # roles are cached on the object: read them afresh
    session = SessionStore()
    session["_auth_user_id"] = str(fresh.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = fresh.get_session_auth_hash()
    session[sessions.STARTED] = session[sessions.SEEN] = sessions.now()
    if rules.mfa_required(fresh) or second_factor.has_authenticator(fresh):
        session[DEVICE_ID_SESSION_KEY] = enrol_second_factor(fresh).persistent_id
    else:
        session[sessions.NO_SECOND_FACTOR] = True
    session.create()
    return session.session_key


# The settings twinning/conftest.py sets around every test: none of them is read when middleware
# is set up, so changing them keeps the shared handlers below.
PER_TEST_SETTINGS = frozenset(
    {
        "PASSWORD_HASHERS",
        "JOBS_IMMEDIATE",
        "EMAIL_BACKEND",
        "EMAIL_DELIVERY_BACKEND",
        "MATCHING_INDEX_MAX_AGE",
        "MATCHING_INDEX_DIR",
    }
)
_handlers: dict[bool, ClientHandler] = {}


def _forget_handlers(*, setting: str, **kwargs) -> None:
    if setting not in PER_TEST_SETTINGS:
        _handlers.clear()


setting_changed.connect(_forget_handlers)


class Client(django.test.Client):
    """The test client every test gets (see conftest). ``force_login`` also passes the second step
    (``pass_second_step``), so a test about a page need not go through it; tests of the second step
    itself use Django's plain client, whose ``force_login`` leaves it owed.

    Its request handler (the middleware chain) is shared by every such client until a setting other
    than ``PER_TEST_SETTINGS`` changes: setting up the chain makes WhiteNoise list every static
    file, which cost as much as many a test.
    """

    @property
    def handler(self) -> ClientHandler:
        shared = _handlers.get(self._enforce_csrf_checks)
        if shared is None:
            shared = _handlers[self._enforce_csrf_checks] = ClientHandler(self._enforce_csrf_checks)
        return shared

    @handler.setter
    def handler(self, handler: ClientHandler) -> None:  # django.test.Client.__init__ makes its own
        self._enforce_csrf_checks = handler.enforce_csrf_checks

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        pass_second_step(self, user)


def as_(client: django.test.Client, user: User, language: str | None = None) -> django.test.Client:
    """The test client, signed in as ``user`` (second step passed): ``as_(client, teacher).get(...)``;
    with ``language``, the person reads the site in it from now on."""
    if language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    client.force_login(user)
    return client


def create_pupils_on_the_page(client: django.test.Client, teacher, names: list[str]):
    """Pupil accounts made by ``teacher`` (a teacher profile) on the pupils page; the page with the login sheet."""
    return as_(client, teacher.user).post("/accounts/pupils/", {"names": "\n".join(names)})


def make_nso(slug: str, name: str) -> NSO:
    return NSO.objects.create(slug=slug, names={"en": name})


def make_country(code: str, name: str, *, nso: NSO | None, time_zone: str = "UTC", week: str = "mon_fri") -> Country:
    return Country.objects.create(
        code=code, names={"en": name}, nso=nso, default_time_zone=time_zone, default_school_week=week
    )


def make_person(
    *, name: str = "", email: str | None = None, language: str = "en", confirmed: bool = True, **fields
) -> User:
    n = next(_seq)
    return User.objects.create_user(
        email=email if email is not None else f"person{n}@example.org",
        password=PASSWORD,
        full_name=name or f"Person {n}",
        preferred_language=language,
        email_confirmed_at=timezone.now() if confirmed else None,
        **fields,
    )


def make_school(*, country: Country, name: str = "", status: str = ValidationStatus.VALIDATED, **fields) -> School:
    n = next(_seq)
    values = {
        "name": name or f"School {n}",
        "city": "Springfield",
        "school_type": School.Type.PUBLIC,
        "age_from": 10,
        "age_to": 14,
        "time_zone": country.default_time_zone,
        "school_week": country.default_school_week,
        "status": status,
        **fields,
    }
    school = School.objects.create(country=country, **values)
    school.languages.set(Language.objects.filter(code__in=["en"]))
    return school


def make_teacher(
    *,
    school: School,
    status: str = ValidationStatus.VALIDATED,
    confirmed: bool = True,
    name: str = "",
    language: str = "en",
    **user_fields,
) -> TeacherProfile:
    user = make_person(name=name, confirmed=confirmed, language=language, **user_fields)
    teacher = TeacherProfile.objects.create(
        user=user,
        school=school,
        status=status,
        decided_at=timezone.now() if status != ValidationStatus.PENDING else None,
    )
    teacher.subjects.set(Subject.objects.filter(code="history"))
    teacher.languages.set(Language.objects.filter(code="en"))
    return teacher


def grant(
    user: User, kind: str, *, nso: NSO | None = None, programme: Programme | None = None, school: School | None = None
) -> Role:
    return Role.objects.create(user=user, kind=kind, nso=nso, programme=programme, school=school)


def approved_twinning_with_new_partner(cast, *, name: str):
    """An approved twinning between the cast's Israeli school and a new British school (and its teacher)."""
    from twinning.twinnings import services

    school = make_school(country=cast.uk, name=name)
    teacher = make_teacher(school=school, name=f"Teacher of {name}")
    twinning = services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[school],
        by=cast.teacher_a.user,
        school_year=2026,
        titles={"en": f"Twinning with {name}"},
    )
    services.answer_invitation(twinning=twinning, row=twinning.schools.get(school=school), by=teacher.user, accept=True)
    services.approve_twinning(twinning=twinning, by=cast.coordinator)
    return twinning


def active_twinning(cast, *, title: str = "Our towns", start: bool = True):
    """A twinning between the cast's Israeli and British schools, proposed by the Israeli teacher, accepted by the
    British one and approved by the coordinator; and, with `start`, started (the ``twinning`` fixture)."""
    from twinning.twinnings import services

    twinning = services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[cast.school_b],
        by=cast.teacher_a.user,
        school_year=2026,
        titles={"en": title},
    )
    row = twinning.schools.get(school=cast.school_b)
    services.answer_invitation(twinning=twinning, row=row, by=cast.teacher_b.user, accept=True)
    services.approve_twinning(twinning=twinning, by=cast.coordinator)
    if start:
        services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    return twinning


def walk_pages(reader: django.test.Client, url: str, *, not_counted: str) -> tuple[list[int], list]:
    """Every page of a list paged by key from `url`, by its next links (``?after=<cursor>``): each page's query
    count and the rows shown. Savepoints and the queries whose SQL names `not_counted` (the table of the visit a
    page records for its reader, whose writes depend on when the reader last came) are not counted."""
    counts, shown = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(sum(not_counted not in q["sql"] and "SAVEPOINT" not in q["sql"] for q in captured))
        page = response.context["page"]
        shown += list(page)
        url = f"{url.split('?')[0]}?after={page.next_cursor}" if page.has_next else ""
    return counts, shown


def reply_lands_on_the_last_page(reader: django.test.Client, thread_url: str, body: str) -> None:
    """`reader` replies `body` to a thread of more than one page at `thread_url`: the site sends them to the
    thread's last page, at the reply (``?before=end#post-<id>``), which ends with the reply after older posts."""
    answer = reader.post(thread_url, {"body": body})
    assert answer.status_code == 302, answer.status_code
    page = reader.get(answer["Location"]).context["page"]
    shown = list(page)
    assert answer["Location"] == f"{thread_url}?before=end#post-{shown[-1].pk}"
    assert shown[-1].body == body
    assert page.has_previous and not page.has_next


# axe-core, pinned in package.json and installed into node_modules/ by `make browser-deps`.
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.2, levels A and AA (axe's tags; 2.2 adds no level A rule).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
# And axe's best practices: unique landmarks, the order of headings, a page's one main heading...
AXE_TAGS_AND_BEST_PRACTICE = (*AXE_TAGS, "best-practice")
# Violations axe finds that are known and not yet fixed, each with its reason: (rule id, a part of the
# failing node's selector) -> why. Empty while every page passes.
AXE_EXCEPTIONS: dict[tuple[str, str], str] = {}

_AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def axe_violations(page, *, tags: tuple[str, ...] = AXE_TAGS) -> list[dict]:
    """What axe-core finds against WCAG 2.2 A and AA (or other ``tags``: see
    ``AXE_TAGS_AND_BEST_PRACTICE``) on the page a Playwright ``page`` shows now:
    ``[{"id", "impact", "help", "nodes": [{"target", "summary"}]}]``, less the known exceptions
    (``AXE_EXCEPTIONS``). axe is injected as a script of its own, which the site's CSP
    (script-src 'self') refuses: the page's context must be made with ``bypass_csp=True``."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    found = []
    for violation in page.evaluate(_AXE_RUN, list(tags)):
        nodes = [
            node
            for node in violation["nodes"]
            if not any(rule == violation["id"] and part in node["target"] for rule, part in AXE_EXCEPTIONS)
        ]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def describe_violations(violations: list[dict]) -> str:
    """The violations as lines to read in a failing test: rule, impact, what it asks, and each node."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  -- {summary[:300]}")
    return "\n".join(lines)


def make_cast() -> SimpleNamespace:
    """The cast of the ``cast`` fixture (see ``twinning/conftest.py``), for fixtures of wider scope too."""
    il_nso = make_nso("il", "Israel NSO")
    uk_nso = make_nso("uk", "UK NSO")
    israel = make_country("IL", "Israel", nso=il_nso, time_zone="Asia/Jerusalem", week="sun_thu")
    uk = make_country("GB", "United Kingdom", nso=uk_nso, time_zone="Europe/London")
    school_a = make_school(country=israel, name="Reali School")
    school_b = make_school(country=uk, name="King David School")
    teacher_a = make_teacher(school=school_a, name="Dana Levi")
    teacher_b = make_teacher(school=school_b, name="Sarah Cohen")
    pending_il = make_teacher(school=school_a, status=ValidationStatus.PENDING, name="Yossi Mizrahi")
    pending_uk = make_teacher(school=school_b, status=ValidationStatus.PENDING, name="Oliver Brown")
    nso_il = make_person(name="Noa Israeli")
    grant(nso_il, Role.Kind.NSO_STAFF, nso=il_nso)
    nso_uk = make_person(name="Emma Smith")
    grant(nso_uk, Role.Kind.NSO_STAFF, nso=uk_nso)
    principal_a = make_person(name="Ruth Principal")
    grant(principal_a, Role.Kind.PRINCIPAL, school=school_a)
    coordinator = make_person(name="Avi Coordinator")
    grant(coordinator, Role.Kind.COORDINATOR, nso=il_nso)
    admin = make_person(name="Platform Admin", is_superuser=True, is_staff=True)
    return SimpleNamespace(**locals())


def restore_reference_data() -> None:
    """Put back the languages, subjects and objectives the migrations seed.

    A transactional test (the browser tests are) empties every table when it ends, and the data a
    migration wrote goes with it; a later browser test on the same worker builds what it reads.
    """
    import importlib

    from django.apps import apps

    for module in (
        "twinning.schools.migrations.0002_reference_languages_subjects",
        "twinning.matching.migrations.0002_curated_objectives",
    ):
        importlib.import_module(module).add(apps, None)


def _with_cursor(url: str, name: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in (name, "after", "before")
    ]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, cursor)])))


@dataclass
class KeysetWalk:
    """A keyset list walked from its first page by the next links and back by the previous links."""

    forward: list[list]  # each page's rows, first page first
    backward: list[list]  # each page's rows, last page first
    counts: list[int]  # the query count of each page going forward
    last: django.http.HttpResponse  # the last page's response

    @property
    def rows(self) -> list:
        return [row for page in self.forward for row in page]


def small_keyset_pages(monkeypatch, views, size: int) -> None:
    """Pages of `size` rows from the keyset pager as `views` calls it (the views write their sizes in the calls, so
    the pager they imported is wrapped), for a test to walk many pages with few rows."""
    real = views.keyset_page

    def small(request, queryset, *, keys, prefix="", **_size):
        return real(request, queryset, keys=keys, size=size, prefix=prefix)

    monkeypatch.setattr(views, "keyset_page", small)


def walk_keyset(
    client: django.test.Client, url: str, *, context: str = "page", rows: Callable[[Any], list] = list, prefix: str = ""
) -> KeysetWalk:
    """Every page of the list `context` on the page at `url` (paged by `common.keyset`, with `prefix` for a page with
    two lists): forward from the first page, then back from the last, with the queries each page going forward took.
    `rows` turns a response's page into the rows compared (the page's objects by default).

    The first page is asked for once before counting, so that the counts are a warm process's: the reference rows
    each process keeps (`common.reference`) are read on its first page only."""
    forward, counts, backward = [], [], []
    client.get(url)
    page_url: str | None = url
    while page_url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page_url)
        assert response.status_code == 200, page_url
        counts.append(len(captured))
        page = response.context[context]
        forward.append(rows(page))
        page_url = _with_cursor(url, f"{prefix}after", page.next_cursor) if page.has_next else None
    last = response
    while True:
        backward.append(rows(page))
        if not page.has_previous:
            break
        response = client.get(_with_cursor(url, f"{prefix}before", page.previous_cursor))
        assert response.status_code == 200
        page = response.context[context]
    return KeysetWalk(forward=forward, backward=backward, counts=counts, last=last)


def assert_bad_cursor_gives_first_page(
    client: django.test.Client, url: str, *, context: str = "page", prefix: str = ""
):
    """A forged cursor on the list at `url` gives its first page and the message, in the reader's language (the
    client is signed in as someone who reads Hebrew)."""
    first = list(client.get(url).context[context])
    response = client.get(_with_cursor(url, f"{prefix}after", "forged:cursor"), follow=True)
    assert response.status_code == 200
    assert list(response.context[context]) == first
    assert "העמוד הזה ברשימה כבר לא נמצא, ולכן מוצג העמוד הראשון שלה." in response.content.decode()
