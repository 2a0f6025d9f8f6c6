"""Personal data held by coordination: the coordinators who wrote guidance notes, declared in the
privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Basis,
    Erase,
    PersonalData,
    register,
)

register(
    PersonalData(
        "coordination.GuidanceEntry",
        fields=("kind", "text", "happened_on"),
        purpose=_("Accompanying each twinning: coordinators' notes and reminders."),
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("author",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Guidance log"),
    ),
)
