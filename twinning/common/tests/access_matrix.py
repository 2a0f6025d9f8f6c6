"""Who may use which URL: every URL name of the project, declared once, checked by ``test_access_matrix``.

Adding a URL (the suite fails, naming it, until it is declared here) is one entry in ``CASES``::

    case("app:name", kw(pk="twinning.pk"), get={MEMBERS_AB: OK}, post={TEACHERS_AB: OK}),

- ``kw(...)`` builds the URL's kwargs from the network of ``access_network.build()``: each value is
  a dotted path into it (``"twinning.pk"``, ``"feed.token"``) or a constant. If the URL needs an
  object the network does not have yet, add it there (a few lines, through the app's services).
- ``get`` and ``post`` map persona groups (below) or single personas (``access_network.PERSONAS``)
  to what they get; later entries override earlier ones. Anyone not named gets the project's
  default: the anonymous visitor is sent to the sign-in page (``SIGN_IN``), a signed-in person gets
  404 (not theirs). So ``{MEMBERS_AB: OK}`` reads: the twinning's members may, everyone else signed
  in gets 404, the anonymous visitor signs in first. ``POST_ONLY`` is the usual answer to a GET on a
  ``@login_required @require_POST`` view.
- Outcomes: ``OK`` (any 2xx or 3xx but a redirect to the sign-in page), ``SIGN_IN`` (sent to sign
  in: refused), ``TO_SIGN_IN`` (done, and the answer leads to the sign-in page, as signing out
  does), ``ADMIN_SIGN_IN`` (sent to the admin site's sign-in address, ``/admin/login/``, which
  forwards to the site's own sign-in page with its ``?next=``), ``INVALID`` (400: allowed, the empty
  form is refused), ``REFUSED`` (answered like ``OK``, a page or a redirect saying in words why not)
  or an exact status: 404, 405, 403... A POST answered with a refusal (sign-in, ``REFUSED``, 403,
  404, 405) must also change nothing: the row counts of every table of the project's apps (the
  audit log among them) are compared before and after it.
- ``variant="..."`` declares the same URL name again over other objects (an open and an
  invitation-only community; its test is ``test_access[name/variant]``); ``query`` adds a query
  string; ``data`` is the POST body (empty by default: the point is access, not the form).
- A cell where the code is known to be wrong is declared with the right outcome wrapped in
  ``known(outcome, WHY)``: it runs as a strict xfail (``test_known_defect``), so the day the code is
  fixed the suite turns red and the wrapper goes. A server error is never an outcome.
- ``SECRETS`` lists texts of the network only some people may read: no response to anyone else, on
  any URL, may contain them; ``SHOWN`` says where a reader does see each, so the check means something.

A new kind of person is a new entry in ``access_network.PERSONAS`` and ``build()``'s ``people``, then
in the groups below. The Django admin site is declared as one group (``admin_cases``): the platform
administrator uses it, everyone else is sent to its sign-in page; ``ADMIN_EXCEPTIONS`` lists where
the administrator gets something else on purpose. Everyone is tried on its own pages and the
people's table, the administrator and NSO staff on the rest (``ADMIN_FOR_EVERYONE`` says why that
loses nothing).

Run it alone with ``.venv/bin/pytest twinning/common/tests/test_access_matrix.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from twinning.common.tests import access_network as net
from twinning.common.tests.access_network import PERSONAS

# --- Outcomes -----------------------------------------------------------------------------------

OK = "ok"
SIGN_IN = "sign-in"
TO_SIGN_IN = "to-sign-in"
ADMIN_SIGN_IN = "admin-sign-in"
INVALID = 400
REFUSED = "refused"

# Outcomes that refuse: a POST answered with one of these must change nothing.
REFUSALS = frozenset({SIGN_IN, ADMIN_SIGN_IN, REFUSED, 403, 404, 405})


@dataclass(frozen=True)
class Known:
    """The right outcome of a cell where the code is known to be wrong (run as a strict xfail)."""

    outcome: object
    reason: str


def known(outcome, reason: str) -> Known:
    return Known(outcome, reason)


# --- Persona groups -----------------------------------------------------------------------------

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
PUPILS = frozenset({"pupil_a", "pupil_b"})
ADULTS = SIGNED_IN - PUPILS
NSO_STAFF = frozenset({"nso_a", "nso_b", "nso_c"})
# Coordinators, NSO staff and the administrator: they review, match cohorts, read reports, organise.
STAFF = NSO_STAFF | {"coordinator", "admin"}
# Validated teachers at validated schools, still there: they look for partners and take part.
TEACHERS = frozenset({"teacher_a", "teacher_a2", "colleague_a", "teacher_b", "teacher_c"})
TEACHERS_OF_A = frozenset({"teacher_a", "teacher_a2", "colleague_a"})
# The twinning of A and B: its teacher-administrators, its teachers, its teachers and pupils.
ADMINS_AB = frozenset({"teacher_a", "teacher_b"})
TEACHERS_AB = ADMINS_AB | {"teacher_a2"}
MEMBERS_AB = TEACHERS_AB | PUPILS
# Who oversees it without teaching in it (the administrator too, and its principal reads it as a visitor).
OVERSEERS_AB = frozenset({"coordinator", "nso_a", "nso_b"})
# Those who run Israel's NSO's courses, questionnaires and communities.
ORGANISERS_A = frozenset({"coordinator", "nso_a", "admin"})
# They use the roles page: NSO staff, programme administrators, the platform administrator.
APPOINTERS = NSO_STAFF | {"programme_admin", "admin"}
# Whose role needs a second factor: they have an authenticator app.
WITH_APP = STAFF | {"programme_admin"}
# Adults who read an open community but may not take part in one: not validated teachers, nor staff.
NOT_TAKING_PART = frozenset({"pending_a", "principal_a", "programme_admin"})
NOBODY = frozenset()
# Who runs the programme's questionnaires, and who reads the programme's report (Israel's and the UK's NSOs: it
# spans both; France's does not).
PROGRAMME_RUN = frozenset({"programme_admin", "admin"})
PROGRAMME_READERS = frozenset({"coordinator", "nso_a", "nso_b", "programme_admin", "admin"})

# --- Cases --------------------------------------------------------------------------------------


def kw(**paths) -> Callable[[object], dict]:
    """URL kwargs from the network: each value a dotted path into it, or a constant (not a str)."""

    def build(network) -> dict:
        return {key: attrgetter(value)(network) if isinstance(value, str) else value for key, value in paths.items()}

    return build


def no_kwargs(_network) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    name: str
    kwargs: Callable[[object], dict]
    get: Mapping[str, object]
    post: Mapping[str, object]
    variant: str = ""
    query: Callable[[object], str] | None = None
    data: Callable[[object], dict] | None = None
    # Secrets this URL may show to more people than SECRETS says (the marker -> who).
    may_show: Mapping[str, frozenset] = field(default_factory=dict)
    # An operation of the JSON API: called with the persona's token, its POST body sent as JSON.
    api: bool = False
    # For the API: the method the "post" column is sent with (an operation that changes with PATCH).
    write: str = "POST"

    @property
    def id(self) -> str:
        return f"{self.name}/{self.variant}" if self.variant else self.name

    def expected(self, method: str) -> Mapping[str, object]:
        return self.get if method == "GET" else self.post


def _resolve(spec: Mapping, personas) -> dict[str, object]:
    outcome = dict.fromkeys(PERSONAS, 404)
    outcome["anonymous"] = SIGN_IN
    for who, what in spec.items():
        for persona in [who] if isinstance(who, str) else who:
            if persona not in outcome:
                raise ValueError(f"unknown persona {persona!r}")
            outcome[persona] = what
    return {persona: outcome[persona] for persona in PERSONAS if persona in personas}


def case(
    name, kwargs=no_kwargs, *, get, post, variant="", query=None, data=None, may_show=None, personas=PERSONAS
) -> Case:
    """One URL's declaration; ``personas`` narrows who is tried (everyone unless said, see ``admin_cases``)."""
    return Case(
        name=name,
        kwargs=kwargs,
        get=_resolve(get, personas),
        post=_resolve(post, personas),
        variant=variant,
        query=query,
        data=data,
        may_show=may_show or {},
    )


UNAUTHENTICATED = 401
# Who calls the API without a token: the anonymous visitor, and pupils, who cannot hold one.
TOKENLESS = frozenset({"anonymous"}) | frozenset({"pupil_a", "pupil_b"})


def api_case(name, kwargs=no_kwargs, *, get, post, variant="", query=None, data=None, write="POST") -> Case:
    """An operation of the JSON API, called with each persona's token (see ``test_access_matrix``).

    Without a token the answer is 401; with one, the default is 404 (not theirs), as on the pages.
    ``post`` is sent with ``write`` (POST, or PATCH for an operation that changes part of an object).
    """

    def resolve(spec):
        outcome = _resolve({**dict.fromkeys(TOKENLESS, UNAUTHENTICATED)}, PERSONAS)
        for who, what in spec.items():
            for persona in [who] if isinstance(who, str) else who:
                outcome[persona] = what
        return outcome

    return Case(
        name=name,
        kwargs=kwargs,
        get=resolve(get),
        post=resolve(post),
        variant=variant,
        query=query,
        data=data,
        api=True,
        write=write,
    )


