"""Partner search, proposals and cohort matching through real requests, persona by persona."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.common.models import Notification
from twinning.matching.models import CohortRun, ProfileLanguage, Proposal, TwinningProfile
from twinning.matching.tests.conftest import make_profile
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def test_search_ranks_partner_with_explanation(client, cast, profiles):
    response = as_(client, cast.teacher_a.user).get("/matching/search/")
    assert response.status_code == 200
    results = response.context["results"]
    assert [r["profile"].pk for r in results] == [profiles[1].pk]
    reasons = {r.part: r for r in results[0]["reasons"]}
    assert reasons["language"].text == "Both classes can work in English (level: Good)."
    assert reasons["ages"].percent == 100


def test_search_hides_school_not_looking_or_full(client, cast, profiles):
    profiles[1].looking = False
    profiles[1].save()
    assert as_(client, cast.teacher_a.user).get("/matching/search/").context["results"] == []
    profiles[1].looking = True
    profiles[1].save()
    Proposal.objects.create(
        origin="search", left=profiles[0], right=profiles[1], status="accepted", left_accepted=True, right_accepted=True
    )
    # The UK school wanted one partner and has it: nobody else is offered it.
    other = testing.make_school(country=cast.israel, name="Hadera High")
    teacher = testing.make_teacher(school=other, name="Gil Ofer")
    make_profile(other)
    assert as_(client, teacher.user).get("/matching/search/").context["results"] == []


def test_search_is_for_validated_teachers_only(client, cast, profiles):
    assert as_(client, cast.pending_il.user).get("/matching/search/").status_code == 404
    assert as_(client, cast.nso_uk).get("/matching/search/").status_code == 404


def test_search_filters_by_country(client, cast, profiles):
    response = as_(client, cast.teacher_a.user).get("/matching/search/", {"country": "IL"})
    assert response.context["results"] == []


def test_request_notifies_partner_in_app_and_by_email(client, cast, profiles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": "Shalom!"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.left, proposal.right, proposal.status) == (profiles[0], profiles[1], "pending")
    note = Notification.objects.get(recipient=cast.teacher_b.user)
    assert note.kind == "proposal_received"
    assert [m.to for m in mail.outbox] == [[cast.teacher_b.user.email]]
    assert "Reali School" in mail.outbox[0].subject
    again = client.post(f"/matching/request/{profiles[1].pk}/", {"message": "Again"}, follow=True)
    assert Proposal.objects.count() == 1
    assert [str(m) for m in again.context["messages"]][-1] == (
        "Your schools already have a twinning or a proposal this year, or one of you declined it."
    )


def test_request_to_own_school_says_why_and_creates_nothing(client, cast, profiles):
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    client = as_(client, cast.teacher_a.user)

    response = client.post(f"/matching/request/{profiles[0].pk}/", {"message": "Me"}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["בית ספר לא יכול ליצור שותפות תאומות עם עצמו."]
    assert (Proposal.objects.count(), Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_partner_declines_with_reason_and_pair_is_never_offered_again(client, cast, profiles):
    proposal = Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    partner = as_(client, cast.teacher_b.user)
    response = partner.post(f"/matching/proposals/{proposal.pk}/decline/", {"reason": ""})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    partner.post(f"/matching/proposals/{proposal.pk}/decline/", {"reason": "Our timetable is full."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == ("declined", "Our timetable is full.")
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="proposal_declined").count() == 1
    client.force_login(cast.teacher_a.user)
    assert client.get("/matching/search/").context["results"] == []


def test_partner_accepts(client, cast, profiles):
    proposal = Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    as_(client, cast.teacher_b.user).post(f"/matching/proposals/{proposal.pk}/accept/")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.right_accepted) == ("accepted", True)


def test_partner_accepts_and_a_failing_acceptance_step_undoes_the_yes(cast, profiles, monkeypatch):
    # The steps above matching (twinnings opens the twinning) run in the same transaction as the yes.
    from twinning.matching import services
    from twinning.twinnings.models import Twinning

    def fails(*, proposal, by):
        raise RuntimeError("the step failed")

    monkeypatch.setattr(services, "_acceptance_steps", [*services._acceptance_steps, fails])
    proposal = Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    with pytest.raises(RuntimeError):
        services.answer_proposal(
            proposal=proposal, school_id=cast.school_b.pk, by=cast.teacher_b.user, accept=True, reason=""
        )
    proposal.refresh_from_db()
    assert (proposal.status, Twinning.objects.filter(proposal=proposal).exists()) == ("pending", False)


def test_partner_declines_and_no_twinning_opens(client, cast, profiles):
    from twinning.twinnings.models import Twinning

    proposal = Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    as_(client, cast.teacher_b.user).post(f"/matching/proposals/{proposal.pk}/decline/", {"reason": "No."})
    assert Twinning.objects.filter(proposal=proposal).exists() is False


def test_outsider_cannot_see_or_answer_proposal(client, cast, profiles):
    proposal = Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    outsider_school = testing.make_school(country=cast.uk, name="Outsider School")
    outsider = testing.make_teacher(school=outsider_school, name="Out Sider")
    client = as_(client, outsider.user)
    assert client.get(f"/matching/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/matching/proposals/{proposal.pk}/accept/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"


@pytest.mark.parametrize("count", [1, 3])
def test_proposal_list_query_count_does_not_grow(client, cast, profiles, count):
    for i in range(count):
        school = testing.make_school(country=cast.uk, name=f"Partner {i}")
        Proposal.objects.create(origin="search", left=profiles[0], right=make_profile(school), left_accepted=True)
    client = as_(client, cast.teacher_a.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/matching/proposals/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count
    assert len(queries) <= 12


@pytest.fixture
def run_cohort(django_capture_on_commit_callbacks):
    def run(client, user, left, right):
        # The run is queued when the request's transaction commits; the queue runs it inline in tests.
        with django_capture_on_commit_callbacks(execute=True):
            response = as_(client, user).post(
                "/matching/cohorts/",
                {"shape": "two_sides", "left_countries": left, "right_countries": right, "min_fit": 35},
            )
        assert response.status_code == 302, response.context["form"].errors
        return CohortRun.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    return run


def test_cohort_run_review_and_approve(client, cast, profiles, run_cohort, django_capture_on_commit_callbacks):
    run = run_cohort(client, cast.nso_il, ["IL"], ["GB"])
    assert run.status == "done"
    page = client.get(f"/matching/cohorts/{run.pk}/")
    assert [(r["pair"].left_id, r["pair"].right_id) for r in page.context["rows"]] == [(profiles[0].pk, profiles[1].pk)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/cohorts/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "approved"
    proposal = Proposal.objects.get()
    assert (proposal.origin, proposal.cohort_run, proposal.left, proposal.right) == ("cohort", run, *profiles)
    assert sorted(n.recipient_id for n in Notification.objects.filter(kind="cohort_proposal")) == sorted(
        [cast.teacher_a.user.pk, cast.teacher_b.user.pk]
    )
    # The e-mails went through the job queue, one to each school's teacher.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.teacher_a.user.email, cast.teacher_b.user.email])


def test_cohort_forbid_then_rerun_drops_the_pair(
    client, cast, profiles, run_cohort, django_capture_on_commit_callbacks
):
    run = run_cohort(client, cast.coordinator, ["IL"], ["GB"])
    pair = run.pairs.get()
    client.post(f"/matching/cohorts/{run.pk}/pairs/{pair.pk}/rule/", {"kind": "forbid"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/matching/cohorts/{run.pk}/rerun/")
    again = CohortRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == f"/matching/cohorts/{again.pk}/"
    assert again.pairs.count() == 0
    page = client.get(f"/matching/cohorts/{again.pk}/")
    assert page.context["refusals"] == [("already proposed, declined or twinned", 1)]


def test_cohort_where_nobody_shares_a_language_says_why(client, cast, profiles, run_cohort):
    ProfileLanguage.objects.filter(profile=profiles[1]).update(language_id="fr")
    run = run_cohort(client, cast.nso_il, ["IL"], ["GB"])
    page = client.get(f"/matching/cohorts/{run.pk}/")
    assert page.context["refusals"] == [("no language in common", 1)]
    assert "No pair is possible in this cohort." in page.content.decode()


def test_nso_cannot_match_or_see_another_countrys_cohort(client, cast, profiles, run_cohort):
    run = run_cohort(client, cast.nso_il, ["IL"], ["GB"])
    other = as_(client, cast.nso_uk)
    assert other.get(f"/matching/cohorts/{run.pk}/").status_code == 404
    assert other.post(f"/matching/cohorts/{run.pk}/approve/").status_code == 404
    assert other.post(f"/matching/cohorts/{run.pk}/rerun/").status_code == 404
    response = other.post(
        "/matching/cohorts/", {"shape": "two_sides", "left_countries": ["IL"], "right_countries": ["GB"], "min_fit": 35}
    )
    assert response.status_code == 200
    assert "left_countries" in response.context["form"].errors
    assert as_(client, cast.teacher_a.user).get("/matching/cohorts/").status_code == 404


def test_profile_form_rejects_language_at_two_levels(client, cast):
    response = as_(client, cast.teacher_a.user).post(
        "/matching/profile/",
        {
            "vision": "Hello",
            "objectives": ["identity"],
            "themes": ["history"],
            "age_from": 10,
            "age_to": 9,
            "capacity": 1,
            "time_zone": "Asia/Jerusalem",
            "school_week": "sun_thu",
            "day_start": "08:00",
            "day_end": "07:00",
            "devices": "shared",
            "languages_fluent": ["he"],
            "languages_good": ["he"],
        },
    )
    errors = response.context["form"].errors
    assert errors["age_to"] == ["The oldest pupils cannot be younger than the youngest."]
    assert errors["day_end"] == ["The school day must end after it starts."]
    assert errors["languages_good"] == ["Hebrew is chosen at two levels: keep one."]
    assert TwinningProfile.objects.count() == 0


def test_profile_form_saves_levels(client, cast):
    response = as_(client, cast.teacher_a.user).post(
        "/matching/profile/",
        {
            "vision": "שלום",
            "objectives": ["identity", "dialogue"],
            "themes": ["history"],
            "age_from": 10,
            "age_to": 12,
            "capacity": 2,
            "time_zone": "Asia/Jerusalem",
            "school_week": "sun_thu",
            "day_start": "08:00",
            "day_end": "14:00",
            "devices": "shared",
            "languages_fluent": ["he"],
            "languages_good": ["en"],
            "looking": "on",
        },
    )
    assert response.status_code == 302
    profile = TwinningProfile.objects.get()
    assert dict(profile.languages.values_list("language_id", "level")) == {"he": 3, "en": 2}
    assert profile.capacity == 2


def test_search_never_offers_school_that_stopped_looking_even_from_an_older_index(client, cast, profiles, settings):
    settings.MATCHING_INDEX_MAX_AGE = 3600
    client = as_(client, cast.teacher_a.user)
    assert [r["profile"].pk for r in client.get("/matching/search/").context["results"]] == [profiles[1].pk]
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(looking=False)
    assert client.get("/matching/search/").context["results"] == []


def test_cohort_minimum_fit_keeps_poor_pairs_out_and_says_so(
    client, cast, profiles, django_capture_on_commit_callbacks
):
    # Ages 13–15 against 10–12 (next to each other, so allowed, but no year in common), nothing in
    # common but English: a fit well under 50 %.
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(age_from=13, age_to=15)
    profiles[1].objectives.set(["environment"])
    profiles[1].themes.set(["music"])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast.nso_il).post(
            "/matching/cohorts/",
            {"shape": "two_sides", "left_countries": ["IL"], "right_countries": ["GB"], "min_fit": 50},
        )
    run = CohortRun.objects.get()
    assert (response.status_code, run.min_score, run.pairs.count()) == (302, 0.5, 0)
    page = client.get(f"/matching/cohorts/{run.pk}/")
    assert page.context["refusals"] == [("a fit below the minimum set for the run", 1)]


def test_programme_coordinator_matches_within_their_programme_only(client, cast, profiles, run_cohort):
    from twinning.accounts.models import Role
    from twinning.schools.models import Programme

    programme = Programme.objects.create(slug="il-diaspora", names={"en": "Israel–diaspora"})
    programme.countries.set([cast.israel, cast.uk])
    TwinningProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(programme=programme)
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(programme)  # a run over a programme holds its member schools
    coordinator = testing.make_person(name="Programme Coordinator")
    testing.grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
    client = as_(client, coordinator)
    without = client.post(
        "/matching/cohorts/", {"shape": "two_sides", "left_countries": ["IL"], "right_countries": ["GB"], "min_fit": 35}
    )
    assert without.context["form"].non_field_errors() == [
        "Choose countries served by one of your NSOs, or choose one of your programmes."
    ]
    assert CohortRun.objects.count() == 0
    with_programme = client.post(
        "/matching/cohorts/",
        {
            "shape": "two_sides",
            "left_countries": ["IL"],
            "right_countries": ["GB"],
            "min_fit": 35,
            "programme": programme.pk,
        },
    )
    run = CohortRun.objects.get()
    assert (with_programme.status_code, run.programme, run.nso) == (302, programme, None)
    assert client.get(f"/matching/cohorts/{run.pk}/").status_code == 200
    assert as_(client, cast.nso_uk).get(f"/matching/cohorts/{run.pk}/").status_code == 404


def test_notification_names_the_country_in_the_readers_language(client, cast, profiles):
    cast.israel.names = {"en": "Israel", "he": "ישראל", "ar": "إسرائيل"}
    cast.israel.save()
    as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": ""})
    cast.teacher_b.user.preferred_language = "he"
    cast.teacher_b.user.save()
    client.force_login(cast.teacher_b.user)
    page = client.get("/notifications/")
    [item] = page.context["items"]
    # The sentence is Hebrew, and so is the country's name in it (it was stored as a code).
    assert ("(ישראל)" in item["text"], "Israel" in item["text"], "would like" in item["text"]) == (True, False, False)


def test_saving_a_profile_stores_its_vision_vector_and_search_explains_it(client, cast, profiles):
    profiles[1].vision = "Our classes will celebrate and compare the festivals of our two communities."
    profiles[1].save()
    from twinning.matching import services

    services.update_vision(profile=profiles[1])
    as_(client, cast.teacher_a.user).post(
        "/matching/profile/",
        {
            "vision": "הכיתות שלנו יחגגו וישוו את החגים של שתי הקהילות שלנו.",
            "objectives": ["identity"],
            "themes": ["history"],
            "age_from": 10,
            "age_to": 12,
            "capacity": 1,
            "time_zone": "Asia/Jerusalem",
            "school_week": "sun_thu",
            "day_start": "08:00",
            "day_end": "14:00",
            "devices": "shared",
            "languages_fluent": ["he"],
            "languages_good": ["en"],
            "looking": "on",
        },
    )
    profiles[0].refresh_from_db()
    assert len(bytes(profiles[0].vision_vector)) == 384 * 2
    [result] = client.get("/matching/search/").context["results"]
    objectives = next(r for r in result["reasons"] if r.part == "objectives")
    assert objectives.text == "Shared objectives: Identity and belonging. Your visions say much the same thing."


def test_notification_isolates_the_names_people_wrote(client, cast, profiles):
    # A Latin school name inside an Arabic sentence keeps its own order: it travels wrapped in
    # first-strong isolates, in the page and in the e-mail.
    as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": ""})
    [item] = as_(client, cast.teacher_b.user).get("/notifications/").context["items"]
    assert "\u2068Reali School\u2069" in item["text"]
    assert "\u2068King David School\u2069" in item["text"]
