"""Personal data held by recognition: teachers' applications and labels, evaluators' scores, and
principals' requests, declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Erase,
    entries_for,
    register,
)

PURPOSE = _("Quality labels and awards: applications, evaluations and decisions.")


_entry = entries_for(PURPOSE)


register(
    _entry(
        "recognition.Application",
        ("twinning", "school", "school_year", "status", "texts", "submitted_at", "score", "feedback"),
        subject=("teacher",),
        links=("decided_by",),
        label=_("Applications"),
    ),
    _entry(
        "recognition.Evaluation",
        ("application", "scores", "comment", "updated_at"),
        subject=("evaluator",),
        label=_("Evaluations"),
    ),
    _entry(
        "recognition.Label",
        ("kind", "school_year", "school", "twinning", "awarded_at"),
        retention=AS_RECORD,
        subject=("teacher",),
        links=("awarded_by",),
        erase=Erase.ANONYMISE,
        label=_("Labels"),
    ),
    _entry(
        "recognition.SchoolLabelRequest",
        ("school", "school_year", "declaration", "status", "submitted_at"),
        retention=AS_RECORD,
        subject=("principal",),
        links=("decided_by",),
        erase=Erase.ANONYMISE,
        label=_("School label requests"),
    ),
    _entry(
        "recognition.Nomination",
        ("reason",),
        retention=AS_RECORD,
        links=("nominated_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Nominations"),
    ),
)
