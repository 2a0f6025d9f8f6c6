"""Labels in the demo: one application awarded by its NSO (and nominated for the conference award),
one waiting for evaluation, so each page has something real on it. All through the services."""

from twinning.accounts.models import Role
from twinning.recognition import rubric, services
from twinning.recognition.models import Application
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace.models import Thread

TEXTS = {
    "collaboration": "The pupils wrote to each other every week in the forum and made a shared map of both towns.",
    "technology": "The forum, photos with captions and two live meetings; photos only of pupils whose families "
    "agreed, and no surnames.",
    "pedagogy": "Groups chose their own questions for the partners and presented the answers to the class.",
    "curriculum": "English as a foreign language and geography: describing places, reading maps.",
    "results": "Every pupil wrote at least five messages; the map and a page of what we learned are in the workspace.",
}


def load_recognition() -> None:
    twinnings = list(Twinning.objects.filter(status=Twinning.Status.ACTIVE).order_by("pk"))
    for index, twinning in enumerate(twinnings[:2]):
        member = (
            Membership.objects.filter(twinning=twinning, active=True, role=Membership.Role.TEACHER_ADMIN)
            .select_related("user", "school__country")
            .order_by("pk")
            .first()
        )
        thread = Thread.objects.filter(twinning=twinning).first()
        if member is None or thread is None:
            continue
        application = services.start_application(twinning=twinning, teacher=member.user)
        services.save_application(
            application=application,
            eligibility=dict.fromkeys(rubric.ELIGIBILITY_CODES, True),
            texts=TEXTS,
            evidence={"threads": [thread.pk]},
        )
        services.submit_application(application=application, by=member.user)
        if index:
            continue  # the second one waits for its NSO
        _award(application, member.school.country.nso_id)


def _award(application: Application, nso_id: int) -> None:
    evaluator = Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso_id=nso_id).select_related("user").first()
    if evaluator is None:
        return
    scores = dict.fromkeys(rubric.SUB_CODES, 4) | {"online_collaboration": 5, "documentation": 3}
    services.evaluate(application=application, evaluator=evaluator.user, scores=scores, comment="A model exchange.")
    services.decide(
        application=application,
        by=evaluator.user,
        feedback="A lively exchange with real work together. Next year, share the map beyond the two classes.",
    )
    label = application.twinning.labels.first()
    category = services.add_category(
        nso=evaluator.nso,
        school_year=application.school_year,
        names={
            "en": "Best collaboration between pupils",
            "he": "שיתוף הפעולה הטוב ביותר בין תלמידים",
            "ar": "أفضل تعاون بين الطلاب",
        },
        by=evaluator.user,
    )
    if label is not None:
        services.nominate(category=category, label=label, by=evaluator.user, reason="Weekly letters and a shared map.")
