"""Reading labels and applications: a teacher's and a school's labels, the evaluators' queue, the awards."""

from django.db.models import Count, Prefetch, QuerySet

from twinning.recognition.models import Application, AwardCategory, Label, Nomination


def labels_of_teacher(user) -> list[Label]:
    return list(
        Label.objects.filter(teacher=user).select_related("twinning", "school").order_by("-school_year", "kind")
    )


def labels_of_school(school) -> list[Label]:
    return list(
        Label.objects.filter(school=school).select_related("twinning", "teacher").order_by("-school_year", "kind")
    )


# The orders the long lists page by key in (`common.keyset`). The evaluators' queue, oldest first, through the index
# `application_queue_order` (an application is submitted with its time, services.submit, and keeps it once decided);
# the international labels, latest year first, through `label_list_order`; the award categories, latest year first.
QUEUE_KEYS = ("submitted_at", "pk")
LABEL_KEYS = ("-school_year", "pk")
AWARD_KEYS = ("-school_year", "nso_id", "pk")


def queue_for(applications: QuerySet[Application], *, status: str = Application.Status.SUBMITTED):
    """The evaluator's applications of one status, oldest first, with how many evaluations each has."""
    return (
        applications.filter(status=status)
        .select_related("twinning", "school__country", "teacher")
        .annotate(evaluations_count=Count("evaluations"))
        .order_by(*QUEUE_KEYS)
    )


def awards_for(categories: QuerySet[AwardCategory]) -> QuerySet[AwardCategory]:
    return categories.select_related("nso").prefetch_related(
        Prefetch(
            "nominations",
            Nomination.objects.select_related("label__school__country", "label__teacher", "label__twinning").order_by(
                "-winner", "pk"
            ),
        )
    )
