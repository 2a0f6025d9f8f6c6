"""One realistic network for the access matrix: every URL's kwargs resolve to a real object in it.

Built once per test process (see ``test_access_matrix.py``) through the apps' own services and
test factories, so its rows are the rows people make. Two NSOs' countries (Israel, the UK) and a
third country with its own NSO (France); school A (Israel) and partner school B (the UK) in an
active twinning of a programme, with a workspace full of things (a pupil's published post, a
pupil's pending post, a post turned down, a teacher's replies quoting those two, photos published
and pending, a page, a plan step, a meeting); a school C in France with its teacher; the library,
courses, labels, reports, questionnaires, communities and cohort matching each with what their
pages show; a programme administrator and roles to manage.

Some texts carry a marker (``SECRET_*``): the matrix checks that no page shows one to a person
who may not read it (see ``access_matrix.SECRETS``).
"""

import io
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from twinning import testing
from twinning.accounts import services as account_services
from twinning.accounts.models import Role
from twinning.accounts.oidc import Identity
from twinning.accounts.pupils import create_pupils
from twinning.api import services as api_services
from twinning.common import exports
from twinning.common.school_year import current_school_year
from twinning.communities import services as community_services
from twinning.communities.models import Community
from twinning.communities.services.communities import About
from twinning.consent import queries as consent_queries
from twinning.consent import services as consent_services
from twinning.consent.models import Use
from twinning.coordination import services as coordination_services
from twinning.coordination.models import GuidanceEntry
from twinning.learning import services as learning_services
from twinning.learning.models import Offering, Registration
from twinning.learning.tests.conftest import into_the_past, make_offering
from twinning.library import services as library_services
from twinning.library.models import Activity as LibraryActivity
from twinning.matching import services as matching_services
from twinning.matching.models import CohortRun, Proposal
from twinning.matching.tests.conftest import make_profile
from twinning.meetings import services as meeting_services
from twinning.meetings.tests.conftest import make_meeting
from twinning.recognition import rubric
from twinning.recognition import services as recognition_services
from twinning.recognition.models import Label, SchoolLabelRequest
from twinning.reporting import services as reporting_services
from twinning.reporting.models import Survey
from twinning.schools import services as school_services
from twinning.schools.models import Language, Programme, Subject
from twinning.showcase import services as showcase_services
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace_services

# Texts only some people may read; each appears in exactly one row of the network.
SECRET_PARENT_EMAIL = "parent.of.maya@example.org"
SECRET_PENDING_POST = "Secret-pending-post-Qx7"
SECRET_REJECTED_POST = "Secret-rejected-post-Jw3"
SECRET_PENDING_PHOTO = "Secret-pending-photo-Vt5"
SECRET_PENDING_SCHOOL = "Zephyrine Pending Academy"
SECRET_DRAFT_ACTIVITY = "Secret-draft-activity-Km2"
SECRET_GUIDANCE = "Secret-guidance-note-Hd8"
SECRET_VIDEO_LINK = "https://meet.example.org/secret-video-Rb4"
SECRET_INVITE_ONLY_THREAD = "Secret-invite-only-thread-Lp9"
SECRET_DRAFT_COURSE = "Secret-draft-course-Nc6"
SECRET_PENDING_STORY = "Secret-pending-story-Wz3"

# Who is who: the persona names the declarations use, in the order the matrix reports them.
PERSONAS = (
    "anonymous",
    "pupil_a",  # a pupil of school A, in the twinning
    "pupil_b",  # a pupil of partner school B, in the twinning
    "teacher_a",  # school A's teacher-administrator of the twinning (its contact)
    "teacher_a2",  # another teacher of school A, the twinning's second contact (a plain teacher member)
    "colleague_a",  # a validated teacher of school A who is not in the twinning
    "pending_a",  # a teacher of school A waiting for validation
    "teacher_b",  # partner school B's teacher-administrator of the twinning
    "teacher_c",  # a teacher of school C, in a third country (France), outside the twinning
    "principal_a",  # school A's principal
    "coordinator",  # a pedagogic coordinator of Israel's NSO, the twinning's named coordinator
    "nso_a",  # NSO staff of school A's side (Israel)
    "nso_b",  # NSO staff of school B's side (the UK)
    "nso_c",  # NSO staff of the third country (France)
    "programme_admin",  # an administrator of the programme A and B take part in (appoints its coordinators)
    "admin",  # the platform administrator (superuser)
)


