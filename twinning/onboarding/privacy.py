"""Personal data held by onboarding: the checked spreadsheets waiting to be imported, and the
invitations sent to imported teachers, declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import NOT_THEIRS, UNTIL_CLOSED, Basis, Erase, PersonalData, Retention, register

PURPOSE = _("Bringing a network's schools and teachers onto the platform from the NSO's or programme's lists.")

register(
    PersonalData(
        "onboarding.ImportFile",
        fields=("filename", "file", "created_at", "imported_at"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=Retention(
            _("Thirty days after the file was checked; the file itself is removed as soon as it is imported."),
            days=30,
            since="created_at",
        ),
        links=("by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    PersonalData(
        "onboarding.Invitation",
        fields=("language", "created_at", "sent_at", "expires_at", "accepted_at"),
        purpose=PURPOSE,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        links=("invited_by",),
    ),
)
