"""Personal data held by twinnings: who takes part and who is a school's contact, declared in the
privacy register (`common.privacy`), with the rules erasure follows for teachers."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    WITH_TWINNING,
    Basis,
    Erase,
    Person,
    PersonalData,
    add_before_erasure,
    add_erasure_refusal,
    register,
)

PURPOSE = _("Running each twinning: its schools, contacts and members.")

register(
    PersonalData(
        "twinnings.Twinning",
        fields=("titles",),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("coordinator", "created_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    PersonalData(
        "twinnings.TwinningSchool",
        fields=("reason",),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=AS_RECORD,
        links=("contact", "second_contact"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Schools in twinnings"),
    ),
    PersonalData(
        "twinnings.Membership",
        fields=("twinning", "school", "role", "added_at", "active"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=WITH_TWINNING,
        subject=("user",),
        label=_("Twinning members"),
    ),
)


def _open_rows_led_by(user):
    # Imported here: services imports much of the site, and this module is read at start-up.
    from twinning.twinnings.models import TwinningSchool
    from twinning.twinnings.services import OPEN

    return TwinningSchool.objects.filter(
        contact=user, status=TwinningSchool.Status.JOINED, twinning__status__in=OPEN
    ).select_related("twinning")


def last_teacher_refusal(person: Person) -> str:
    """A teacher who is their school's only contact in an open twinning cannot be erased: the
    twinning would be left without anyone to run it for that school."""
    alone = [row.twinning for row in _open_rows_led_by(person.user).filter(second_contact__isnull=True)]
    if not alone:
        return ""
    return gettext(
        "You are your school's only contact in the twinning “%(title)s”: name a second contact there first, "
        "so the twinning is not left without a teacher."
    ) % {"title": f"\u2068{alone[0].title}\u2069"}  # isolated: a title in any script


def hand_over(person: Person, by) -> None:
    """A teacher's twinnings pass to the second contact, as when a teacher leaves the school."""
    from twinning.twinnings.services import teacher_leaves

    teacher = getattr(person.user, "teacher", None) if hasattr(person.user, "teacher") else None
    if teacher is not None and teacher.left_at is None:
        teacher_leaves(teacher=teacher, by=by)


add_erasure_refusal(last_teacher_refusal)
add_before_erasure(hand_over)
