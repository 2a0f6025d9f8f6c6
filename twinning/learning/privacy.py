"""Personal data held by learning: teachers' registrations and certificates, and who organised or
marked them, declared in the privacy register (`common.privacy`)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Erase,
    entries_for,
    register,
)

PURPOSE = _("Courses, seminars and events for teachers, and their certificates.")


_entry = entries_for(PURPOSE)


register(
    _entry(
        "learning.Offering",
        ("titles",),
        retention=AS_RECORD,
        links=("created_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    _entry(
        "learning.Registration",
        ("offering", "status", "registered_at", "completed_at"),
        subject=("user",),
        links=("completed_by",),
        label=_("Registrations"),
    ),
    _entry(
        "learning.Attendance",
        ("session", "marked_at"),
        retention=AS_RECORD,
        links=("marked_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Attendance"),
    ),
    _entry(
        "learning.Material",
        ("file", "original_name"),
        retention=AS_RECORD,
        links=("uploaded_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Materials"),
    ),
    _entry(
        "learning.Certificate",
        ("offering", "code", "holder_name", "titles", "issued_on", "hours"),
        subject=("holder",),
        links=("issued_by", "revoked_by"),
        label=_("Certificates"),
    ),
)
