"""axe-core on every main page, as the person who uses it: each role's dashboard, joining, validation,
schools, matching, a twinning and each tab of its workspace, meetings, calendars, the caseload, the
library, reports (a programme's too, and a questionnaire's results), labels, courses, communities and
notifications, in English, Hebrew and Arabic, on a phone (390 px) and a desktop (1280 px); more pages
(forms, lists, the pupil's workspace, public pages) once, in Arabic on a phone. axe runs its WCAG 2.2 A
and AA rules and its best practices (landmarks, the order of headings). One browser page is reused,
signed in once per person; a failure names each page, the person, the language and the width, with
axe's rule, its impact and the failing nodes' selectors. The whole file runs in about three minutes on
one process.
"""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from twinning import testing
from twinning.accounts.models import LinkedIdentity, Role
from twinning.common import mail_choices
from twinning.common.uploads.tests.corpus import hd_mp4
from twinning.communities import services as community_services
from twinning.communities.tests.conftest import make as make_community
from twinning.learning.tests.conftest import make_offering
from twinning.library import services as library
from twinning.matching import services as matching
from twinning.matching.tests.conftest import make_profile
from twinning.meetings.tests.conftest import first_window, make_meeting
from twinning.onboarding import rules as onboarding_rules
from twinning.onboarding import services as onboarding
from twinning.reporting.tests.conftest import programme_with_answers
from twinning.schools import services as school_services
from twinning.schools.models import Language, Programme, Subject
from twinning.workspace import services as workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not testing.AXE_SCRIPT.exists(), reason="axe-core is not installed: `make browser-deps`"),
]


