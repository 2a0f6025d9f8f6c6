"""Personal data held by schools: teachers' profiles (and the people who registered or validated
a school), declared in the privacy register (`common.privacy`)."""

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

PURPOSE = _("Validating schools and teachers, and showing a teacher's profile to the teachers of partner schools.")

register(
    PersonalData(
        "schools.School",
        fields=("name", "native_name", "city"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("created_by", "decided_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    PersonalData(
        "schools.TeacherProfile",
        fields=("school", "bio", "status", "submitted_at", "decided_at", "left_at"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        links=("decided_by", "vouched_by"),
    ),
    PersonalData(
        "schools.ProgrammeMembership",
        fields=("status", "reason", "requested_at", "decided_at"),
        purpose=_("Deciding which schools take part in a programme."),
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("requested_by", "decided_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
)
not_personal("schools.NSO", _("An organisation's contact address, not a person's."))
not_personal("schools.Programme", _("An organisation's logo and public description, not a person's."))