def png(colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    """A real one-page PDF, as small as they come: uploads are read and saved again, so a fake is refused."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build() -> SimpleNamespace:
    """Every row the matrix's URLs point at. Returns a namespace of them, plus ``people`` by persona."""
    n = SimpleNamespace(**vars(testing.make_cast()))
    year = current_school_year()
    english = Language.objects.get(code="en")
    history = Subject.objects.get(code="history")

    # A third country with its own NSO, school and teacher.
    n.fr_nso = testing.make_nso("fr", "France NSO")
    n.france = testing.make_country("FR", "France", nso=n.fr_nso, time_zone="Europe/Paris")
    n.school_c = testing.make_school(country=n.france, name="Lycée Molière")
    n.teacher_c = testing.make_teacher(school=n.school_c, name="Claire Martin")
    n.nso_fr = testing.make_person(name="Luc Bernard")
    testing.grant(n.nso_fr, Role.Kind.NSO_STAFF, nso=n.fr_nso)
    n.teacher_a2 = testing.make_teacher(school=n.school_a, name="Miriam Adler")
    n.colleague_a = testing.make_teacher(school=n.school_a, name="Eitan Barak")
    n.unconfirmed = testing.make_teacher(school=n.school_b, confirmed=False, name="Unconfirmed Teacher")

    # A school registered at sign-up, waiting for its NSO, with the teacher who registered it.
    n.pending_school_teacher = school_services.register_teacher(
        full_name="Pending Registrant",
        email="registrant@example.org",
        password=testing.PASSWORD,
        language="en",
        time_zone="Asia/Jerusalem",
        school=None,
        new_school=school_services.NewSchool(
            name=SECRET_PENDING_SCHOOL,
            native_name="",
            country=n.israel,
            city="Zephyr Town",
            school_type="public",
            age_from=10,
            age_to=14,
            languages=[english],
            time_zone="Asia/Jerusalem",
            school_week="sun_thu",
        ),
        subjects=[history],
        languages=[english],
    )
    n.pending_school = n.pending_school_teacher.school

    # A programme across the two NSOs' countries; A and B take part.
    n.programme = Programme.objects.create(slug="global", names={"en": "Global twinning"})
    n.programme.countries.set([n.israel, n.uk])
    n.school_a.programmes.add(n.programme)
    n.school_b.programmes.add(n.programme)
    # A second programme joins A with C in France: schools pair only within a programme they share.
    n.bridges = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    n.bridges.countries.set([n.israel, n.france])
    n.school_a.programmes.add(n.bridges)
    n.school_c.programmes.add(n.bridges)

    # Twinning profiles for the school year under way (and, below, a partnership request: C asks A).
    n.profile_a = make_profile(n.school_a, languages={"he": 3, "en": 2})
    n.profile_b = make_profile(n.school_b)
    n.profile_c = make_profile(n.school_c, languages={"en": 3, "fr": 3})

    # The twinning: A proposes, B accepts, the coordinator approves, A starts it.
    n.twinning = twinning_services.propose_twinning(
        from_school=n.school_a,
        to_schools=[n.school_b],
        by=n.teacher_a.user,
        school_year=year,
        titles={"en": "Our towns"},
        programme=n.programme,
    )
    row_b = n.twinning.schools.get(school=n.school_b)
    twinning_services.answer_invitation(twinning=n.twinning, row=row_b, by=n.teacher_b.user, accept=True)
    twinning_services.approve_twinning(twinning=n.twinning, by=n.coordinator)
    twinning_services.start_twinning(twinning=n.twinning, by=n.teacher_a.user)
    n.row_a = n.twinning.schools.get(school=n.school_a)
    twinning_services.set_contacts(
        row=n.row_a, contact=n.teacher_a.user, second_contact=n.teacher_a2.user, by=n.teacher_a.user
    )
    # A proposal from A to C, waiting for C's answer.
    n.proposed = twinning_services.propose_twinning(
        from_school=n.school_a, to_schools=[n.school_c], by=n.teacher_a.user, school_year=year, programme=n.bridges
    )
    # C's partnership request to A, left from before A proposed the twinning: written directly, as the
    # services now refuse a second proposal for a pair that has a twinning this year.
    n.proposal = Proposal.objects.create(
        origin=Proposal.Origin.SEARCH, left=n.profile_c, right=n.profile_a, score=0.5, created_by=n.teacher_c.user
    )

    # Pupils of A and B, in the twinning.
    (n.pupil_a, _password), (n.pupil_a_out, _password) = create_pupils(
        school=n.school_a, by=n.teacher_a.user, names=["Maya K.", "Noam T."]
    )
    ((n.pupil_b, _password),) = create_pupils(school=n.school_b, by=n.teacher_b.user, names=["Tom W."])
    twinning_services.add_pupils(twinning=n.twinning, row=n.row_a, pupils=[n.pupil_a], by=n.teacher_a.user)
    twinning_services.add_pupils(twinning=n.twinning, row=row_b, pupils=[n.pupil_b], by=n.teacher_b.user)
    # Parents' consent: pupil A's family got a link by e-mail; a paper form with its scan for the other pupil of A.
    n.consent_form = consent_services.send_consent_link(
        pupil=n.pupil_a, by=n.teacher_a.user, email=SECRET_PARENT_EMAIL, language="he"
    )
    n.consent_token = consent_queries.link_token(n.consent_form)
    n.paper_consent = consent_services.record_paper_answers(
        pupil=n.pupil_a_out,
        by=n.teacher_a.user,
        answers=dict.fromkeys(Use.values, True),
        language="en",
        scan=SimpleUploadedFile("form.png", png()),
    )

    # The workspace: a thread, a pupil's published, pending and turned-down posts, photos, a page, a plan step.
    n.thread = workspace_services.start_thread(
        twinning=n.twinning, by=n.teacher_a.user, title="Hello from Haifa", body="Shalom to our partners!"
    )
    n.published_post = workspace_services.reply(thread=n.thread, by=n.pupil_a.user, body="Hi from Maya")
    workspace_services.moderate(item=n.published_post, by=n.teacher_a.user, approve=True)
    n.rejected_post = workspace_services.reply(thread=n.thread, by=n.pupil_a.user, body=SECRET_REJECTED_POST)
    n.pending_post = workspace_services.reply(thread=n.thread, by=n.pupil_a.user, body=SECRET_PENDING_POST)
    # Teacher A quotes both while they wait (their teacher may read them): the published replies must
    # not show the quoted text to anyone who may not read it, nor the turned-down one to anybody.
    for quoted in (n.rejected_post, n.pending_post):
        workspace_services.reply(thread=n.thread, by=n.teacher_a.user, body="We will talk about it.", quote=quoted)
    workspace_services.moderate(item=n.rejected_post, by=n.teacher_a.user, approve=False)
    n.photo = workspace_services.upload_media(
        twinning=n.twinning, by=n.teacher_a.user, upload=SimpleUploadedFile("town.png", png()), title="Our town"
    )
    n.pending_photo = workspace_services.upload_media(
        twinning=n.twinning,
        by=n.pupil_a.user,
        upload=SimpleUploadedFile("street.png", png((200, 40, 40))),
        title=SECRET_PENDING_PHOTO,
    )
    # An album holding the pupil's photo that waits for approval: its page, cover and count must not
    # show it to anyone but the pupil and their school's teachers.
    n.album = workspace_services.create_album(twinning=n.twinning, by=n.teacher_a.user, name="Our streets")
    workspace_services.file_media(item=n.pending_photo, album=n.album, by=n.teacher_a.user)
    # Their light copies, as the job queue makes them (the same service, run here and now).
    for item in (n.photo, n.pending_photo):
        workspace_services.prepare_variants(item_id=item.pk)
    n.photo_thumb = n.photo.variants.get(name="thumb")
    n.pending_thumb = n.pending_photo.variants.get(name="thumb")
    n.page = workspace_services.save_page(
        twinning=n.twinning, by=n.teacher_a.user, title="Our map", source="Both towns on **one** map."
    )
    today = timezone.localdate()
    n.plan_step = workspace_services.plan_activity(
        twinning=n.twinning, by=n.teacher_a.user, title="Exchange letters", starts_on=today + timedelta(days=7)
    )

    # A confirmed meeting next week, and teacher A's private calendar feed.
    n.meeting = make_meeting(n.twinning, n, starts_at=timezone.now() + timedelta(days=7))
    n.meeting.video_link = SECRET_VIDEO_LINK
    n.meeting.save(update_fields=["video_link"])
    n.feed = meeting_services.feed_of(n.teacher_a.user)

    # Coordination: the guidance log and the programme's silence limits.
    n.guidance = coordination_services.add_guidance(
        twinning=n.twinning,
        by=n.coordinator,
        kind=GuidanceEntry.Kind.NOTE,
        text=SECRET_GUIDANCE,
        happened_on=today,
    )
    n.programme_coordinator = testing.make_person(name="Programme Coordinator")
    testing.grant(n.programme_coordinator, Role.Kind.COORDINATOR, programme=n.programme)
    coordination_services.set_nudge_policy(
        programme=n.programme, by=n.programme_coordinator, remind_after_days=14, alert_after_days=28
    )

    # The programme's administrator, and roles to remove on the roles pages: school A's principal
    # (its NSO's staff manage it), the programme's coordinator (its administrators do), Israel's NSO
    # staff (the platform administrator only).
    n.programme_admin = testing.make_person(name="Programme Admin")
    testing.grant(n.programme_admin, Role.Kind.PROGRAMME_ADMIN, programme=n.programme)
    n.principal_role = Role.objects.get(user=n.principal_a, kind=Role.Kind.PRINCIPAL)
    n.programme_coordinator_role = Role.objects.get(user=n.programme_coordinator, kind=Role.Kind.COORDINATOR)
    n.nso_staff_role = Role.objects.get(user=n.nso_il, kind=Role.Kind.NSO_STAFF)

    # The library: a published activity with a file (used in the plan), and another teacher's version
    # waiting for review, with a file of its own.
    def text(title: str) -> library_services.Text:
        return library_services.Text(
            title=title,
            summary="Each class photographs its street and writes to the partner class about it.",
            goals="Describe a place",
            steps="Walk the street\nTake three photographs",
            age_from=10,
            age_to=14,
            duration_minutes=90,
            text_language=english,
            themes=[history],
            languages=[english],
        )

    version = library_services.start_activity(by=n.teacher_a.user, text=text("Our streets, our stories"))
    n.attachment = library_services.attach(
        version=version, by=n.teacher_a.user, upload=SimpleUploadedFile("street.png", png())
    )
    library_services.submit(version=version, by=n.teacher_a.user)
    library_services.publish(version=version, by=n.coordinator)
    n.library_activity = LibraryActivity.objects.get(pk=version.activity_id)
    library_services.add_to_plan(
        activity=n.library_activity, twinning=n.twinning, by=n.teacher_a.user, starts_on=today + timedelta(days=14)
    )
    draft = library_services.start_activity(by=n.teacher_b.user, text=text(SECRET_DRAFT_ACTIVITY))
    n.draft_attachment = library_services.attach(
        version=draft, by=n.teacher_b.user, upload=SimpleUploadedFile("plan.pdf", pdf())
    )
    library_services.submit(version=draft, by=n.teacher_b.user)
    n.draft_activity = draft.activity

    # Learning: a course for Israel's NSO's own teachers (over, with teacher A's certificate and a
    # file for its participants), a course open to the network, and a draft only its organisers see.
    n.course = make_offering(n, capacity=5, titles={"en": "Teaching with tablets"})
    learning_services.register(offering=n.course, user=n.teacher_a.user)
    n.course = into_the_past(n.course)
    n.session = n.course.sessions.get()
    learning_services.record_attendance(
        session=n.session,
        by=n.nso_il,
        present={Registration.objects.get(offering=n.course, user=n.teacher_a.user).pk},
    )
    n.certificate = n.course.certificates.get(holder=n.teacher_a.user)
    n.material = learning_services.add_material(
        offering=n.course, by=n.nso_il, upload=SimpleUploadedFile("notes.pdf", pdf())
    )
    n.network_course = make_offering(
        n, audience=Offering.Audience.NETWORK, titles={"en": "Twinning for beginners"}, start=n.session.starts_at
    )
    n.network_course.refresh_from_db()
    n.draft_course = make_offering(n, titles={"en": SECRET_DRAFT_COURSE}, publish=False)

    # Recognition: teacher A's label application, sent; an award category of Israel's NSO.
    n.application = recognition_services.start_application(twinning=n.twinning, teacher=n.teacher_a.user)
    recognition_services.save_application(
        application=n.application,
        eligibility=dict.fromkeys(rubric.ELIGIBILITY_CODES, True),
        texts={c.code: f"What we did for {c.code}." for c in rubric.CRITERIA},
        evidence={"pages": [n.page.pk]},
    )
    recognition_services.submit_application(application=n.application, by=n.teacher_a.user)
    n.award_category = recognition_services.add_category(
        nso=n.il_nso, school_year=year, names={"en": "Best twinning"}, by=n.nso_il
    )
    # Teacher A's labelled project (the label stored as if awarded), nominated in that category.
    n.label = Label.objects.create(
        kind=Label.Kind.NATIONAL, school_year=year, school=n.school_a, teacher=n.teacher_a.user, twinning=n.twinning
    )
    n.nomination = recognition_services.nominate(
        category=n.award_category, label=n.label, by=n.nso_il, reason="Both towns on one map."
    )
    # School A's principal asks for the school label. The network's school is not eligible (it needs
    # three active teachers and a labelled project), so the request is stored as one that was.
    n.school_label_request = SchoolLabelRequest.objects.create(
        school=n.school_a, school_year=year, principal=n.principal_a, declaration="We give twinning time."
    )

    # Reporting: Israel's NSO's questionnaire for pupils and teachers, open for the first answers.
    n.survey = reporting_services.create_survey(
        nso=n.il_nso,
        by=n.nso_il,
        school_year=year,
        titles={"en": "Our partners"},
        questions=[{"en": "I know how my partners live"}],
        audience=Survey.Audience.BOTH,
    )
    reporting_services.advance_survey(survey=n.survey, by=n.nso_il, expected=Survey.Stage.DRAFT)
    # The programme's own questionnaire, run by its administrator, open for both schools' answers.
    n.programme_survey = reporting_services.create_survey(
        programme=n.programme,
        by=n.programme_admin,
        school_year=year,
        titles={"en": "Our programme"},
        questions=[{"en": "I know my partners better"}],
        audience=Survey.Audience.BOTH,
    )
    reporting_services.advance_survey(survey=n.programme_survey, by=n.programme_admin, expected=Survey.Stage.DRAFT)

    # Communities: an open one (a thread, a file) and one by invitation (B's teacher is a member;
    # A's colleague is invited; C's teacher asked to join).
    n.community = community_services.create_community(
        by=n.coordinator,
        about=About(names={"en": "English teachers"}, subject=Subject.objects.get(code="english-foreign")),
        nso=n.il_nso,
    )
    community_services.join(community=n.community, user=n.teacher_a.user)
    n.community_thread = community_services.start_thread(
        community=n.community, by=n.teacher_a.user, title="Songs that work", body="Ours: a round."
    )
    n.community_post = n.community_thread.posts.get()
    n.community_member = n.community.memberships.get(user=n.teacher_a.user)
    n.resource = community_services.share_file(
        community=n.community, by=n.teacher_a.user, upload=SimpleUploadedFile("song.pdf", pdf()), title="A song"
    )
    n.folder = community_services.create_folder(community=n.community, by=n.teacher_a.user, name="Songs")
    community_services.file_resource(resource=n.resource, folder=n.folder, by=n.teacher_a.user)
    n.closed_community = community_services.create_community(
        by=n.coordinator,
        about=About(names={"en": "Heads of history"}, subject=history, access=Community.Access.INVITATION),
        nso=n.il_nso,
    )
    n.invitation = community_services.invite(community=n.closed_community, by=n.coordinator, invitee=n.teacher_b.user)
    community_services.answer_invitation(invitation=n.invitation, user=n.teacher_b.user, accept=True)
    n.closed_thread = community_services.start_thread(
        community=n.closed_community, by=n.teacher_b.user, title=SECRET_INVITE_ONLY_THREAD, body="Members only."
    )
    n.pending_invitation = community_services.invite(
        community=n.closed_community, by=n.coordinator, invitee=n.colleague_a.user
    )
    n.join_request = community_services.request_to_join(community=n.closed_community, user=n.teacher_c.user)

    # A British school asks to join the programme: its administrators (and coordinators) decide.
    n.applicant = testing.make_school(country=n.uk, name="Bristol Applicant School")
    n.membership_request = school_services.request_membership(school=n.applicant, programme=n.programme, by=n.admin)

    # Cohort matching: Israel's NSO matches Israel with the UK, over the schools outside every
    # programme (A and B are matched in their programme's runs); the run is done and has a pair.
    make_profile(testing.make_school(country=n.israel, name="Haifa Open School"))
    make_profile(testing.make_school(country=n.uk, name="Leeds Partner School"))
    n.cohort = matching_services.start_cohort_run(
        by=n.nso_il,
        nso=n.il_nso,
        school_year=year,
        shape=CohortRun.Shape.TWO_SIDES,
        left_countries=[n.israel],
        right_countries=[n.uk],
        min_score=0,
    )
    matching_services.execute_cohort_run(n.cohort.pk)
    n.cohort.refresh_from_db()
    n.cohort_pair = n.cohort.pairs.first()

    # Teacher A's school account, linked for signing in (no provider is configured: the buttons are gone,
    # and only unlinking is left to try).
    n.linked_identity = account_services.link_identity(
        user=n.teacher_a.user,
        identity=Identity(
            provider="school", subject="teacher-a", email="dana@school.example", email_verified=True, name="Dana"
        ),
    )

    # A copy of teacher A's own data, ready to download (built here: the job would run after commit).
    n.data_export = exports.request_export(subject=n.teacher_a.user, by=n.teacher_a.user)
    exports.build(n.data_export.pk)

    # The showcase: the programme's public page, published with a logo; last year's twinning of A and B,
    # finished, whose story (with a workspace photo) waits for the programme's coordinators.
    showcase_services.set_public_page(
        programme=n.programme,
        by=n.programme_admin,
        descriptions={"en": "Schools of two countries learn together."},
        accent_colour="#0b5c8c",
        public=True,
        logo=SimpleUploadedFile("logo.png", png()),
    )
    n.past_twinning = twinning_services.propose_twinning(
        from_school=n.school_a,
        to_schools=[n.school_b],
        by=n.teacher_a.user,
        school_year=year - 1,
        titles={"en": "Last year's letters"},
        programme=n.programme,
    )
    past_b = n.past_twinning.schools.get(school=n.school_b)
    twinning_services.answer_invitation(twinning=n.past_twinning, row=past_b, by=n.teacher_b.user, accept=True)
    twinning_services.approve_twinning(twinning=n.past_twinning, by=n.coordinator)
    twinning_services.start_twinning(twinning=n.past_twinning, by=n.teacher_a.user)
    past_photo = workspace_services.upload_media(
        twinning=n.past_twinning, by=n.teacher_a.user, upload=SimpleUploadedFile("sea.png", png()), title="The sea"
    )
    twinning_services.close_twinning(twinning=n.past_twinning, by=n.teacher_a.user)
    n.story = showcase_services.write_story(
        twinning=n.past_twinning,
        by=n.teacher_a.user,
        title=SECRET_PENDING_STORY,
        body="The classes wrote to each other all year.",
        language="en",
        photos=[past_photo],
        everyone_tagged=True,
    )
    n.story_photo = n.story.photos.get()

    # Onboarding: Israel's NSO imported a file of one school and its teacher (the invitation waits), and
    # has another checked, not imported yet; the programme's administrator has one checked too.
    from twinning.onboarding import rules as onboarding_rules
    from twinning.onboarding import services as onboarding_services

    def sheet(school: str, email: str) -> bytes:
        header = (
            "school_name,country,city,school_type,age_from,age_to,languages,teacher_name,teacher_email,teacher_language"
        )
        return f"{header}\n{school},IL,Haifa,public,10,12,he;en,Imported Teacher,{email},he\n".encode()

    n.onboarding_import = onboarding_services.check_file(
        by=n.nso_il, scope=n.il_nso, data=sheet("Carmel Imported School", "imported@example.org"), filename="a.csv"
    )
    onboarding_services.run_import(by=n.nso_il, import_file=n.onboarding_import)
    n.onboarding_invitation = n.onboarding_import.invitations.get()
    n.onboarding_token = onboarding_rules.invitation_token(n.onboarding_invitation)
    n.onboarding_checked = onboarding_services.check_file(
        by=n.nso_il, scope=n.il_nso, data=sheet("Galil Checked School", "checked@example.org"), filename="b.csv"
    )
    n.onboarding_programme_checked = onboarding_services.check_file(
        by=n.programme_admin, scope=n.programme, data=sheet("Negev School", "negev@example.org"), filename="c.csv"
    )

    n.confirm_token = account_services.confirmation_token(n.unconfirmed.user)
    n.teacher_b_token = api_services.create_token(
        user=n.teacher_b.user, name="Partner register", scopes_wanted=["schools:read"], days=30
    ).token
    n.nso_a_client = api_services.create_client(
        by=n.nso_il, nso=n.il_nso, name="Ministry register", scopes_wanted=["schools:write"]
    ).client
    n.reset_uid = urlsafe_base64_encode(force_bytes(n.teacher_c.user.pk))
    n.reset_token = default_token_generator.make_token(n.teacher_c.user)

    n.people = {
        "anonymous": None,
        "pupil_a": n.pupil_a.user,
        "pupil_b": n.pupil_b.user,
        "teacher_a": n.teacher_a.user,
        "teacher_a2": n.teacher_a2.user,
        "colleague_a": n.colleague_a.user,
        "pending_a": n.pending_il.user,
        "teacher_b": n.teacher_b.user,
        "teacher_c": n.teacher_c.user,
        "principal_a": n.principal_a,
        "coordinator": n.coordinator,
        "nso_a": n.nso_il,
        "nso_b": n.nso_uk,
        "nso_c": n.nso_fr,
        "programme_admin": n.programme_admin,
        "admin": n.admin,
    }
    assert tuple(n.people) == PERSONAS
    return n


def session_cookies(people: dict) -> dict:
    """Each persona's signed-in session cookie (none for the anonymous visitor)."""
    cookies = {}
    for name, user in people.items():
        client = testing.Client()
        if user is not None:
            client.force_login(user)
        cookies[name] = dict(client.cookies.items())
    return cookies
