"""Personal data held by the library: who wrote, reviewed and used activities, declared in the
privacy register (`common.privacy`). Published activities stay for every school; their authors'
names go with their accounts."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Erase,
    entries_for,
    register,
)

PURPOSE = _("The shared library of activities, and who wrote or reviewed them.")


_entry = entries_for(PURPOSE, retention=AS_RECORD)


register(
    _entry("library.Activity", ("status", "published_at", "created_at"), subject=("author",), erase=Erase.ANONYMISE),
    _entry(
        "library.Version",
        ("title", "summary", "state", "created_at"),
        subject=("author",),
        links=("reviewed_by",),
        erase=Erase.ANONYMISE,
        label=_("Versions"),
    ),
    _entry(
        "library.Attachment",
        ("file", "original_name", "uploaded_at"),
        subject=("uploaded_by",),
        erase=Erase.ANONYMISE,
        label=_("Attachments"),
    ),
    _entry(
        "library.Use",
        ("activity", "at"),
        links=("by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Uses in plans"),
    ),
)
