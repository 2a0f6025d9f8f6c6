"""Personal data held by meetings: who proposed, answered and recorded a meeting, and each person's
calendar feed, declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    UNTIL_CLOSED,
    Basis,
    Erase,
    PersonalData,
    not_personal,
    register,
)

PURPOSE = _("Planning live meetings between twinned classes and keeping their record.")


def _kept(model: str, fields: tuple[str, ...], links: tuple[str, ...], **kwargs) -> PersonalData:
    return PersonalData(
        model,
        fields=fields,
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=links,
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        **kwargs,
    )


register(
    _kept("meetings.Closure", ("reason",), ("created_by",), label=_("Closures")),
    _kept("meetings.Meeting", ("title", "agenda", "notes"), ("proposed_by", "recorded_by"), label=_("Meetings")),
    _kept("meetings.MeetingSchool", ("reason",), ("answered_by",), label=_("Schools' answers to meetings")),
    PersonalData(
        "meetings.CalendarFeed",
        fields=("created_at", "last_read_at"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("Calendar feeds"),
    ),
)
not_personal("meetings.Term", _("The names of a school's terms."))
not_personal(
    "meetings.MeetingRoom",
    _("A meeting's video room at the provider: its random id and whether it is ready, about nobody."),
)
