"""Personal data held by a twinning's workspace: what people write and upload, and the pupils who
appear in photos and clips, declared in the privacy register (`common.privacy`).

A removed person's posts stay in their threads with their text emptied, so a conversation still
reads; the page says in the reader's language that the message was removed, and a reply quoting it
shows the same (quotes point at the post, they do not copy its text). Media they uploaded or appear
in go, rows and files."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    NOT_THEIRS,
    WITH_TWINNING,
    Basis,
    Erase,
    PersonalData,
    register,
)

PURPOSE = _("The twinned classes' shared space: forum, photos, clips, documents and plan.")


def _entry(model: str, fields: tuple[str, ...], **kwargs) -> PersonalData:
    return PersonalData(model, fields=fields, purpose=PURPOSE, basis=Basis.PROGRAMME, retention=WITH_TWINNING, **kwargs)


register(
    _entry(
        "workspace.Thread",
        ("twinning", "title", "created_at"),
        subject=("author",),
        erase=Erase.ANONYMISE,
        label=_("Threads"),
    ),
    _entry(
        "workspace.Post",
        ("thread", "body", "status", "created_at"),
        subject=("author",),
        erase=Erase.ANONYMISE,
        replace={"body": ""},
        label=_("Messages"),
    ),
    _entry(
        "workspace.MediaItem",
        ("twinning", "uploader", "kind", "title", "file", "original_name", "status", "created_at"),
        subject=("uploader", "pupils__user"),
        label=_("Photos, clips and documents"),
    ),
    _entry(
        "workspace.Activity",
        ("title", "description"),
        links=("owner", "created_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Activity plan"),
    ),
    _entry(
        "workspace.Page",
        ("title", "source"),
        links=("updated_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Pages"),
    ),
    _entry(
        "workspace.Event",
        ("kind", "at"),
        subject=("actor",),
        erase=Erase.ANONYMISE,
        export=False,
        label=_("Feed events"),
    ),
    _entry("workspace.Visit", ("twinning", "seen_at"), subject=("user",), export=False, label=_("Visits")),
)
