"""Quality labels through the client: applying, the yearly cap, evaluation with its minimums, scoping,
the international label, the school label and the conference awards."""

from datetime import UTC, datetime

import pytest

from twinning import testing
from twinning.common.models import Notification
from twinning.recognition import rubric
from twinning.recognition.models import Application, AwardCategory, Label, Nomination, SchoolLabelRequest
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace

pytestmark = pytest.mark.django_db

WRITTEN = {f"text_{c.code}": f"What we did for {c.code}." for c in rubric.CRITERIA}
ELIGIBLE = {f"eligible_{code}": "on" for code in rubric.ELIGIBILITY_CODES}


def active_twinning(cast, name: str):
    twinning = testing.approved_twinning_with_new_partner(cast, name=name)
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    return twinning


def apply(client, teacher, twinning) -> Application:
    response = as_(client, teacher).post(f"/labels/apply/{twinning.pk}/")
    assert response.status_code == 302, response
    return Application.objects.filter(teacher=teacher, twinning=twinning).latest("pk")


def ready(twinning, teacher) -> dict:
    page = workspace.save_page(twinning=twinning, by=teacher, title="Our map", source="Both towns on one map.")
    return {**ELIGIBLE, **WRITTEN, "evidence_pages": [page.pk]}


def sent(client, cast, twinning) -> Application:
    application = apply(client, cast.teacher_a.user, twinning)
    as_(client, cast.teacher_a.user).post(
        f"/labels/applications/{application.pk}/submit/", ready(twinning, cast.teacher_a.user)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    return application


def score(client, evaluator, application, value=4, **overrides):
    form = {f"score_{code}": str(overrides.get(code, value)) for code in rubric.SUB_CODES}
    return as_(client, evaluator).post(f"/labels/evaluation/{application.pk}/score/", form)


def test_label_application_needs_every_eligibility_answer_a_text_for_each_criterion_and_evidence(
    client, cast, twinning
):
    page = as_(client, cast.teacher_a.user).get("/labels/").content.decode()
    assert f'action="/labels/apply/{twinning.pk}/"' in page
    application = apply(client, cast.teacher_a.user, twinning)
    url = f"/labels/applications/{application.pk}/submit/"
    form = ready(twinning, cast.teacher_a.user)
    missing_one = {k: v for k, v in form.items() if k != "eligible_data_protection"}
    body = as_(client, cast.teacher_a.user).post(url, missing_one).content.decode()
    assert "A label needs a yes to each of the five eligibility questions." in body
    no_text = {**form, "text_results": ""}
    body = as_(client, cast.teacher_a.user).post(url, no_text).content.decode()
    assert "Write about each criterion. Missing: Results and documentation." in body
    no_evidence = {k: v for k, v in form.items() if k != "evidence_pages"}
    body = as_(client, cast.teacher_a.user).post(url, no_evidence).content.decode()
    assert "Link at least one piece of evidence from the workspace." in body
    application.refresh_from_db()
    # What was written is kept as a draft while the refusals are explained.
    assert (application.status, application.texts["results"], application.evidence_pages.count()) == (
        "draft",
        "What we did for results.",
        0,
    )
    assert as_(client, cast.teacher_a.user).post(url, form).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert list(application.evidence_pages.values_list("title", flat=True)) == ["Our map"]
    # Sent: no more changes.
    as_(client, cast.teacher_a.user).post(url, {**form, "text_results": "changed"})
    application.refresh_from_db()
    assert application.texts["results"] == "What we did for results."


def test_label_evidence_from_another_twinning_is_refused(client, cast, twinning):
    other = active_twinning(cast, "Leeds Grammar")
    foreign = workspace.save_page(twinning=other, by=cast.teacher_a.user, title="Not this one", source="x")
    application = apply(client, cast.teacher_a.user, twinning)
    form = {**ready(twinning, cast.teacher_a.user), "evidence_pages": [foreign.pk]}
    body = (
        as_(client, cast.teacher_a.user).post(f"/labels/applications/{application.pk}/submit/", form).content.decode()
    )
    assert f"Select a valid choice. {foreign.pk} is not one of the available choices." in body
    assert application.evidence_pages.count() == 0


def test_label_at_most_four_applications_per_teacher_per_school_year(client, cast, twinning):
    twinnings = [twinning] + [active_twinning(cast, f"Partner {n}") for n in range(4)]
    # Five drafts can be started; only four can be sent.
    drafts = [apply(client, cast.teacher_a.user, t) for t in twinnings]
    for application in drafts[:4]:
        form = ready(application.twinning, cast.teacher_a.user)
        as_(client, cast.teacher_a.user).post(f"/labels/applications/{application.pk}/submit/", form)
    fifth = drafts[4]
    form = ready(fifth.twinning, cast.teacher_a.user)
    body = as_(client, cast.teacher_a.user).post(f"/labels/applications/{fifth.pk}/submit/", form).content.decode()
    assert "You have sent 4 applications for this school year, the most there can be." in body
    fifth.refresh_from_db()
    assert fifth.status == Application.Status.DRAFT
    assert Application.objects.filter(status="submitted").count() == 4
    page = as_(client, cast.teacher_a.user).get("/labels/").content.decode()
    assert "You have sent 4 of at most 4 applications for the school year 2026–2027." in page


def test_label_cap_in_august_counts_the_school_year_that_has_begun(client, cast, twinning, clock):
    # The twinning belongs to the school year 2026 (from August 2026 on, as for profiles and twinnings):
    # its application counts in that year's cap as soon as the year begins.
    clock.now = datetime(2026, 8, 20, 9, 0, tzinfo=UTC)
    sent(client, cast, twinning)
    page = as_(client, cast.teacher_a.user).get("/labels/").content.decode()
    assert "You have sent 1 of at most 4 applications for the school year 2026–2027." in page


def test_label_minimum_sub_criteria_decide_whatever_the_total(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    application = sent(client, cast, twinning)
    # Full marks except the pupils' online collaboration: 37 of 40, and still no label.
    assert score(client, cast.nso_il, application, value=5, online_collaboration=2).status_code == 302
    page = as_(client, cast.nso_il).get(f"/labels/evaluation/{application.pk}/").content.decode()
    assert "Below the minimum: Online collaboration among pupils." in page
    as_(client, cast.nso_il).post(
        f"/labels/evaluation/{application.pk}/decide/", {"feedback": "More work together, please."}
    )
    application.refresh_from_db()
    assert (application.status, application.score) == (Application.Status.NOT_AWARDED, 37)
    assert not Label.objects.exists()
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="label_not_awarded").count() == 1


def test_label_awarded_shows_on_the_teachers_and_the_schools_pages(client, cast, twinning):
    application = sent(client, cast, twinning)
    body = as_(client, cast.nso_il).post(f"/labels/evaluation/{application.pk}/decide/").content
    assert "Score the application before deciding." in body.decode()
    score(client, cast.nso_il, application, value=4)
    as_(client, cast.nso_il).post(f"/labels/evaluation/{application.pk}/decide/", {"feedback": ""})
    label = Label.objects.get()
    assert (label.kind, label.teacher, label.school, label.score) == (
        "national",
        cast.teacher_a.user,
        cast.school_a,
        32,
    )
    profile = as_(client, cast.teacher_a.user).get("/accounts/profile/").content.decode()
    assert profile.count('data-testid="label"') == 1 and "National Quality Label" in profile
    school = as_(client, cast.teacher_b.user).get(f"/schools/{cast.school_a.pk}/").content.decode()
    assert school.count('data-testid="label"') == 1


def test_label_evaluators_see_only_their_own_countrys_applications(client, cast, twinning):
    application = sent(client, cast, twinning)
    # The British NSO (the partner's country) neither lists, opens nor scores the Israeli application.
    queue = as_(client, cast.nso_uk).get("/labels/evaluation/").content.decode()
    assert 'data-testid="application-row"' not in queue
    assert as_(client, cast.nso_uk).get(f"/labels/evaluation/{application.pk}/").status_code == 404
    assert score(client, cast.nso_uk, application).status_code == 404
    assert as_(client, cast.nso_uk).post(f"/labels/evaluation/{application.pk}/decide/").status_code == 404
    assert not application.evaluations.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    # Its own NSO does; the partner teacher and coordinators do not evaluate.
    queue = as_(client, cast.nso_il).get("/labels/evaluation/").content.decode()
    assert queue.count('data-testid="application-row"') == 1
    for person in (cast.teacher_b.user, cast.coordinator, cast.principal_a):
        assert as_(client, person).get(f"/labels/evaluation/{application.pk}/").status_code == 404
    assert as_(client, cast.teacher_b.user).get(f"/labels/applications/{application.pk}/").status_code == 404


def test_label_scores_out_of_range_are_refused(client, cast, twinning):
    application = sent(client, cast, twinning)
    response = score(client, cast.nso_il, application, value=4, safety=9)
    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in response.content.decode()
    assert not application.evaluations.exists()


def test_international_label_on_a_hand_made_year_is_awarded_once(client, cast):
    # Three twinnings of 2026: two with both partners labelled (means 34 and 30), one with only one.
    def labelled(name, score_a, score_b=None):
        twinning = active_twinning(cast, name)
        partner = twinning.schools.exclude(school=cast.school_a).get().school
        Label.objects.create(
            kind="national",
            school_year=2026,
            school=cast.school_a,
            teacher=cast.teacher_a.user,
            twinning=twinning,
            score=score_a,
        )
        if score_b is not None:
            Label.objects.create(kind="national", school_year=2026, school=partner, twinning=twinning, score=score_b)
        return twinning

    best, second, single = labelled("Best", 34, 34), labelled("Second", 30, 30), labelled("Single", 40)
    assert as_(client, cast.nso_il).get("/labels/international/").status_code == 404
    as_(client, cast.admin).post("/labels/international/", {"school_year": "2026", "share": "50"})
    # Two eligible twinnings, half of them is one place: the best one, for both its labelled schools.
    assert sorted(Label.objects.filter(kind="international").values_list("twinning__titles__en", flat=True)) == [
        "Twinning with Best",
        "Twinning with Best",
    ]
    as_(client, cast.admin).post("/labels/international/", {"school_year": "2026", "share": "50"})
    assert Label.objects.filter(kind="international").count() == 2
    assert second.pk and single.pk and best.pk


def test_school_label_needs_three_active_teachers_a_label_and_the_principals_declaration(client, cast, twinning):
    page = as_(client, cast.principal_a).get("/labels/school/").content.decode()
    assert "1 teacher active in twinnings in the last two years" in page
    assert "Ask for the school label" not in page
    response = as_(client, cast.principal_a).post(
        "/labels/school/request/", {"school": cast.school_a.pk, "declaration": "We support it."}
    )
    assert "at least 3 teachers active in twinnings" in response.content.decode()
    # Two colleagues join twinnings as second contacts: three active teachers in all.
    other = active_twinning(cast, "Leeds Grammar")
    for name, in_twinning in (("Second Teacher", twinning), ("Third Teacher", other)):
        colleague = testing.make_teacher(school=cast.school_a, name=name)
        twinning_services.set_contacts(
            row=in_twinning.schools.get(school=cast.school_a),
            contact=cast.teacher_a.user,
            second_contact=colleague.user,
            by=cast.teacher_a.user,
        )
    Label.objects.create(kind="national", school_year=2026, school=cast.school_a, twinning=twinning, score=30)
    assert (
        as_(client, cast.principal_a)
        .post("/labels/school/request/", {"school": cast.school_a.pk, "declaration": ""})
        .status_code
        == 200
    )
    assert not SchoolLabelRequest.objects.exists()
    as_(client, cast.principal_a).post(
        "/labels/school/request/", {"school": cast.school_a.pk, "declaration": "Time and devices."}
    )
    request = SchoolLabelRequest.objects.get()
    # Only the school's own NSO decides.
    assert "Time and devices." not in as_(client, cast.nso_uk).get("/labels/school/").content.decode()
    as_(client, cast.nso_uk).post("/labels/school/award/", {"request": request.pk})
    request.refresh_from_db()
    assert request.status == "submitted"
    as_(client, cast.nso_il).post("/labels/school/award/", {"request": request.pk})
    assert Label.objects.filter(kind="school", school=cast.school_a, school_year=2026).count() == 1


def test_awards_nso_nominates_its_own_labelled_projects_and_names_winners(client, cast, twinning):
    own = Label.objects.create(
        kind="national",
        school_year=2026,
        school=cast.school_a,
        teacher=cast.teacher_a.user,
        twinning=twinning,
        score=33,
    )
    foreign = Label.objects.create(kind="national", school_year=2026, school=cast.school_b, twinning=twinning, score=35)
    as_(client, cast.nso_il).post(
        "/labels/awards/categories/", {"name_en": "Best project in the sciences", "school_year": "2026"}
    )
    category = AwardCategory.objects.get()
    assert category.nso == cast.il_nso
    # A British school's label is not the Israeli NSO's to nominate; the British NSO cannot touch the category.
    as_(client, cast.nso_il).post(f"/labels/awards/{category.pk}/nominate/", {"label": foreign.pk, "reason": "Great"})
    assert not Nomination.objects.exists()
    assert (
        as_(client, cast.nso_uk)
        .post(f"/labels/awards/{category.pk}/nominate/", {"label": own.pk, "reason": "Great"})
        .status_code
        == 404
    )
    as_(client, cast.nso_il).post(
        f"/labels/awards/{category.pk}/nominate/", {"label": own.pk, "reason": "A river study"}
    )
    nomination = Nomination.objects.get()
    as_(client, cast.nso_il).post(f"/labels/awards/{category.pk}/winner/", {"nomination": nomination.pk})
    nomination.refresh_from_db()
    assert nomination.winner is True
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="award_won").count() == 1
    page = as_(client, cast.teacher_b.user).get("/labels/awards/").content.decode()
    assert page.count('data-testid="nomination"') == 1 and "A river study" in page


def test_labels_are_not_for_pupils(client, cast, twinning, pupils):
    ours, _theirs = pupils
    for url in ("/labels/", "/labels/awards/", "/labels/school/"):
        assert as_(client, ours.user).get(url).status_code == 404, url


def test_awards_category_named_in_a_language_added_to_the_settings(client, cast, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    staff = as_(client, cast.nso_il)
    page = staff.get("/labels/awards/").content.decode()
    assert '<label for="id_name_fr">French</label>' in page
    assert '<input type="text" name="name_fr" lang="fr" dir="ltr" maxlength="200"' in page
    body = staff.post("/labels/awards/categories/", {"name_fr": " ", "school_year": "2026"}).content.decode()
    assert "Name the category in at least one language." in body
    staff.post("/labels/awards/categories/", {"name_fr": "Meilleur projet scientifique", "school_year": "2026"})
    assert AwardCategory.objects.get().names == {"fr": "Meilleur projet scientifique"}
