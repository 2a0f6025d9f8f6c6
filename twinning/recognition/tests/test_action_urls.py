"""Each label action at its own address: saving, sending and withdrawing an application; scoring;
refusing a school label; naming and un-naming a winner."""

from twinning import testing
from twinning.recognition import services
from twinning.recognition.models import Application, AwardCategory, Label, Nomination, SchoolLabelRequest
from twinning.testing import as_
from twinning.twinnings import services as twinning_services


def _draft(cast) -> Application:
    twinning = testing.approved_twinning_with_new_partner(cast, name="Leeds Grammar")
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    return services.start_application(twinning=twinning, teacher=cast.teacher_a.user)


def test_action_urls_a_draft_is_saved_sent_and_withdrawn_at_its_own_addresses(client, cast):
    application = _draft(cast)
    teacher = as_(client, cast.teacher_a.user)
    base = f"/labels/applications/{application.pk}/"
    page = teacher.get(base).content.decode()
    assert f'action="{base}"' in page
    assert f'formaction="{base}submit/"' in page and f'formaction="{base}withdraw/"' in page
    # Saving keeps a draft, whatever is missing for sending it.
    response = teacher.post(base, {"text_results": "We met every month."})
    assert response["Location"] == base
    application.refresh_from_db()
    assert (application.status, application.texts["results"]) == ("draft", "We met every month.")
    # Sending it incomplete is refused with the reason, and it stays a draft.
    body = teacher.post(f"{base}submit/", {"text_results": "We met every month."}).content.decode()
    assert "A label needs a yes to each of the five eligibility questions." in body
    application.refresh_from_db()
    assert application.status == "draft"
    assert as_(client, cast.teacher_b.user).post(f"{base}withdraw/").status_code == 404
    teacher = as_(client, cast.teacher_a.user)  # the same client, signed in again
    assert teacher.post(f"{base}withdraw/")["Location"] == "/labels/"
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    # Withdrawn: no more changes, and the teacher is told why.
    response = teacher.post(f"{base}submit/", {"text_results": "Again"}, follow=True)
    assert "A sent application can no longer be changed." in response.content.decode()
    assert teacher.get(f"{base}withdraw/").status_code == 405


def test_action_urls_refused_scores_are_shown_again_on_the_evaluation_page(client, cast):
    application = _draft(cast)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    evaluator = as_(client, cast.nso_il)
    page = evaluator.get(f"/labels/evaluation/{application.pk}/").content.decode()
    assert f'action="/labels/evaluation/{application.pk}/score/"' in page
    assert f'action="/labels/evaluation/{application.pk}/decide/"' in page
    response = evaluator.post(f"/labels/evaluation/{application.pk}/score/", {"comment": "Half done"})
    assert response.status_code == 200
    assert response.context["score_form"].errors
    assert not application.evaluations.exists()
    assert evaluator.post(f"/labels/evaluation/{application.pk}/").status_code == 404


def test_action_urls_a_school_label_is_refused_with_a_reason(client, cast):
    request = SchoolLabelRequest.objects.create(
        school=cast.school_a, school_year=2026, principal=cast.principal_a, declaration="We support it."
    )
    nso = as_(client, cast.nso_il)
    page = nso.get("/labels/school/").content.decode()
    assert 'action="/labels/school/award/"' in page and 'formaction="/labels/school/refuse/"' in page
    response = nso.post("/labels/school/refuse/", {"request": request.pk}, follow=True)
    assert "Say why the label is not awarded." in response.content.decode()
    assert (
        as_(client, cast.nso_uk).post("/labels/school/refuse/", {"request": request.pk, "reason": "No"}).status_code
        == 404
    )
    nso = as_(client, cast.nso_il)
    nso.post("/labels/school/refuse/", {"request": request.pk, "reason": "One labelled project is needed."})
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", "One labelled project is needed.")
    assert not Label.objects.filter(kind="school").exists()


def test_action_urls_a_winner_is_named_and_unnamed(client, cast, twinning):
    category = AwardCategory.objects.create(nso=cast.il_nso, school_year=2026, names={"en": "Best twinning"})
    label = Label.objects.create(kind="national", school_year=2026, school=cast.school_a, twinning=twinning)
    nomination = Nomination.objects.create(category=category, label=label, reason="A river study")
    nso = as_(client, cast.nso_il)
    page = nso.get("/labels/awards/").content.decode()
    assert f'action="/labels/awards/{category.pk}/winner/"' in page
    assert f'action="/labels/awards/{category.pk}/nominate/"' in page
    nso.post(f"/labels/awards/{category.pk}/winner/", {"nomination": nomination.pk})
    page = nso.get("/labels/awards/").content.decode()
    assert f'action="/labels/awards/{category.pk}/not-winner/"' in page
    assert (
        as_(client, cast.nso_uk)
        .post(f"/labels/awards/{category.pk}/not-winner/", {"nomination": nomination.pk})
        .status_code
        == 404
    )
    nso = as_(client, cast.nso_il)
    nso.post(f"/labels/awards/{category.pk}/not-winner/", {"nomination": nomination.pk})
    nomination.refresh_from_db()
    assert nomination.winner is False
    assert nso.post("/labels/awards/").status_code == 404