def readers(case: Case, marker: str) -> frozenset:
    """Who may read a secret in this case's responses."""
    return SECRETS[marker][1] | case.may_show.get(marker, NOBODY)


# --- Known defects -------------------------------------------------------------------------------

# None at present: each would be a named sentence here, used as ``known(outcome, SENTENCE)``.

# --- Secrets ------------------------------------------------------------------------------------

# Text of the network -> (what it is, who may read it). No other response, on any URL, may contain
# it (the admin site's own pages excepted for the administrator: he reads every row there).
SECRETS: dict[str, tuple[str, frozenset]] = {
    net.SECRET_PENDING_POST: (
        "a pupil's post waiting for moderation",
        frozenset({"pupil_a", "teacher_a", "teacher_a2"}),
    ),
    net.SECRET_REJECTED_POST: ("a pupil's post turned down by their teacher", NOBODY),
    net.SECRET_PENDING_PHOTO: (
        "a pupil's photo waiting for moderation",
        frozenset({"pupil_a", "teacher_a", "teacher_a2"}),
    ),
    net.SECRET_PARENT_EMAIL: ("a pupil's parent's e-mail address", TEACHERS_OF_A),
    net.SECRET_PENDING_SCHOOL: ("a school waiting for its NSO", frozenset({"nso_a", "admin"})),
    net.SECRET_DRAFT_ACTIVITY: ("a library activity waiting for review", STAFF | {"teacher_b"}),
    net.SECRET_GUIDANCE: ("the coordinators' guidance log", OVERSEERS_AB | {"admin"}),
    net.SECRET_VIDEO_LINK: (
        "a meeting's video link (not for pupils)",
        TEACHERS_AB | OVERSEERS_AB | {"principal_a", "admin"},
    ),
    net.SECRET_INVITE_ONLY_THREAD: (
        "a thread of an invitation-only community",
        frozenset({"teacher_b", "coordinator", "nso_a", "admin"}),
    ),
    net.SECRET_DRAFT_COURSE: ("a course not published yet", ORGANISERS_A),
    net.SECRET_PENDING_STORY: (
        "a twinning's story waiting for the programme's coordinators",
        ADMINS_AB | {"programme_admin", "admin"},
    ),
}

# Where one of its readers sees each secret (case, persona): proof that the marker is on a page, so
# that its absence elsewhere means something. The turned-down post has no reader to see it.
SHOWN: dict[str, tuple[str, str]] = {
    net.SECRET_PENDING_POST: ("workspace:thread", "teacher_a"),
    net.SECRET_PENDING_PHOTO: ("workspace:moderation", "teacher_a2"),
    net.SECRET_PARENT_EMAIL: ("consent:pupil", "teacher_a2"),
    net.SECRET_PENDING_SCHOOL: ("schools:queue", "nso_a"),
    net.SECRET_DRAFT_ACTIVITY: ("library:review", "coordinator"),
    net.SECRET_GUIDANCE: ("coordination:detail", "nso_b"),
    net.SECRET_VIDEO_LINK: ("meetings:detail", "teacher_b"),
    net.SECRET_INVITE_ONLY_THREAD: ("communities:threads/invitation-only", "nso_a"),
    net.SECRET_DRAFT_COURSE: ("learning:organise", "coordinator"),
    net.SECRET_PENDING_STORY: ("showcase:queue", "programme_admin"),
}

# --- The declarations ---------------------------------------------------------------------------

ANYONE = {EVERYONE: OK}
SIGNED = {SIGNED_IN: OK}
POST_ONLY = {SIGNED_IN: 405}  # @login_required before @require_POST: the anonymous visitor signs in first
GET_404 = {SIGNED_IN: 404}  # POST-only views that answer any other method with 404
twinning = kw(pk="twinning.pk")


def school_provider(_network) -> dict:
    return {"provider": "school"}


def FORGED_TOKEN(_network) -> dict:  # noqa: N802  # read as a constant among the cases
    return {"token": "1.twinning_started:forged-signature"}


# The twinning of A and B, read: its members, those who oversee it, the administrator, and the
# principal of a school taking part (as a visitor: what is published, no writing, no moderation).
READ_AB = {MEMBERS_AB | OVERSEERS_AB | {"principal_a", "admin"}: OK}

# In the scope of Israel's NSO: its staff and coordinator, the people of school A, the administrator
# of a programme in Israel, and the platform administrator.
IN_ISRAEL_NSO = frozenset(
    {"pupil_a", "principal_a", "coordinator", "nso_a", "programme_admin", "admin", "pending_a"} | TEACHERS_OF_A
)

# In the programme A and B take part in: its administrator, the teachers of A and B (the pending one
# too), the twinning's pupils, and the platform administrator.
IN_PROGRAMME = frozenset({"programme_admin", "admin", "pending_a", "teacher_b"} | TEACHERS_OF_A | PUPILS)

