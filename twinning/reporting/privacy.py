"""Personal data held by reporting: who answered a questionnaire (the answers themselves are kept
without a name), declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    UNTIL_CLOSED,
    Basis,
    Erase,
    PersonalData,
    register,
)

PURPOSE = _("Questionnaires and counts for the programme's reports; answers are kept without names.")

register(
    PersonalData(
        "reporting.Survey",
        fields=("titles",),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("created_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    PersonalData(
        "reporting.Participation",
        fields=("survey", "wave", "at"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("person",),
    ),
)
