"""Personal data held by parents' consent: the family's address, their answers for the pupil and the
exact words they were shown, declared in the privacy register (`common.privacy`).

The words shown name the pupil, so a text row no answer points to any more is removed with the pupil."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import Basis, Person, PersonalData, Retention, delete_rows, register
from twinning.consent.models import ConsentAnswer, ConsentText

PURPOSE = _("Asking a pupil's parents what may be shared of the pupil, and keeping their answers as proof.")
AS_PROOF = Retention(
    _("The school year the answers cover; then kept as proof of what the family agreed to until the pupil is removed.")
)


def _erase_texts(person: Person) -> None:
    """The words shown to the pupil's family: their answers go first (they hold the words), then every
    text that no answer points to and that names the pupil."""
    ConsentAnswer.objects.filter(request__pupil__user=person.user).delete()
    unused = ConsentText.objects.exclude(pk__in=ConsentAnswer.objects.values("text_id"))
    naming = [text.pk for text in person.naming(unused, "body")]
    delete_rows(ConsentText.objects.filter(pk__in=naming))


register(
    PersonalData(
        "consent.ConsentRequest",
        fields=("pupil", "school_year", "channel", "parent_email", "language", "sent_at", "scan", "created_at"),
        purpose=PURPOSE,
        basis=Basis.LEGAL_OBLIGATION,
        retention=AS_PROOF,
        subject=("pupil__user",),
        links=("created_by",),
        label=_("Parents' consent forms"),
    ),
    PersonalData(
        "consent.ConsentAnswer",
        fields=("request", "use", "given", "method", "at"),
        purpose=PURPOSE,
        basis=Basis.LEGAL_OBLIGATION,
        retention=AS_PROOF,
        subject=("request__pupil__user",),
        links=("recorded_by",),
        label=_("Parents' answers"),
    ),
    PersonalData(
        "consent.ConsentText",
        fields=("language", "body", "created_at"),
        purpose=PURPOSE,
        basis=Basis.LEGAL_OBLIGATION,
        retention=AS_PROOF,
        export=False,
        erase_with=_erase_texts,
        label=_("Words shown to families"),
    ),
)