CASES: list[Case] = [
    case("home", get=ANYONE, post=ANYONE),
    case("dashboard", get=SIGNED, post=SIGNED),
    case("notifications", get=SIGNED, post=SIGNED),
    case("mail_settings", get=SIGNED, post=SIGNED),
    case("renew_unsubscribe_links", get=POST_ONLY, post=SIGNED),
    # An unsubscribe link needs no sign-in: the signature is the credential, and a forged one is
    # refused with a message (400) for everyone, whoever is signed in.
    case("unsubscribe", FORGED_TOKEN, get={EVERYONE: INVALID}, post={EVERYONE: INVALID}),
    case("unsubscribe_undo", FORGED_TOKEN, get={EVERYONE: 405}, post={EVERYONE: INVALID}),
    case("health", get=ANYONE, post=ANYONE),
    case("privacy_notice", get=ANYONE, post=ANYONE),
    # The installable app: its service worker, its manifest (per language) and its offline page are
    # the same for everyone; what the worker keeps is each person's own (common.offline).
    case("service_worker", get=ANYONE, post=ANYONE),
    case("web_manifest", lambda _network: {"language": "ar"}, get=ANYONE, post=ANYONE),
    case("offline", get=ANYONE, post=ANYONE),
    case("ready", get=ANYONE, post=ANYONE),
    # --- retention: the defaults for anyone; Israel's NSO's policy for everyone in its countries and
    # programmes; its staff (and the administrator) change it and see the next run.
    case("retention:defaults", get=ANYONE, post=ANYONE),
    case(
        "retention:policy",
        kw(slug="il_nso.slug"),
        get={IN_ISRAEL_NSO: OK},
        post={IN_ISRAEL_NSO: OK},
    ),
    case("retention:edit", kw(slug="il_nso.slug"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): INVALID}),
    case("retention:dry_run", kw(slug="il_nso.slug"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}),
    # The programme's policy for everyone in the programme: its administrator, the teachers of the
    # schools in its twinnings (A's and B's, validated or not) and its twinning's pupils; its
    # administrator (and the platform's) changes it and sees the next run.
    case(
        "retention:programme_policy",
        kw(slug="programme.slug"),
        get={IN_PROGRAMME: OK},
        post={IN_PROGRAMME: OK},
    ),
    case(
        "retention:programme_edit",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): INVALID},
    ),
    case(
        "retention:programme_dry_run",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): OK},
    ),
    # --- showcase: the programme's public page, its logo and style for anyone; its administrators
    # (and the platform's) set it. Last year's story waits: its twinning's teachers (A's and B's
    # teacher-administrators) and those who approve (the programme's administrator and coordinators,
    # the platform administrator) read it and its photo; nobody else, signed in or not, learns it exists.
    case("showcase:programme", kw(slug="programme.slug"), get=ANYONE, post=ANYONE),
    case("showcase:logo", kw(slug="programme.slug"), get=ANYONE, post=ANYONE),
    case("showcase:accent", kw(slug="programme.slug"), get=ANYONE, post=ANYONE),
    case(
        "showcase:edit_page",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): INVALID},
    ),
    case(
        "showcase:queue",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): OK},
    ),
    case(
        "showcase:story",
        kw(slug="programme.slug", pk="story.pk"),
        get={EVERYONE: 404, ADMINS_AB | {"programme_admin", "admin"}: OK},
        post={EVERYONE: 404, ADMINS_AB | {"programme_admin", "admin"}: OK},
    ),
    case(
        "showcase:photo",
        kw(slug="programme.slug", pk="story.pk", photo_pk="story_photo.pk"),
        get={EVERYONE: 404, ADMINS_AB | {"programme_admin", "admin"}: OK},
        post={EVERYONE: 404, ADMINS_AB | {"programme_admin", "admin"}: OK},
    ),
    case(
        "showcase:approve",
        kw(slug="programme.slug", pk="story.pk"),
        get=POST_ONLY,
        post={("programme_admin", "admin"): OK},
    ),
    case(
        "showcase:reject",
        kw(slug="programme.slug", pk="story.pk"),
        get=POST_ONLY,
        # The empty reason is refused in words, on the queue.
        post={("programme_admin", "admin"): OK},
    ),
    case("showcase:mine", get=SIGNED, post=SIGNED),
    case(
        "showcase:write",
        kw(pk="past_twinning.pk"),
        get={ADMINS_AB: OK},
        # The empty form is shown again with its errors.
        post={ADMINS_AB: INVALID},
    ),
    case(
        "showcase:remove",
        kw(pk="story.pk"),
        get=POST_ONLY,
        post={ADMINS_AB | {"programme_admin", "admin"}: OK},
    ),
    # --- accounts
    case("accounts:login", get=ANYONE, post=ANYONE),
    case("accounts:logout", get={EVERYONE: 405}, post={EVERYONE: TO_SIGN_IN}),
    case(
        "accounts:confirm_email",
        kw(token="confirm_token"),
        get={"anonymous": TO_SIGN_IN, SIGNED_IN: OK},
        post={"anonymous": TO_SIGN_IN, SIGNED_IN: OK},
    ),
    case("accounts:resend_confirmation", get={EVERYONE: 405}, post={"anonymous": INVALID, SIGNED_IN: OK}),
    case("accounts:set_language", get={EVERYONE: 405}, post=ANYONE),
    # Signed in or not: the choice is kept on the account, or in a cookie for the pages read signed out.
    case("accounts:data_saver", data=lambda n: {"data_saver": "on"}, get={EVERYONE: 405}, post=ANYONE),
    case("accounts:profile", get=SIGNED, post=SIGNED),
    case("accounts:pupils", get={TEACHERS: OK}, post={TEACHERS: OK}),
    case("accounts:reset_pupil_passwords", get=POST_ONLY, post={TEACHERS: OK}),
    case("accounts:pupil_consent", kw(pk="pupil_a.pk"), get={TEACHERS_OF_A: OK}, post={TEACHERS_OF_A: OK}),
    # Personal data: the pupil's own school (its teachers and principal) exports and removes a pupil;
    # everyone signed in asks for a copy of their own data, and only who asked downloads it; everyone
    # but pupils and the platform administrator closes their own account.
    case(
        "accounts:remove_pupil",
        kw(pk="pupil_a.pk"),
        get={TEACHERS_OF_A | {"principal_a"}: OK},
        post={TEACHERS_OF_A | {"principal_a"}: OK},
    ),
    case(
        "accounts:request_pupil_export",
        kw(pk="pupil_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a"}: OK},
    ),
    case("accounts:request_own_export", get=POST_ONLY, post=SIGNED),
    case("accounts:download_export", kw(pk="data_export.pk"), get=POST_ONLY, post={"teacher_a": OK}),
    case("accounts:close_account", get={ADULTS - {"admin"}: OK}, post={ADULTS - {"admin"}: OK}),
    # Parents' consent: the teachers of the pupil's school; the family's link needs no account, and
    # answers the same to everyone who holds it (an empty answer is refused, a valid link cannot ask anew).
    case("consent:overview", get={TEACHERS: OK}, post={TEACHERS: OK}),
    case("consent:pupil", kw(pk="pupil_a.pk"), get={TEACHERS_OF_A: OK}, post={TEACHERS_OF_A: OK}),
    case("consent:send_link", kw(pk="pupil_a.pk"), get=POST_ONLY, post={TEACHERS_OF_A: INVALID}),
    case("consent:paper_form", kw(pk="pupil_a.pk"), get={TEACHERS_OF_A: OK}, post={TEACHERS_OF_A: OK}),
    case("consent:record_paper", kw(pk="pupil_a.pk"), get=POST_ONLY, post={TEACHERS_OF_A: INVALID}),
    case("consent:scan", kw(pk="paper_consent.pk"), get={TEACHERS_OF_A: OK}, post={TEACHERS_OF_A: OK}),
    case("consent:family", kw(token="consent_token"), get=ANYONE, post={EVERYONE: 405}),
    case("consent:family_answer", kw(token="consent_token"), get={EVERYONE: 405}, post={EVERYONE: INVALID}),
    case("consent:family_withdraw", kw(token="consent_token"), get={EVERYONE: 405}, post=ANYONE),
    case("consent:family_ask", kw(token="consent_token"), get={EVERYONE: 405}, post={EVERYONE: INVALID}),
    # Sign-in with a school account. The matrix's site has no provider configured (the default): every
    # start answers 404 for a provider it does not know, and the way back has no flow to finish.
    case("accounts:oidc_sign_in", school_provider, get={EVERYONE: 405}, post={"anonymous": 404, SIGNED_IN: OK}),
    case("accounts:oidc_sign_up", school_provider, get={EVERYONE: 405}, post={"anonymous": 404, SIGNED_IN: OK}),
    case("accounts:oidc_link", school_provider, get=POST_ONLY, post={}),
    case("accounts:oidc_return", school_provider, get={EVERYONE: 404}, post={EVERYONE: 404}),
    case("accounts:oidc_unlink", kw(pk="linked_identity.pk"), get=POST_ONLY, post={"teacher_a": OK}),
    case("accounts:password_change", get=SIGNED, post=SIGNED),
    # The second factor. Every persona has passed the step or owes none (``testing.Client.force_login``),
    # so the step's page sends them on; staff have an authenticator app, teachers and principals none.
    case("accounts:second_step", get=SIGNED, post=SIGNED),
    case("accounts:second_factor", get={ADULTS: OK}, post={ADULTS: OK}),
    case("accounts:second_factor_setup", get={ADULTS: OK}, post={ADULTS: OK}),
    case(
        "accounts:recovery_codes",
        get=POST_ONLY,
        post={ADULTS: REFUSED, WITH_APP: OK},  # new codes for whoever has an app; "set one up first" otherwise
    ),
    case("accounts:second_factor_remove", get=POST_ONLY, post={ADULTS: INVALID}),  # a code is needed
    case("accounts:second_factor_reset", kw(pk="teacher_a.user.pk"), get={"admin": OK}, post={"admin": OK}),
    case("accounts:second_factor_reset", kw(pk="admin.pk"), variant="own", get={}, post={}),
    # The roles pages: who appoints whom (accounts.rules).
    case("accounts:roles", get={APPOINTERS: OK}, post={APPOINTERS: OK}),
    case("accounts:appoint_coordinator", get=POST_ONLY, post={APPOINTERS: INVALID}),
    case("accounts:appoint_nso_staff", get=POST_ONLY, post={"admin": INVALID}),
    case("accounts:appoint_programme_admin", get=POST_ONLY, post={"admin": INVALID}),
    case("accounts:school_roles", kw(pk="school_a.pk"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}),
    case("accounts:school_roles", kw(pk="pending_school.pk"), variant="pending", get={}, post={}),  # validated only
    case("accounts:appoint_principal", kw(pk="school_a.pk"), get=POST_ONLY, post={("nso_a", "admin"): INVALID}),
    case(
        "accounts:remove_role",
        kw(pk="principal_role.pk"),
        get={("nso_a", "admin"): OK},
        post={("nso_a", "admin"): INVALID},  # a reason is needed
    ),
    case(
        "accounts:remove_role",
        kw(pk="programme_coordinator_role.pk"),
        variant="programme-coordinator",
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): INVALID},
    ),
    case(
        "accounts:remove_role",
        kw(pk="nso_staff_role.pk"),
        variant="nso-staff",
        get={"admin": OK},
        post={"admin": INVALID},
    ),
    case("accounts:password_reset", get=ANYONE, post=ANYONE),
    case("accounts:password_reset_done", get=ANYONE, post={EVERYONE: 405}),
    case("accounts:password_reset_confirm", kw(uidb64="reset_uid", token="reset_token"), get=ANYONE, post=ANYONE),
    case("accounts:password_reset_complete", get=ANYONE, post={EVERYONE: 405}),
    # --- onboarding: NSO staff and programme administrators import; the invited teacher accepts.
    case("onboarding:start", get={APPOINTERS: OK}, post={}),
    case("onboarding:check", get=POST_ONLY, post={APPOINTERS: INVALID}),
    case("onboarding:review", kw(pk="onboarding_checked.pk"), get={("nso_a", "admin"): OK}, post={}),
    case(
        "onboarding:review",
        kw(pk="onboarding_programme_checked.pk"),
        variant="programme",
        get={("programme_admin", "admin"): OK},
        post={},
    ),
    case("onboarding:run", kw(pk="onboarding_checked.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("onboarding:invitations", kw(pk="onboarding_import.pk"), get={("nso_a", "admin"): OK}, post={}),
    case("onboarding:resend_expired", kw(pk="onboarding_import.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("onboarding:resend", kw(pk="onboarding_invitation.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("onboarding:accept", kw(token="onboarding_token"), get=ANYONE, post={EVERYONE: INVALID}),
    # --- schools
    case("schools:signup", get=ANYONE, post=ANYONE),
    case("schools:signup_find_school", get={EVERYONE: 405}, post=ANYONE),  # the form's "Find my school"
    case("schools:signup_sent", get=ANYONE, post=ANYONE),
    # Without a verified identity from a provider in the session, the rest of that sign-up sends back to the start.
    case("schools:signup_with_account", get=ANYONE, post=ANYONE),
    case("schools:signup_with_account_find_school", get={EVERYONE: 405}, post=ANYONE),
    # An NSO's own staff restrict its teachers' sign-up to its education domains.
    case("schools:nso_settings", kw(pk="il_nso.pk"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}),
    case(
        "schools:signup_school_search",
        query=lambda n: "country=IL&school_search=Zephyr",
        get=ANYONE,  # validated schools only: the pending one's name is a secret
        post=ANYONE,
    ),
    case("schools:resubmit", get=POST_ONLY, post={TEACHERS | {"pending_a"}: OK}),
    case("schools:queue", get={NSO_STAFF | {"admin"}: OK}, post={NSO_STAFF | {"admin"}: OK}),
    case(
        "schools:teacher_validation",
        kw(pk="pending_il.pk"),
        get={("nso_a", "admin"): OK},
        post={("nso_a", "admin"): OK},
    ),
    case("schools:approve_teacher", kw(pk="pending_il.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("schools:reject_teacher", kw(pk="pending_il.pk"), get=POST_ONLY, post={("nso_a", "admin"): INVALID}),
    case("schools:approve_school", kw(pk="pending_school.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("schools:reject_school", kw(pk="pending_school.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("schools:vouch", kw(pk="pending_il.pk"), get=POST_ONLY, post={"principal_a": OK}),
    case("schools:directory", get={ADULTS: OK}, post={ADULTS: OK}),
    # A pupil reads their own school's page and their twinnings' partners', no other.
    case("schools:detail", kw(pk="school_b.pk"), get={SIGNED_IN: OK}, post={SIGNED_IN: OK}),
    case("schools:detail", kw(pk="school_c.pk"), variant="outside", get={ADULTS: OK}, post={ADULTS: OK}),
    case(
        "schools:detail",
        kw(pk="pending_school.pk"),
        variant="pending",
        get={"nso_a": OK, "admin": OK},
        post={"nso_a": OK, "admin": OK},
    ),
    case(
        "schools:edit",
        kw(pk="school_a.pk"),
        get={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    case(
        "schools:programme_rules",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},  # and the programme's coordinators
        post={("programme_admin", "admin"): OK},  # the empty form is shown again with its errors
    ),
    # Programme membership: the programme's administrators and coordinators (and, for an NSO's own
    # programme, its staff) decide; the school's principal and validated teachers ask.
    case(
        "schools:request_membership",
        kw(pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a"}: OK},  # nothing chosen: said in words on the school's page
    ),
    case("schools:membership_queue", get={("programme_admin", "admin"): OK}, post={("programme_admin", "admin"): OK}),
    case(
        "schools:approve_membership",
        kw(pk="membership_request.pk"),
        get=POST_ONLY,
        post={("programme_admin", "admin"): OK},
    ),
    case(
        "schools:refuse_membership",
        kw(pk="membership_request.pk"),
        get=POST_ONLY,
        post={("programme_admin", "admin"): INVALID},  # a reason is needed
    ),
    case(
        "schools:programme_members",
        kw(slug="programme.slug"),
        get={("programme_admin", "admin"): OK},
        post={("programme_admin", "admin"): OK},
    ),
    case(
        "schools:remove_member",
        kw(slug="programme.slug", school_pk="school_b.pk"),
        get=POST_ONLY,
        post={("programme_admin", "admin"): INVALID},  # a reason is needed
    ),
    # --- matching
    case("matching:profile", get={TEACHERS | {"principal_a"}: OK}, post={TEACHERS | {"principal_a"}: OK}),
    case("matching:search", get={TEACHERS: OK}, post={TEACHERS: OK}),
    case(
        "matching:request",
        kw(pk="profile_a.pk"),
        get=POST_ONLY,
        post={TEACHERS: OK, TEACHERS_OF_A: REFUSED},  # not with one's own school, said in words
    ),
    case("matching:proposals", get=SIGNED, post=SIGNED),  # each sees their schools' own (often none)
    case(
        "matching:proposal",
        kw(pk="proposal.pk"),
        get={TEACHERS_OF_A | {"teacher_c", "principal_a"}: OK},
        post={},  # an answer is posted to accept or decline
    ),
    *(
        case(
            f"matching:{name}",
            kw(pk="proposal.pk"),
            get=POST_ONLY,
            post={TEACHERS_OF_A | {"teacher_c", "principal_a"}: OK},
        )
        for name in ("accept_proposal", "decline_proposal")
    ),
    case("matching:cohorts", get={STAFF: OK}, post={STAFF: OK}),
    case("matching:cohort", kw(pk="cohort.pk"), get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
    case(
        "matching:cohort_rule",
        kw(pk="cohort.pk", pair_pk="cohort_pair.pk"),
        get=POST_ONLY,
        post={ORGANISERS_A: OK},
    ),
    case(
        "matching:cohort_pair",
        kw(pk="cohort.pk"),
        get=POST_ONLY,
        post={ORGANISERS_A: REFUSED},  # the two are already paired in the run: said in words, nothing saved
        data=lambda n: {"left": n.cohort_pair.left_id, "right": n.cohort_pair.right_id},
    ),
    case("matching:cohort_rerun", kw(pk="cohort.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case("matching:cohort_approve", kw(pk="cohort.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    # --- twinnings
    case("twinnings:list", get=SIGNED, post=SIGNED),
    case(
        "twinnings:propose",
        kw(school_pk="school_b.pk"),
        get={TEACHERS - {"teacher_b"}: OK},
        post={TEACHERS - {"teacher_b"}: OK},
    ),
    case("twinnings:rematch", get=SIGNED, post=SIGNED),  # the queue of what one oversees (often empty)
    # The principal records that a teacher left, and so do the NSO staff who validate them.
    case(
        "twinnings:teacher_left",
        kw(teacher_pk="teacher_a2.pk"),
        get=POST_ONLY,
        post={("principal_a", "nso_a", "admin"): OK},
    ),
    case(
        "twinnings:detail",
        twinning,
        get={MEMBERS_AB | OVERSEERS_AB | {"colleague_a", "principal_a"}: OK, "admin": OK},
        post={MEMBERS_AB | OVERSEERS_AB | {"colleague_a", "principal_a"}: OK, "admin": OK},
    ),
    case(
        "twinnings:detail",
        kw(pk="proposed.pk"),
        variant="proposed-to-c",
        get={
            TEACHERS_OF_A | {"teacher_c", "principal_a", "coordinator", "nso_a", "nso_c"}: OK,
            "admin": OK,
        },
        post={
            TEACHERS_OF_A | {"teacher_c", "principal_a", "coordinator", "nso_a", "nso_c"}: OK,
            "admin": OK,
        },
    ),
    case("twinnings:accept", kw(pk="proposed.pk"), get=POST_ONLY, post={"teacher_c": OK}),
    case("twinnings:decline", kw(pk="proposed.pk"), get=POST_ONLY, post={"teacher_c": OK}),
    case(
        "twinnings:approve",
        twinning,
        get=POST_ONLY,
        post={OVERSEERS_AB: OK, "admin": OK},
    ),
    case(
        "twinnings:start",
        twinning,
        get=POST_ONLY,
        post={ADMINS_AB | OVERSEERS_AB: OK, "admin": OK},
    ),
    case(
        "twinnings:close",
        twinning,
        get=POST_ONLY,
        post={ADMINS_AB | OVERSEERS_AB: OK, "admin": OK},
    ),
    case("twinnings:withdraw", twinning, get=POST_ONLY, post={ADMINS_AB: OK}),
    # Any teacher of a school taking part (and its principal) names the school's contacts.
    case(
        "twinnings:contacts",
        twinning,
        get={TEACHERS_OF_A | {"teacher_b", "principal_a"}: OK},
        post={TEACHERS_OF_A | {"teacher_b", "principal_a"}: OK},
    ),
    case(
        "twinnings:invite",
        twinning,
        data=lambda n: {"school": n.school_c.pk},
        get=POST_ONLY,
        post={OVERSEERS_AB: OK, "admin": OK},
    ),
    # --- workspace
    case("workspace:home", twinning, get=READ_AB, post=READ_AB),
    case("workspace:forum", twinning, get=READ_AB, post={TEACHERS_AB: OK}),
    case("workspace:thread", kw(pk="twinning.pk", thread_pk="thread.pk"), get=READ_AB, post={MEMBERS_AB: OK}),
    case(
        "workspace:thread",
        kw(pk="twinning.pk", thread_pk="thread.pk"),
        variant="quoting-a-pending-post",
        query=lambda n: f"quote={n.pending_post.pk}",
        get=READ_AB,  # the page, without the quote for whoever may not read the post (see SECRETS)
        post={MEMBERS_AB: OK},
    ),
    case("workspace:media", twinning, get=READ_AB, post={MEMBERS_AB: OK}),
    case("workspace:media_file", kw(pk="twinning.pk", item_pk="photo.pk"), get=READ_AB, post=READ_AB),
    case(
        "workspace:media_file",
        kw(pk="twinning.pk", item_pk="pending_photo.pk"),
        variant="pending",
        get={("pupil_a", "teacher_a", "teacher_a2"): OK},
        post={("pupil_a", "teacher_a", "teacher_a2"): OK},
    ),
    # Albums: everyone who reads the workspace sees them; its teachers arrange them, each change a POST of its own.
    case(
        "workspace:file_media",
        kw(pk="twinning.pk", item_pk="photo.pk"),
        data=lambda n: {"album": n.album.pk},
        get=POST_ONLY,
        post={TEACHERS_AB: OK},
    ),
    case(
        "workspace:file_media",
        kw(pk="twinning.pk", item_pk="pending_photo.pk"),
        variant="pending",
        data=lambda n: {"album": ""},
        get=POST_ONLY,
        post={("teacher_a", "teacher_a2"): OK},  # the partner's teacher may not see it, so may not move it
    ),
    case(
        "workspace:albums",
        twinning,
        data=lambda n: {"name": "Our school"},
        get={TEACHERS_AB: OK},
        post={TEACHERS_AB: OK},
    ),
    case("workspace:album", kw(pk="twinning.pk", album_pk="album.pk"), get=READ_AB, post={}),
    case(
        "workspace:rename_album",
        kw(pk="twinning.pk", album_pk="album.pk"),
        data=lambda n: {"name": "Our roads"},
        get=POST_ONLY,
        post={TEACHERS_AB: OK},
    ),
    case(
        "workspace:move_album_up",
        kw(pk="twinning.pk", album_pk="album.pk"),
        data=lambda n: {"seen": str(n.album.pk)},
        get=POST_ONLY,
        post={TEACHERS_AB: OK},  # the first album moves no further: told so on the page
    ),
    case(
        "workspace:move_album_down",
        kw(pk="twinning.pk", album_pk="album.pk"),
        data=lambda n: {"seen": str(n.album.pk)},
        get=POST_ONLY,
        post={TEACHERS_AB: OK},
    ),
    case(
        "workspace:delete_album",
        kw(pk="twinning.pk", album_pk="album.pk"),
        get=POST_ONLY,
        post={TEACHERS_AB: OK},
    ),
    # A light copy answers exactly as its file does: the same access function, the same rule.
    case(
        "workspace:media_variant",
        kw(pk="twinning.pk", item_pk="photo.pk", name="photo_thumb.name"),
        get=READ_AB,
        post=READ_AB,
    ),
    case(
        "workspace:media_variant",
        kw(pk="twinning.pk", item_pk="pending_photo.pk", name="pending_thumb.name"),
        variant="pending",
        get={("pupil_a", "teacher_a", "teacher_a2"): OK},
        post={("pupil_a", "teacher_a", "teacher_a2"): OK},
    ),
    case("workspace:plan", twinning, get=READ_AB, post={TEACHERS_AB: OK}),
    case(
        "workspace:activity_status",
        kw(pk="twinning.pk", activity_pk="plan_step.pk"),
        get=GET_404,
        post={TEACHERS_AB: OK},
    ),
    case("workspace:export", twinning, get={ADMINS_AB: OK}, post={ADMINS_AB: OK}),
    case("workspace:members", twinning, get=READ_AB, post={TEACHERS_AB: OK}),
    case(
        "workspace:remove_pupil",
        twinning,
        data=lambda n: {"pupil": n.pupil_a.pk},
        get=POST_ONLY,
        post={TEACHERS_OF_A & TEACHERS_AB: OK},  # the pupil's own school's teachers in the twinning
    ),
    # Each school's teachers see what their own pupils wait to share; deciding is a POST of its own.
    case("workspace:moderation", twinning, get={TEACHERS_AB: OK}, post={}),
    case(
        "workspace:approve_post",
        kw(pk="twinning.pk", item_pk="pending_post.pk"),
        get=POST_ONLY,
        post={("teacher_a", "teacher_a2"): OK},  # the pupil's own teachers, admin or not
    ),
    case(
        "workspace:reject_post",
        kw(pk="twinning.pk", item_pk="pending_post.pk"),
        get=POST_ONLY,
        post={("teacher_a", "teacher_a2"): OK},
    ),
    case(
        "workspace:approve_media",
        kw(pk="twinning.pk", item_pk="pending_photo.pk"),
        get=POST_ONLY,
        post={("teacher_a", "teacher_a2"): OK},
    ),
    case(
        "workspace:reject_media",
        kw(pk="twinning.pk", item_pk="pending_photo.pk"),
        get=POST_ONLY,
        post={("teacher_a", "teacher_a2"): OK},
    ),
    case(
        "workspace:moderation_setting",
        twinning,
        data=lambda n: {"moderation": "on"},
        get=POST_ONLY,
        post={ADMINS_AB: OK},  # the teacher-administrators
    ),
    case("workspace:pages", twinning, get=READ_AB, post=READ_AB),
    case("workspace:new_page", twinning, get={TEACHERS_AB: OK}, post={TEACHERS_AB: OK}),
    case("workspace:page", kw(pk="twinning.pk", page_pk="page.pk"), get=READ_AB, post=READ_AB),
    case(
        "workspace:edit_page",
        kw(pk="twinning.pk", page_pk="page.pk"),
        get={TEACHERS_AB: OK},
        post={TEACHERS_AB: OK},
    ),
    # --- meetings
    case("meetings:twinning", twinning, get=READ_AB, post={TEACHERS_AB: OK}),
    case("meetings:detail", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=READ_AB, post=READ_AB),
    case("meetings:accept", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=POST_ONLY, post={TEACHERS_AB: OK}),
    case("meetings:decline", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=POST_ONLY, post={TEACHERS_AB: OK}),
    case("meetings:cancel", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=POST_ONLY, post={TEACHERS_AB: OK}),
    case(
        "meetings:record",
        kw(pk="twinning.pk", meeting_pk="meeting.pk"),
        get=POST_ONLY,
        post={TEACHERS_AB: INVALID},
    ),
    case("meetings:ics", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=READ_AB, post=READ_AB),
    # The meeting is next week: its members are told the room cannot be entered yet; overseers are not in the call.
    case("meetings:join", kw(pk="twinning.pk", meeting_pk="meeting.pk"), get=POST_ONLY, post={MEMBERS_AB: REFUSED}),
    case(
        "meetings:retry_room",
        kw(pk="twinning.pk", meeting_pk="meeting.pk"),
        get=POST_ONLY,
        post={TEACHERS_AB: OK},
    ),
    case("meetings:overview", get=SIGNED, post=SIGNED),  # the meetings of what one oversees (often none)
    case("meetings:feed", get=SIGNED, post=SIGNED),
    # Teacher A's private calendar address: whoever holds it reads teacher A's meetings, links included.
    case(
        "meetings:feed_ics",
        kw(token="feed.token"),
        get=ANYONE,
        post=ANYONE,
        may_show={net.SECRET_VIDEO_LINK: EVERYONE},
    ),
    # A school's hours, terms and holidays, for everyone signed in; its people change them.
    case(
        "meetings:school_calendar",
        kw(school_pk="school_a.pk"),
        get=SIGNED,
        post={},  # each change is posted to its own address
    ),
    case(
        "meetings:save_school_hours",
        kw(school_pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    case(
        "meetings:add_term",
        kw(school_pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    case(
        "meetings:remove_term",
        kw(school_pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    case(
        "meetings:add_closure",
        kw(school_pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    case(
        "meetings:remove_closure",
        kw(school_pk="school_a.pk"),
        get=POST_ONLY,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    # --- coordination
    case("coordination:caseload", get={STAFF: OK}, post={STAFF: OK}),
    case(
        "coordination:detail",
        twinning,
        get={OVERSEERS_AB: OK, "admin": OK},
        post={OVERSEERS_AB: INVALID, "admin": INVALID},
    ),
    case("coordination:recompute", twinning, get=POST_ONLY, post={OVERSEERS_AB: OK, "admin": OK}),
    case(
        "coordination:mark_done",
        twinning,
        data=lambda n: {"entry": n.guidance.pk},
        get=POST_ONLY,
        post={OVERSEERS_AB: OK, "admin": OK},
    ),
    case("coordination:policies", get={"admin": OK}, post={"admin": OK}),  # and programme coordinators
    case("coordination:policy", kw(programme_pk="programme.pk"), get={"admin": OK}, post={"admin": OK}),
    # --- library
    case("library:index", get={ADULTS: OK}, post={ADULTS: OK}),
    case("library:new", get={TEACHERS | STAFF: OK}, post={TEACHERS | STAFF: OK}),
    case("library:new_submit", get=GET_404, post={TEACHERS | STAFF: OK}),
    case("library:review", get={STAFF: OK}, post={STAFF: OK}),
    case("library:activity", kw(pk="library_activity.pk"), get={ADULTS: OK}, post={ADULTS: OK}),
    case(
        "library:activity",
        kw(pk="draft_activity.pk"),
        variant="waiting-for-review",
        get={STAFF | {"teacher_b"}: OK},
        post={STAFF | {"teacher_b"}: OK},
    ),
    case(
        "library:edit",
        kw(pk="library_activity.pk"),
        get={STAFF | {"teacher_a"}: OK},
        post={STAFF | {"teacher_a"}: OK},
    ),
    case("library:submit", kw(pk="library_activity.pk"), get=GET_404, post={STAFF | {"teacher_a"}: OK}),
    case("library:add_to_plan", kw(pk="library_activity.pk"), get=GET_404, post={ADULTS: INVALID}),
    case("library:withdraw", kw(pk="library_activity.pk"), get=GET_404, post={STAFF: OK}),
    case("library:version", kw(pk="library_activity.pk", number=1), get={ADULTS: OK}, post={}),
    case(
        "library:version",
        kw(pk="draft_activity.pk", number=1),
        variant="waiting-for-review",
        get={STAFF | {"teacher_b"}: OK},
        post={},  # a review is posted to publish or return
    ),
    case(
        "library:publish",
        kw(pk="draft_activity.pk", number=1),
        get=GET_404,
        post={STAFF: OK},  # never its own author
    ),
    case(
        "library:return",
        kw(pk="draft_activity.pk", number=1),
        get=GET_404,
        post={STAFF: OK},  # never its own author
    ),
    case("library:attach", kw(pk="library_activity.pk"), get=GET_404, post={STAFF | {"teacher_a"}: OK}),
    case(
        "library:attachment",
        kw(pk="library_activity.pk", attachment_pk="attachment.pk"),
        get={ADULTS: OK},
        post={ADULTS: OK},
    ),
    case(
        "library:attachment",
        kw(pk="draft_activity.pk", attachment_pk="draft_attachment.pk"),
        variant="waiting-for-review",
        get={STAFF | {"teacher_b"}: OK},
        post={STAFF | {"teacher_b"}: OK},
    ),
    case(
        "library:detach",
        kw(pk="draft_activity.pk", attachment_pk="draft_attachment.pk"),
        get=GET_404,
        post={"teacher_b": OK},  # the open version's author only
    ),
    # --- reporting
    case("reporting:report", get={STAFF: OK}, post={STAFF: OK}),
    case("reporting:export_csv", get={STAFF: OK}, post={STAFF: OK}),
    case("reporting:export_xlsx", get={STAFF: OK}, post={STAFF: OK}),
    case("reporting:surveys", get=SIGNED, post=SIGNED),  # what one answers and what one runs (often none)
    case(
        "reporting:survey_new",
        get={NSO_STAFF | {"programme_admin", "admin"}: OK},
        post={NSO_STAFF | {"programme_admin", "admin"}: INVALID},
    ),
    case("reporting:survey", kw(pk="survey.pk"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}),
    case(
        "reporting:survey_results",
        kw(pk="survey.pk"),
        get={("nso_a", "admin"): OK},
        post={("nso_a", "admin"): OK},
    ),
    case(
        "reporting:survey_results_csv", kw(pk="survey.pk"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}
    ),
    case(
        "reporting:survey_results_xlsx", kw(pk="survey.pk"), get={("nso_a", "admin"): OK}, post={("nso_a", "admin"): OK}
    ),
    case(
        "reporting:survey_answer",
        kw(pk="survey.pk"),
        get={("pupil_a", "teacher_a", "teacher_a2"): OK},
        post={("pupil_a", "teacher_a", "teacher_a2"): INVALID},
    ),
    # The programme's questionnaire: its administrator runs it; both schools' members answer it.
    *(
        case(name, kw(pk="programme_survey.pk"), variant="programme", get={PROGRAMME_RUN: OK}, post={PROGRAMME_RUN: OK})
        for name in (
            "reporting:survey",
            "reporting:survey_results",
            "reporting:survey_results_csv",
            "reporting:survey_results_xlsx",
        )
    ),
    case(
        "reporting:survey_answer",
        kw(pk="programme_survey.pk"),
        variant="programme",
        get={MEMBERS_AB: OK},
        post={MEMBERS_AB: INVALID},
    ),
    # A programme's report: its staff, the NSOs (staff and coordinators) of the countries it spans, the administrator.
    *(
        case(name, kw(slug="programme.slug"), get={PROGRAMME_READERS: OK}, post={PROGRAMME_READERS: OK})
        for name in ("reporting:programme_report", "reporting:programme_export_csv", "reporting:programme_export_xlsx")
    ),
    # --- learning
    case("learning:index", get={ADULTS: OK}, post={ADULTS: OK}),
    case("learning:organise", get={STAFF: OK}, post={STAFF: OK}),
    case("learning:new", get={STAFF: OK}, post={STAFF: OK}),
    case(
        "learning:offering",
        kw(pk="course.pk"),
        variant="for-israels-nso",
        get={
            TEACHERS_OF_A | {"pending_a", "principal_a", "coordinator", "nso_a"}: OK,
            "admin": OK,
        },
        post={
            TEACHERS_OF_A | {"pending_a", "principal_a", "coordinator", "nso_a"}: OK,
            "admin": OK,
        },
    ),
    case("learning:offering", kw(pk="network_course.pk"), get={ADULTS: OK}, post={ADULTS: OK}),
    case(
        "learning:offering",
        kw(pk="draft_course.pk"),
        variant="draft",
        get={("coordinator", "nso_a"): OK, "admin": OK},
        post={("coordinator", "nso_a"): OK, "admin": OK},
    ),
    case("learning:edit", kw(pk="course.pk"), get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
    case("learning:publish", kw(pk="draft_course.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case("learning:cancel", kw(pk="network_course.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case("learning:register", kw(pk="network_course.pk"), get=POST_ONLY, post={ADULTS: OK}),
    case(
        "learning:leave",
        kw(pk="course.pk"),
        get=POST_ONLY,
        post={
            TEACHERS_OF_A | {"pending_a", "principal_a", "coordinator", "nso_a"}: OK,
            "admin": OK,
        },
    ),
    case(
        "learning:calendar",
        kw(pk="course.pk"),
        get={("teacher_a", "coordinator", "nso_a"): OK, "admin": OK},
        post={("teacher_a", "coordinator", "nso_a"): OK, "admin": OK},
    ),
    case("learning:session_new", kw(pk="course.pk"), get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
    case(
        "learning:session_edit",
        kw(pk="course.pk", session_pk="session.pk"),
        get={ORGANISERS_A: OK},
        post={ORGANISERS_A: OK},
    ),
    case(
        "learning:session_remove",
        kw(pk="course.pk", session_pk="session.pk"),
        get=POST_ONLY,
        post={ORGANISERS_A: OK},
    ),
    case(
        "learning:attendance",
        kw(pk="course.pk", session_pk="session.pk"),
        get={ORGANISERS_A: OK},
        post={ORGANISERS_A: OK},
    ),
    case("learning:participants", kw(pk="course.pk"), get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
    case("learning:issue", kw(pk="course.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case("learning:material_add", kw(pk="course.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case(
        "learning:material",
        kw(pk="course.pk", material_pk="material.pk"),
        get={("teacher_a", "coordinator", "nso_a"): OK, "admin": OK},
        post={("teacher_a", "coordinator", "nso_a"): OK, "admin": OK},
    ),
    case(
        "learning:material_remove",
        kw(pk="course.pk", material_pk="material.pk"),
        get=POST_ONLY,
        post={ORGANISERS_A: OK},
    ),
    case(
        "learning:certificate_pdf",
        kw(certificate_pk="certificate.pk"),
        get={ORGANISERS_A | {"teacher_a"}: OK},
        post={ORGANISERS_A | {"teacher_a"}: OK},
    ),
    case("learning:revoke", kw(certificate_pk="certificate.pk"), get=POST_ONLY, post={ORGANISERS_A: OK}),
    case("learning:verify", get=ANYONE, post=ANYONE),
    case("learning:verify_code", kw(code="certificate.code"), get=ANYONE, post=ANYONE),
    # --- recognition
    case("recognition:index", get={ADULTS: OK}, post={ADULTS: OK}),
    case("recognition:apply", kw(twinning_pk="twinning.pk"), get=GET_404, post={TEACHERS_AB: OK}),
    case("recognition:application", kw(pk="application.pk"), get={"teacher_a": OK}, post={"teacher_a": OK}),
    case("recognition:submit_application", kw(pk="application.pk"), get=POST_ONLY, post={"teacher_a": OK}),
    case("recognition:withdraw_application", kw(pk="application.pk"), get=POST_ONLY, post={"teacher_a": OK}),
    case("recognition:evaluations", get={NSO_STAFF | {"admin"}: OK}, post={NSO_STAFF | {"admin"}: OK}),
    # Scores and the decision are posted to their own addresses.
    case("recognition:evaluate", kw(pk="application.pk"), get={("nso_a", "admin"): OK}, post={}),
    case("recognition:score", kw(pk="application.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("recognition:decide", kw(pk="application.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    case("recognition:international", get={"admin": OK}, post={"admin": OK}),
    # A request and a decision are posted to their own addresses.
    case("recognition:school", get={NSO_STAFF | {"principal_a", "admin"}: OK}, post={}),
    case(
        "recognition:request_school_label",
        data=lambda n: {"school": n.school_a.pk},
        get=POST_ONLY,
        post={"principal_a": OK},
    ),
    *(
        case(
            f"recognition:{name}",
            data=lambda n: {"request": n.school_label_request.pk, "reason": "Not yet"},
            get=POST_ONLY,
            post={("nso_a", "admin"): OK},
        )
        for name in ("award_school_label", "refuse_school_label")
    ),
    # A category, a nomination and a winner are posted to their own addresses.
    case("recognition:awards", get={ADULTS: OK}, post={}),
    case("recognition:add_category", get=POST_ONLY, post={NSO_STAFF | {"admin"}: OK}),
    case("recognition:nominate", kw(category_pk="award_category.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    *(
        case(
            f"recognition:{name}",
            kw(category_pk="award_category.pk"),
            data=lambda n: {"nomination": n.nomination.pk},
            get=POST_ONLY,
            post={("nso_a", "admin"): OK},
        )
        for name in ("name_winner", "unname_winner")
    ),
    # --- communities: an open one (the coordinator moderates, teacher A is a member) and one by
    # invitation (teacher B is a member); Israel's NSO looks after both.
    case("communities:index", get={ADULTS: OK}, post={ADULTS: OK}),
    case("communities:new", get={TEACHERS | STAFF: OK}, post={TEACHERS | STAFF: OK}),
]
for _variant, _community, _member, _moderators, _inside in (
    ("", "community", "teacher_a", {"teacher_a", "coordinator"}, ADULTS),
    ("invitation-only", "closed_community", "teacher_b", {"teacher_b", "coordinator"}, {"teacher_b", *ORGANISERS_A}),
):
    _pk = kw(pk=f"{_community}.pk")
    CASES += [
        case("communities:community", _pk, variant=_variant, get={ADULTS: OK}, post={ADULTS: OK}),
        case("communities:edit", _pk, variant=_variant, get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
        case(
            "communities:join",
            _pk,
            variant=_variant,
            get=GET_404,
            post={(TEACHERS | STAFF) - {_member, "coordinator"}: OK},
        ),
        case("communities:leave", _pk, variant=_variant, get=GET_404, post={ADULTS: OK}),
        case("communities:approve", _pk, variant=_variant, get=GET_404, post={("nso_a", "admin"): OK}),
        case("communities:decline", _pk, variant=_variant, get=GET_404, post={("nso_a", "admin"): OK}),
        case("communities:archive", _pk, variant=_variant, get=GET_404, post={ORGANISERS_A: OK}),
        case(
            "communities:threads",
            _pk,
            variant=_variant,
            get={frozenset(_inside): OK},
            post={frozenset(_moderators): OK},
        ),
        case(
            "communities:resources",
            _pk,
            variant=_variant,
            get={frozenset(_inside): OK},
            post={frozenset(_moderators): INVALID},
        ),
        case(
            "communities:members",
            _pk,
            variant=_variant,
            get={frozenset(_inside) - NOT_TAKING_PART: OK},
            post={frozenset(_inside) - NOT_TAKING_PART: OK},
        ),
        case("communities:invitations", _pk, variant=_variant, get={ORGANISERS_A: OK}, post={ORGANISERS_A: OK}),
    ]
CASES += [
    case(
        "communities:thread",
        kw(pk="community.pk", thread_pk="community_thread.pk"),
        get={ADULTS: OK},
        post={("teacher_a", "coordinator"): OK},
    ),
    case(
        "communities:thread",
        kw(pk="closed_community.pk", thread_pk="closed_thread.pk"),
        variant="invitation-only",
        get={("teacher_b", *ORGANISERS_A): OK},
        post={("teacher_b", "coordinator"): OK},
    ),
    case(
        "communities:pin",
        kw(pk="community.pk", thread_pk="community_thread.pk"),
        get=GET_404,
        post={ORGANISERS_A: OK},
    ),
    case("communities:hide", kw(pk="community.pk", post_pk="community_post.pk"), get=GET_404, post={ORGANISERS_A: OK}),
    case(
        "communities:resource_file",
        kw(pk="community.pk", resource_pk="resource.pk"),
        get={ADULTS: OK},
        post={ADULTS: OK},
    ),
    case(
        "communities:remove_resource",
        kw(pk="community.pk", resource_pk="resource.pk"),
        get=GET_404,
        post={("teacher_a", "coordinator"): OK},  # who shared it, and the moderators who are members
    ),
    # Folders: members who share make them; who made one (or shared a resource) and the moderators change it.
    case(
        "communities:folders",
        kw(pk="community.pk"),
        data=lambda n: {"name": "Games"},
        get={("teacher_a", "coordinator"): OK},
        post={("teacher_a", "coordinator"): OK},
    ),
    case("communities:folder", kw(pk="community.pk", folder_pk="folder.pk"), get={ADULTS: OK}, post={}),
    case(
        "communities:rename_folder",
        kw(pk="community.pk", folder_pk="folder.pk"),
        data=lambda n: {"name": "Our songs"},
        get=POST_ONLY,
        post={("teacher_a", "coordinator"): OK},
    ),
    *(
        case(
            f"communities:{name}",
            kw(pk="community.pk", folder_pk="folder.pk"),
            data=lambda n: {"seen": str(n.folder.pk)},
            get=POST_ONLY,
            post={("teacher_a", "coordinator"): OK},
        )
        for name in ("move_folder_up", "move_folder_down", "delete_folder")
    ),
    case(
        "communities:file_resource",
        kw(pk="community.pk", resource_pk="resource.pk"),
        data=lambda n: {"folder": ""},
        get=POST_ONLY,
        post={("teacher_a", "coordinator"): OK},
    ),
    *(
        case(
            f"communities:{name}",
            kw(pk="community.pk", member_pk="community_member.pk"),
            get=GET_404,
            post={ORGANISERS_A: OK},
        )
        for name in ("make_moderator", "make_member", "remove_member")
    ),
    *(
        case(
            f"communities:{name}",
            kw(pk="closed_community.pk", request_pk="join_request.pk"),
            get=GET_404,
            post={ORGANISERS_A: OK},
        )
        for name in ("accept_request", "decline_request")
    ),
    *(
        case(
            f"communities:{name}",
            kw(pk="closed_community.pk", invitation_pk="pending_invitation.pk"),
            get=GET_404,
            post={"colleague_a": OK},  # only the invitee
        )
        for name in ("accept_invitation", "decline_invitation")
    ),
    case(
        "communities:withdraw_invitation",
        kw(pk="closed_community.pk", invitation_pk="pending_invitation.pk"),
        get=GET_404,
        post={ORGANISERS_A: OK},
    ),
]


# --- The Django admin site, as one group ------------------------------------------------------------


def _admin_kwargs(name: str, route: str) -> Callable[[object], dict]:
    """Kwargs for an admin URL: an object's id is the first row of its model (0 when there is none)."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    models = {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}
    # Django's UserAdmin names its password page after auth.User whatever the user model.
    models["admin:auth_user_"] = get_user_model()
    model = next((m for prefix, m in models.items() if name.startswith(prefix)), None)

    def build(_network) -> dict:
        if "content_type_id" in route:  # "view on site": a school
            from twinning.schools.models import School

            school = School.objects.order_by("pk").first()
            return {"content_type_id": ContentType.objects.get_for_model(School).pk, "object_id": school.pk}
        kwargs = {}
        if "object_id" in route or "<id>" in route:
            key = "object_id" if "object_id" in route else "id"
            kwargs[key] = str(model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 0)
        if "app_label" in route:
            kwargs["app_label"] = "schools"
        return kwargs

    return build


def _admin(get=OK, post=OK) -> tuple[dict, dict]:
    """The administrator gets `get` and `post`; everyone else is sent to the admin site's sign-in."""
    others = {SIGNED_IN - {"admin"}: ADMIN_SIGN_IN, "anonymous": ADMIN_SIGN_IN}
    return {**others, "admin": get}, {**others, "admin": post}


# Where the administrator gets something else than OK, on purpose: read-only tables refuse to add,
# change or delete (403), views that take one method (405), "view on site" of a school with no public
# page (404), the autocomplete asked nothing (403).
READ_ONLY = _admin(get=403, post=403)
ADMIN_EXCEPTIONS: dict[str, tuple[dict, dict]] = {
    "admin:autocomplete": _admin(get=403, post=405),
    "admin:jsi18n": _admin(post=405),
    "admin:password_change_done": _admin(post=405),
    "admin:view_on_site": _admin(get=404, post=404),
    "admin:axes_accessattempt_add": READ_ONLY,
    "admin:axes_accessfailurelog_add": READ_ONLY,
    "admin:axes_accesslog_add": READ_ONLY,
    "admin:common_auditentry_add": READ_ONLY,
    "admin:common_email_add": READ_ONLY,
    "admin:common_job_add": READ_ONLY,
    "admin:common_workerbeat_add": READ_ONLY,
    "admin:common_auditentry_change": _admin(post=403),
    "admin:common_auditentry_delete": READ_ONLY,
    "admin:reporting_participation_add": READ_ONLY,
    "admin:reporting_participation_change": _admin(post=403),
    "admin:reporting_response_add": READ_ONLY,
    # Its sign-in address sends everyone to the site's own sign-in page (one throttle, one second
    # step); signing out is a POST, and the admin site sends anyone who is not its user back to
    # /admin/ (which sends them to its sign-in).
    "admin:login": ({EVERYONE: SIGN_IN}, {EVERYONE: SIGN_IN}),
    "admin:logout": ({EVERYONE: OK, "admin": 405}, {EVERYONE: OK, "admin": TO_SIGN_IN}),
}


# Who is tried where on the admin site. It lets a person in at one place, the check Django's
# ``AdminSite.admin_view`` wraps around each of its URLs (an active staff member), before any view
# of its own runs, and no persona here but the administrator is staff: for every one of them that
# check answers the same on every admin URL. So everyone is tried on the site's own pages and on
# one table's (the people's, the most sensitive), and on the other ~85 URLs only the administrator
# (who gets each URL's own answer) and NSO staff (the site's most powerful role short of it, the
# likeliest to be let in by a wrong check). ``test_the_admin_site_checks_who_enters_in_one_place``
# fails when that premise stops holding (an admin site or a URL of our own).
ADMIN_FOR_EVERYONE = frozenset(
    {
        "admin:index",
        "admin:login",
        "admin:logout",
        "admin:password_change",
        "admin:password_change_done",
        "admin:app_list",
        "admin:jsi18n",
        "admin:autocomplete",
        "admin:view_on_site",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_user_change",
        "admin:accounts_user_delete",
        "admin:accounts_user_history",
        "admin:auth_user_password_change",
    }
)
ADMIN_SAMPLE = frozenset({"admin", "nso_a"})

# --- The JSON API: the same rules as the pages, through each persona's token ----------------------

API_METHOD = {EVERYONE: 405}  # the operation has no such method, whoever asks
API_ADULTS = {ADULTS: OK}
# A twinning read through the API: as on its page, but pupils have no token.
API_READ_AB = {(MEMBERS_AB - PUPILS) | OVERSEERS_AB | {"principal_a", "admin"}: OK}
# A twinning's own page: as its page, where its school's other teachers read it too.
API_TWINNING = {(MEMBERS_AB - PUPILS) | OVERSEERS_AB | {"colleague_a", "principal_a", "admin"}: OK}
REASON = {"reason": "Not in the ministry's register."}
IMPORT_ROW = {
    "school_name": "Galil API School",
    "country": "IL",
    "city": "Karmiel",
    "school_type": "public",
    "age_from": 9,
    "age_to": 12,
    "languages": ["he"],
    "teacher_name": "Rina Galil",
    "teacher_email": "rina.api@example.org",
    "teacher_language": "he",
}
CASES += [
    # The schema and its documentation page are public, as the code they describe is.
    case("api-v1:openapi-json", get=ANYONE, post=ANYONE),
    case("api-v1:openapi-view", get=ANYONE, post=ANYONE),
    case("api-v1:api-root", get={EVERYONE: 404}, post={EVERYONE: 404}),
    api_case("api-v1:me", get=API_ADULTS, post=API_METHOD),
    api_case("api-v1:list_schools", get=API_ADULTS, post=API_METHOD),
    api_case("api-v1:get_school", kw(school_id="school_b.pk"), get=API_ADULTS, post=API_METHOD),
    api_case(
        "api-v1:get_school",
        kw(school_id="pending_school.pk"),
        variant="pending",
        get={("nso_a", "admin"): OK},
        post=API_METHOD,
    ),
    api_case(
        "api-v1:validate_school", kw(school_id="pending_school.pk"), get=API_METHOD, post={("nso_a", "admin"): OK}
    ),
    api_case(
        "api-v1:reject_school",
        kw(school_id="pending_school.pk"),
        data=lambda n: REASON,
        get=API_METHOD,
        post={("nso_a", "admin"): OK},
    ),
    api_case("api-v1:list_teachers", get=API_ADULTS, post=API_METHOD),
    api_case("api-v1:validate_teacher", kw(teacher_id="pending_il.pk"), get=API_METHOD, post={("nso_a", "admin"): OK}),
    api_case(
        "api-v1:reject_teacher",
        kw(teacher_id="pending_il.pk"),
        data=lambda n: REASON,
        get=API_METHOD,
        post={("nso_a", "admin"): OK},
    ),
    # A teacher of their schools, as NSO staff know them: they left, their subjects and languages.
    api_case("api-v1:get_teacher", kw(teacher_id="teacher_a2.pk"), get={("nso_a", "admin"): OK}, post=API_METHOD),
    api_case(
        "api-v1:update_teacher",
        kw(teacher_id="teacher_a2.pk"),
        data=lambda n: {"left": True, "subjects": ["music"], "languages": ["ar"]},
        write="PATCH",
        get={("nso_a", "admin"): OK},
        post={("nso_a", "admin"): OK},
    ),
    api_case("api-v1:list_twinnings", get=API_ADULTS, post=API_METHOD),
    api_case("api-v1:get_twinning", kw(twinning_id="twinning.pk"), get=API_TWINNING, post=API_METHOD),
    api_case("api-v1:list_meetings", kw(twinning_id="twinning.pk"), get=API_READ_AB, post=API_METHOD),
    api_case(
        "api-v1:get_meeting", kw(twinning_id="twinning.pk", meeting_id="meeting.pk"), get=API_READ_AB, post=API_METHOD
    ),
    api_case(
        "api-v1:meeting_calendar",
        kw(twinning_id="twinning.pk", meeting_id="meeting.pk"),
        get=API_READ_AB,
        post=API_METHOD,
    ),
    api_case("api-v1:list_activities", get=API_ADULTS, post=API_METHOD),
    api_case("api-v1:get_activity", kw(activity_id="library_activity.pk"), get=API_ADULTS, post=API_METHOD),
    # The API serves published activities only: one waiting for review is not found, even by reviewers.
    api_case(
        "api-v1:get_activity",
        kw(activity_id="draft_activity.pk"),
        variant="waiting-for-review",
        get={},
        post=API_METHOD,
    ),
    # The report in the reader's scope, and the results of the questionnaires one runs, as on the pages.
    api_case("api-v1:report", get={STAFF: OK}, post=API_METHOD),
    api_case("api-v1:list_surveys", get=API_ADULTS, post=API_METHOD),  # those one runs: often none
    api_case("api-v1:survey_results", kw(survey_id="survey.pk"), get={("nso_a", "admin"): OK}, post=API_METHOD),
    api_case(
        "api-v1:survey_results",
        kw(survey_id="programme_survey.pk"),
        variant="programme",
        get={PROGRAMME_RUN: OK},
        post=API_METHOD,
    ),
    # The tokens page: every adult's own tokens; pupils have none.
    case("api:tokens", get={ADULTS: OK}, post={ADULTS: OK}),
    case("api:new_token", get=POST_ONLY, post={ADULTS: INVALID}),
    case("api:revoke_token", kw(pk="teacher_b_token.pk"), get=POST_ONLY, post={"teacher_b": OK}),
    # The OAuth clients of an NSO's own systems: its staff keep them (the administrator every NSO's).
    case("api:clients", get={NSO_STAFF | {"admin"}: OK}, post={NSO_STAFF | {"admin"}: OK}),
    case("api:new_client", get=POST_ONLY, post={NSO_STAFF | {"admin"}: INVALID}),
    case("api:revoke_client", kw(pk="nso_a_client.pk"), get=POST_ONLY, post={("nso_a", "admin"): OK}),
    # The token endpoint: no session, no token; a client authenticates itself (none here: refused).
    case("api:oauth_token", get={EVERYONE: 405}, post={EVERYONE: INVALID}),
    # A school's details, changed as on its page: its principal, its validated teachers, its NSO.
    api_case(
        "api-v1:update_school",
        kw(school_id="school_a.pk"),
        data=lambda n: {"city": "Haifa"},
        write="PATCH",
        get=API_ADULTS,
        post={TEACHERS_OF_A | {"principal_a", "nso_a", "admin"}: OK},
    ),
    # An NSO's import of schools and teachers: the dry run, the import, as on the import's pages.
    api_case(
        "api-v1:check_import",
        data=lambda n: {"rows": [IMPORT_ROW]},
        get=API_METHOD,
        # Several NSOs: which one must be said; another NSO's staff may not import Israel's schools.
        post={"nso_a": OK, "admin": 422, ("nso_b", "nso_c"): 422},
    ),
    api_case("api-v1:get_import", kw(import_id="onboarding_checked.pk"), get={("nso_a", "admin"): OK}, post=API_METHOD),
    api_case("api-v1:run_import", kw(import_id="onboarding_checked.pk"), get=API_METHOD, post={("nso_a", "admin"): OK}),
    # Proposals, as on their pages: a validated teacher asks (the service refuses their own school, a
    # pair already settled, in words); either school's teachers (and principal) answer.
    *(
        api_case(
            f"api-v1:{name}",  # one URL: GET lists, POST asks
            data=lambda n: {"partner_profile_id": n.profile_a.pk},
            get=API_ADULTS,
            post={TEACHERS: 409},
        )
        for name in ("list_proposals", "request_partnership")
    ),
    api_case(
        "api-v1:get_proposal",
        kw(proposal_id="proposal.pk"),
        get={TEACHERS_OF_A | {"teacher_c", "principal_a"}: OK},
        post=API_METHOD,
    ),
    api_case(
        "api-v1:accept_proposal",
        kw(proposal_id="proposal.pk"),
        get=API_METHOD,
        post={TEACHERS_OF_A | {"teacher_c", "principal_a"}: OK},
    ),
    api_case(
        "api-v1:decline_proposal",
        kw(proposal_id="proposal.pk"),
        data=lambda n: {"reason": "Our classes are full."},
        get=API_METHOD,
        post={TEACHERS_OF_A | {"teacher_c", "principal_a"}: OK},
    ),
]


def admin_cases(routes: Mapping[str, str]) -> list[Case]:
    """Every URL of the admin site: the platform administrator uses it; everyone else signs in there."""
    cases = []
    for name, route in sorted(routes.items()):
        if not name.startswith("admin:"):
            continue
        get, post = ADMIN_EXCEPTIONS.get(name) or _admin()
        personas = EVERYONE if name in ADMIN_FOR_EVERYONE else ADMIN_SAMPLE
        cases.append(case(name, _admin_kwargs(name, route), get=get, post=post, personas=personas))
    return cases
