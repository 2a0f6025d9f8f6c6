"""Personal data held by a twinning's workspace: what people write and upload, and the pupils who
appear in photos and clips, declared in the privacy register (`common.privacy`).

A removed person's posts stay in their threads with their text emptied, so a conversation still
reads; the page says in the reader's language that the message was removed, and a reply quoting it
shows the same (quotes point at the post, they do not copy its text). Media they uploaded or appear
in go, rows and files."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    NOT_THEIRS,
    PUPIL_WORK,
    WITH_TWINNING,
    Erase,
    Retention,
    entries_for,
    register,
)

PURPOSE = _("The twinned classes' shared space: forum, photos, clips, documents and plan.")


CLOSED = "closed"  # twinnings.Twinning.Status.CLOSED: this module is read at start-up, before the models

PUPILS_POSTS = Retention(
    _(
        "As long as the twinning's workspace exists; a pupil's message is emptied a set time after the "
        "twinning closes (12 months by default; each NSO, or programme, sets its own), or when the pupil is removed."
    ),
    category=PUPIL_WORK,
    where=Q(author__pupil__isnull=False, thread__twinning__status=CLOSED),
    since="thread__twinning__closed_at",
    nso="school__country__nso",
    twinning="thread__twinning",
    programme="thread__twinning__programme",
)
PUPILS_THREADS = Retention(
    _(
        "As long as the twinning's workspace exists; the title of a thread a pupil started is emptied a set time "
        "after the twinning closes, with the pupil's messages, or when the pupil is removed."
    ),
    category=PUPIL_WORK,
    where=Q(author__pupil__isnull=False, twinning__status=CLOSED),
    since="twinning__closed_at",
    nso="author__pupil__school__country__nso",
    twinning="twinning",
    programme="twinning__programme",
)
PUPILS_MEDIA = Retention(
    _(
        "As long as the twinning's workspace exists; a photo, clip or document a pupil uploaded or appears "
        "in is removed a set time after the twinning closes (12 months by default; each NSO, or programme, sets "
        "its own), "
        "or when the pupil is removed."
    ),
    category=PUPIL_WORK,
    where=(Q(uploader__pupil__isnull=False) | Q(pupils__isnull=False)) & Q(twinning__status=CLOSED),
    since="twinning__closed_at",
    nso="school__country__nso",
    twinning="twinning",
    programme="twinning__programme",
)

PUPILS_EVENTS = Retention(
    _(
        "As long as the twinning's workspace exists; who a pupil's event names is emptied a set time after "
        "the twinning closes, with the pupil's messages."
    ),
    category=PUPIL_WORK,
    where=Q(actor__pupil__isnull=False, twinning__status=CLOSED),
    since="twinning__closed_at",
    nso="actor__pupil__school__country__nso",
    twinning="twinning",
    programme="twinning__programme",
)
# A file's light copies (thumbnail, screen size, 360p/720p clip, poster, compact sound) follow
# their original: removed with it, by the same rule and at the same time.
PUPILS_MEDIA_COPIES = Retention(
    PUPILS_MEDIA.words,
    category=PUPIL_WORK,
    where=(Q(item__uploader__pupil__isnull=False) | Q(item__pupils__isnull=False)) & Q(item__twinning__status=CLOSED),
    since="item__twinning__closed_at",
    nso="item__school__country__nso",
    twinning="item__twinning",
    programme="item__twinning__programme",
)

_entry = entries_for(PURPOSE, retention=WITH_TWINNING)


register(
    _entry(
        "workspace.Thread",
        ("twinning", "title", "created_at"),
        subject=("author",),
        erase=Erase.ANONYMISE,
        # The thread and its other messages stay; its title, written by the person, is emptied and
        # read as "A removed topic" (Thread.shown_title).
        replace={"title": ""},
        retention=PUPILS_THREADS,
        label=_("Threads"),
    ),
    _entry(
        "workspace.Post",
        ("thread", "body", "status", "created_at"),
        subject=("author",),
        erase=Erase.ANONYMISE,
        replace={"body": ""},
        retention=PUPILS_POSTS,
        label=_("Messages"),
    ),
    _entry(
        "workspace.MediaItem",
        ("twinning", "uploader", "kind", "title", "file", "original_name", "status", "album", "created_at"),
        subject=("uploader", "pupils__user"),
        retention=PUPILS_MEDIA,
        label=_("Photos, clips and documents"),
    ),
    _entry(
        "workspace.MediaVariant",
        ("item", "name", "file"),
        subject=("item__uploader", "item__pupils__user"),
        # Copies of a file that the export holds as uploaded: the original is enough.
        export=False,
        retention=PUPILS_MEDIA_COPIES,
        label=_("Light copies of photos, clips and sounds"),
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
        "workspace.Album",
        ("twinning", "name", "created_at"),
        links=("created_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Albums"),
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
        retention=PUPILS_EVENTS,
        label=_("Feed events"),
    ),
    _entry("workspace.Visit", ("twinning", "seen_at"), subject=("user",), export=False, label=_("Visits")),
)