def _png() -> bytes:
    """A small picture for the media tab."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


# Pages read after sending their form: the button to press, and what must come back.
SENT = {
    "sign-up with errors": ("main form[method=post] button[type=submit] >> nth=-1", "[aria-invalid=true]"),
    "own profile, saved": ("main form.stacked button[type=submit]", ".messages li"),
}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of its own, which the site's CSP (script-src 'self') refuses.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def site(cast, twinning, pupils, media_root, settings):
    """Who signs in, and the pages each of them sees, with something on each page to read."""
    pk, school = twinning.pk, cast.school_a.pk
    teacher = cast.teacher_a.user
    # Sign-in with a school account: its buttons on the sign-in, sign-up and profile pages (only shown,
    # never pressed here: nothing is asked of the provider), and a linked account on the teacher's profile.
    settings.OIDC_PROVIDERS = {
        "google": {"label": "Google", "issuer": "https://accounts.google.com", "client_id": "a", "client_secret": "b"},
        "microsoft": {
            "label": "Microsoft",
            "issuer": "https://login.microsoftonline.com/common/v2.0",
            "client_id": "c",
            "client_secret": "d",
        },
    }
    LinkedIdentity.objects.create(user=teacher, provider="google", subject="dana", email="dana.levi@school.example")
    cast.il_nso.signup_domains = "*.edu.il\neducation.gov.il"
    cast.il_nso.save(update_fields=["signup_domains"])
    # Reference rows a transactional test that ran before may have emptied.
    testing.restore_reference_data()
    Subject.objects.get_or_create(code="geography", defaults={"names": {"en": "Geography"}})
    english = Language.objects.get_or_create(code="en", defaults={"names": {"en": "English"}})[0]
    # An import of one school and its teacher by Israel's NSO: its invitations, and the teacher's link.
    sheet = (
        "school_name,country,city,school_type,age_from,age_to,languages,teacher_name,teacher_email,teacher_language\n"
        "Carmel School,IL,Haifa,public,10,12,en,Tamar Oz,tamar@example.org,he\n"
    )
    imported = onboarding.check_file(by=cast.nso_il, scope=cast.il_nso, data=sheet.encode(), filename="a.csv")
    onboarding.run_import(by=cast.nso_il, import_file=imported)
    welcome = onboarding_rules.invitation_token(imported.invitations.get())
    unsubscribe = mail_choices.unsubscribe_token(
        user_id=teacher.pk, kind="community_reply", salt=mail_choices.settings_for(teacher).salt
    )

    thread = workspace.start_thread(twinning=twinning, by=teacher, title="Rivers", body="Tell us about your river.")
    workspace.reply(thread=thread, by=pupils[0].user, body="Our river is the Yarkon.")
    workspace.plan_activity(
        twinning=twinning, by=teacher, title="Letters", starts_on=timezone.localdate() + timedelta(days=7)
    )
    wiki = workspace.save_page(twinning=twinning, by=teacher, title="Our towns", source="# Our towns\n\nTwo towns.")
    workspace.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile("map.png", _png(), "image/png"), title="Our map"
    )
    album = workspace.create_album(twinning=twinning, by=teacher, name="Our streets")
    workspace.create_album(twinning=twinning, by=teacher, name="Festivals")
    street = workspace.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile("street.png", _png(), "image/png"), title="Street"
    )
    workspace.file_media(item=street, album=album, by=teacher)
    # The pupil reads in data-saver mode: their pages show the photos' placeholders and the header's note.
    pupils[0].user.data_saver = True
    pupils[0].user.save(update_fields=["data_saver"])
    # A clip larger than 360p: the gallery shows its player and the choice of its two copies.
    workspace.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile("clip.mp4", hd_mp4(640, 480, 1)), title="Song"
    )
    meeting = make_meeting(twinning, cast, starts_at=first_window(twinning).start)

    ours = make_profile(cast.school_a, languages={"he": 3, "en": 2})
    other = testing.make_school(country=cast.uk, name="Elm Tree School")
    testing.make_teacher(school=other, name="Jo Elm")
    proposal = matching.request_partnership(
        from_profile=ours, to_profile=make_profile(other), by=teacher, message="Hello!"
    )

    version = library.start_activity(
        by=teacher,
        text=library.Text(
            title="Our streets, our stories",
            summary="Each class photographs its street.",
            goals="Describe a place",
            steps="Walk the street\nTake three photographs",
            age_from=10,
            age_to=14,
            duration_minutes=90,
            text_language=english,
            themes=["geography"],
            languages=["en"],
        ),
    )
    library.submit(version=version, by=teacher)
    library.publish(version=version, by=cast.coordinator)
    offering = make_offering(cast)
    community = make_community(cast)
    folder = community_services.create_folder(community=community, by=cast.coordinator, name="Songs")
    community_services.create_folder(community=community, by=cast.coordinator, name="Games")
    programme_coordinator, survey = programme_with_answers(cast, twinning)

    # A programme with a member, a school waiting for its decision, and its coordinator; school A
    # may ask to join it from its page.
    programme = Programme.objects.create(
        slug="ja", names={"en": "School twinning", "he": "תאומות בתי ספר", "ar": "توأمة المدارس"}
    )
    programme.countries.set([cast.israel, cast.uk])
    cast.school_b.programmes.add(programme)
    applicant = testing.make_school(country=cast.uk, name="Oak Hill School")
    school_services.request_membership(school=applicant, programme=programme, by=cast.admin)
    membership_coordinator = testing.make_person(name="Tamar Programme")
    testing.grant(membership_coordinator, Role.Kind.COORDINATOR, programme=programme)
    # The questionnaire's programme has a public page, read without signing in (its showcase has its
    # own browser test).
    Programme.objects.filter(slug="bridges").update(
        descriptions={"en": "Classes of two countries learn together."}, public=True
    )

    return {
        # Who: (the person, the main pages, more pages read once, in Arabic on a phone).
        "teacher": (
            teacher,
            [
                ("teacher dashboard", "/dashboard/"),
                ("school page", f"/schools/{school}/"),
                ("twinning profile form", "/matching/profile/"),
                ("partner search", "/matching/search/"),
                ("proposals", "/matching/proposals/"),
                ("twinning", f"/twinnings/{pk}/"),
                ("workspace home", f"/twinnings/{pk}/workspace/"),
                ("forum", f"/twinnings/{pk}/forum/"),
                ("thread", f"/twinnings/{pk}/forum/{thread.pk}/"),
                ("media", f"/twinnings/{pk}/media/"),
                ("plan", f"/twinnings/{pk}/plan/"),
                ("pages", f"/twinnings/{pk}/pages/"),
                ("a page", f"/twinnings/{pk}/pages/{wiki.pk}/"),
                ("members", f"/twinnings/{pk}/members/"),
                ("meetings", f"/twinnings/{pk}/meetings/"),
                ("meeting", f"/twinnings/{pk}/meetings/{meeting.pk}/"),
                ("school calendar", f"/schools/{school}/calendar/"),
                ("activity library", "/library/"),
                ("activity", f"/library/{version.activity_id}/"),
                ("labels", "/labels/"),
                ("courses and events", "/learning/"),
                ("a course", f"/learning/{offering.pk}/"),
                ("communities", "/communities/"),
                ("community", f"/communities/{community.pk}/"),
                ("notifications", "/notifications/"),
                ("e-mail settings", "/notifications/e-mail/"),
            ],
            [
                ("school directory", "/schools/"),
                ("own profile", "/accounts/profile/"),
                ("own profile, saved", "/accounts/profile/"),
                ("API tokens", "/api/tokens/"),
                ("pupils", "/accounts/pupils/"),
                ("all meetings", "/meetings/"),
                ("calendar feed", "/meetings/calendar/"),
                ("twinnings", "/twinnings/"),
                ("a proposal", f"/matching/proposals/{proposal.pk}/"),
                ("moderation", f"/twinnings/{pk}/moderation/"),
                ("albums to arrange", f"/twinnings/{pk}/media/albums/"),
                ("an album", f"/twinnings/{pk}/media/albums/{album.pk}/"),
                ("new workspace page", f"/twinnings/{pk}/pages/new/"),
                ("new library activity", "/library/new/"),
                ("community threads", f"/communities/{community.pk}/threads/"),
                ("community resources", f"/communities/{community.pk}/resources/"),
                ("community folder", f"/communities/{community.pk}/resources/folders/{folder.pk}/"),
                ("community members", f"/communities/{community.pk}/members/"),
            ],
        ),
        "pupil": (
            pupils[0].user,
            [("pupil dashboard", "/dashboard/")],
            [
                ("pupil's workspace", f"/twinnings/{pk}/workspace/"),
                ("pupil's thread", f"/twinnings/{pk}/forum/{thread.pk}/"),
                ("pupil's media", f"/twinnings/{pk}/media/"),
                ("pupil's album", f"/twinnings/{pk}/media/albums/{album.pk}/"),
            ],
        ),
        "NSO staff": (
            cast.nso_il,
            [
                ("NSO dashboard", "/dashboard/"),
                ("validation queue", "/validation/"),
                ("teacher's validation", f"/validation/teachers/{cast.pending_il.pk}/"),
                ("reports", "/reports/"),
                ("import schools", "/onboarding/"),
            ],
            [
                ("how teachers join", f"/nso/{cast.il_nso.pk}/settings/"),
                ("roles", "/accounts/roles/"),
                ("roles, people found", "/accounts/roles/?person=dana"),
                ("an import's invitations", f"/onboarding/{imported.pk}/invitations/"),
                ("questionnaires", "/reports/surveys/"),
                ("library review", "/library/review/"),
                ("what I organise", "/learning/organise/"),
                ("a new course", "/learning/new/"),
                ("label evaluation", "/labels/evaluation/"),
                ("awards", "/labels/awards/"),
                ("cohorts", "/matching/cohorts/"),
                ("OAuth clients", "/api/clients/"),
            ],
        ),
        "coordinator": (
            cast.coordinator,
            [("coordinator dashboard", "/dashboard/"), ("caseload", "/coordination/")],
            [("community folders to arrange", f"/communities/{community.pk}/resources/folders/")],
        ),
        "programme coordinator": (
            programme_coordinator,
            [
                ("programme report", "/reports/programmes/bridges/"),
                ("questionnaire results", f"/reports/surveys/{survey.pk}/results/"),
            ],
            [
                ("new questionnaire", "/reports/surveys/new/"),
                ("a programme's questionnaire", f"/reports/surveys/{survey.pk}/"),
            ],
        ),
        "membership coordinator": (
            membership_coordinator,
            [
                ("programme coordinator dashboard", "/dashboard/"),
                ("membership requests", "/membership-requests/"),
                ("member schools", "/programmes/ja/members/"),
            ],
            [],
        ),
        "principal": (cast.principal_a, [("principal dashboard", "/dashboard/")], []),
        "platform admin": (cast.admin, [("admin dashboard", "/dashboard/")], []),
        "anonymous": (
            None,
            [
                ("sign-up", "/join/"),
                ("sign-up with errors", "/join/"),
                ("programme's public page", "/programmes/bridges/"),
            ],
            [
                ("home", "/"),
                ("sign-in", "/accounts/sign-in/"),
                ("privacy notice", "/privacy/"),
                ("offline page", "/offline/"),
                ("password reset", "/accounts/password/reset/"),
                ("certificate check", "/learning/verify/"),
                ("invited teacher's welcome", f"/onboarding/welcome/{welcome}/"),
                ("unsubscribe from an e-mail", f"/unsubscribe/{unsubscribe}/"),
            ],
        ),
    }


def _as(page, live_server, user, language: str) -> None:
    page.context.clear_cookies()
    if user is None:
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    else:
        type(user).objects.filter(pk=user.pk).update(preferred_language=language)
        cookie = {
            "name": settings.SESSION_COOKIE_NAME,
            "value": testing.signed_in_session(user),
            "url": live_server.url,
        }
    page.context.add_cookies([cookie])


def _check(page, live_server, site, language: str, *, more: bool) -> str:
    """axe on each page of ``site`` (the main pages, or the others), each as its person; what it found."""
    failures, checked = [], 0
    for who, (user, main, others) in site.items():
        pages = others if more else main
        if not pages:
            continue
        _as(page, live_server, user, language)
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, who, response and response.status)
            if name in SENT:
                button, expected = SENT[name]
                page.locator(button).click()
                page.wait_for_load_state()
                assert page.locator(expected).count() > 0, f"{name}: nothing like {expected} came back"
            assert page.get_attribute("html", "lang") == language, name
            found = testing.axe_violations(page, tags=testing.AXE_TAGS_AND_BEST_PRACTICE)
            checked += 1
            if found:
                failures.append(f"{name} ({path}) as {who}:\n{testing.describe_violations(found)}")
    assert checked == sum(len(pages[2 if more else 1]) for pages in site.values())
    return "\n".join(failures)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_axe_finds_no_violation_on_any_main_page(page, live_server, site, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    failures = _check(page, live_server, site, language, more=False)
    assert not failures, f"{language}, {width} px:\n{failures}"


def test_axe_finds_no_violation_on_the_other_pages_in_arabic_on_a_phone(page, live_server, site):
    page.set_viewport_size({"width": 390, "height": 900})
    failures = _check(page, live_server, site, "ar", more=True)
    assert not failures, f"ar, 390 px:\n{failures}"
