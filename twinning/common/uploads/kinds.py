"""The kinds of file that can be shared, their limits, and what the uploader is told when one is refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twinning.common.uploads.engine.limits import MIB


class UploadRefused(ValueError):
    """The file cannot be shared; the message (translated) says why."""


@dataclass(frozen=True)
class Kind:
    code: str  # photo, video, audio, document or text
    content_type: str
    extension: str
    limit: int  # bytes, checked before anything is decoded
    inline: bool  # shown in the page (photos, clips) rather than downloaded


PHOTO, VIDEO, AUDIO, DOCUMENT, TEXT = "photo", "video", "audio", "document", "text"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."

KINDS = {
    "jpeg": Kind(PHOTO, "image/jpeg", "jpg", 15 * MIB, True),
    "png": Kind(PHOTO, "image/png", "png", 15 * MIB, True),
    "gif": Kind(PHOTO, "image/gif", "gif", 15 * MIB, True),
    "webp": Kind(PHOTO, "image/webp", "webp", 15 * MIB, True),
    # iPhone photos: read, then kept as JPEG (see engine/photos.py).
    "heic": Kind(PHOTO, "image/jpeg", "jpg", 15 * MIB, True),
    "mp4": Kind(VIDEO, "video/mp4", "mp4", 200 * MIB, True),
    "mov": Kind(VIDEO, "video/quicktime", "mov", 200 * MIB, True),
    "webm": Kind(VIDEO, "video/webm", "webm", 200 * MIB, True),
    "mp3": Kind(AUDIO, "audio/mpeg", "mp3", 50 * MIB, True),
    "m4a": Kind(AUDIO, "audio/mp4", "m4a", 50 * MIB, True),
    "ogg": Kind(AUDIO, "audio/ogg", "ogg", 50 * MIB, True),
    "wav": Kind(AUDIO, "audio/wav", "wav", 50 * MIB, True),
    # A voice recorded in a browser (MediaRecorder) is WebM with sound only.
    "weba": Kind(AUDIO, "audio/webm", "webm", 50 * MIB, True),
    "pdf": Kind(DOCUMENT, "application/pdf", "pdf", 25 * MIB, False),
    "docx": Kind(DOCUMENT, OOXML + "wordprocessingml.document", "docx", 25 * MIB, False),
    "pptx": Kind(DOCUMENT, OOXML + "presentationml.presentation", "pptx", 25 * MIB, False),
    "xlsx": Kind(DOCUMENT, OOXML + "spreadsheetml.sheet", "xlsx", 25 * MIB, False),
    "odt": Kind(DOCUMENT, ODF + "text", "odt", 25 * MIB, False),
    "ods": Kind(DOCUMENT, ODF + "spreadsheet", "ods", 25 * MIB, False),
    "odp": Kind(DOCUMENT, ODF + "presentation", "odp", 25 * MIB, False),
    "text": Kind(TEXT, "text/plain; charset=utf-8", "txt", 1 * MIB, False),
}
LARGEST = max(kind.limit for kind in KINDS.values())
# Before a ZIP is told apart (Word, Excel...), it is held to the documents' limit.
FAMILY_LIMITS = {"zip": KINDS["docx"].limit}

# What the uploader reads for each reason the engine gives (engine/refusal.py codes).
MESSAGES = {
    "unreadable_photo": gettext_lazy("This photo could not be read. Try saving it again as JPEG or PNG."),
    "too_many_pixels": gettext_lazy(
        "This picture is too large: at most %(megapixels)d megapixels. Make it smaller and share it again."
    ),
    "animation_too_large": gettext_lazy(
        "This animation is too large: it may have at most %(frames)d frames of at most 2000 by 2000 pixels. "
        "Make it smaller or shorter, or share it as a video."
    ),
    "unreadable_document": gettext_lazy(
        "This document could not be read. Save it again from the program that made it and share it again."
    ),
    "document_protected": gettext_lazy("This document is protected by a password: save a copy without one."),
    "document_bomb": gettext_lazy(
        "This document holds far more data than its size suggests, so it cannot be shared. "
        "Save it again from the program that made it."
    ),
    "document_macros": gettext_lazy(
        "Documents with macros or programs in them cannot be shared. Save a copy without them."
    ),
    "document_embedded": gettext_lazy(
        "This document has other files embedded in it. Save a copy without them, and share those files on their own."
    ),
    "document_attachments": gettext_lazy(
        "This PDF carries attached files. Save a copy without attachments, and share those files on their own."
    ),
    "document_picture_format": gettext_lazy(
        "This document contains pictures in a format whose hidden details (such as where it was taken) "
        "cannot be removed. Insert them as JPEG or PNG and share it again."
    ),
    "unreadable_media": gettext_lazy(
        "This clip could not be read as sound or video. Save it again as MP4 (video) or MP3 (sound) and share it again."
    ),
    "video_too_large": gettext_lazy("This video's picture is too large: at most 4K (4096 by 2304 pixels)."),
    "media_too_long": gettext_lazy("This clip is too long: at most three hours."),
    "media_unavailable": gettext_lazy(
        "Video and sound cannot be checked on the site right now, so they cannot be shared. "
        "Please tell the site's administrators."
    ),
    "too_costly": gettext_lazy(
        "This file takes too much work to check, so it cannot be shared. Save it again and retry."
    ),
}


def refused(code: str, **params) -> UploadRefused:
    message = MESSAGES.get(code, MESSAGES["unreadable_document"])
    return UploadRefused(str(message) % params if params else str(message))


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(_("This file is too large: at most %(limit)d MB.") % {"limit": limit // MIB})


def unknown_kind() -> UploadRefused:
    return UploadRefused(
        _(
            "This kind of file cannot be shared here. Photos (JPEG, PNG, GIF, WebP, HEIC), video (MP4, MOV, WebM), "
            "audio (MP3, M4A, OGG, WAV, WebM), documents (PDF, Word, PowerPoint, Excel, OpenDocument) and plain "
            "text can."
        )
    )
