"""A whole workspace as one ZIP: JSON of its threads, posts, plan and media list, and the media files.

Nothing is lost when a project ends or moves: `workspace.json` holds every text with its authors
and dates, and `media/` every shared file as it was stored (photos already without metadata).
The archive holds what the person exporting may read in the workspace (`rules.readable`): what is
published, and their own school's pupils' posts and files still waiting for approval; never the
partner school's waiting items, nor anything turned down.
"""

from __future__ import annotations

import json
import tempfile
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.twinnings.models import Twinning
from twinning.workspace.models import Activity, MediaItem, Post, Thread
from twinning.workspace.rules import readable

FORMAT = "twinning-workspace/1"


def _person(user) -> str | None:
    return None if user is None else (user.full_name or user.username or "")


def _when(value) -> str | None:
    return None if value is None else value.isoformat()


def _media(twinning: Twinning, *, member, user):
    return MediaItem.objects.filter(twinning=twinning).filter(readable(member, user, author_field="uploader"))


def workspace_data(twinning: Twinning, *, member, user) -> dict:
    threads = Thread.objects.filter(twinning=twinning).select_related("author").order_by("created_at", "pk")
    posts = (
        Post.objects.filter(thread__twinning=twinning)
        .filter(readable(member, user, author_field="author"))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    shown = {post.pk for post in posts}
    by_thread: dict[int, list] = {}
    for post in posts:
        by_thread.setdefault(post.thread_id, []).append(
            {
                "id": post.pk,
                "author": _person(post.author),
                "at": _when(post.created_at),
                "body": post.body,
                # A quoted post the exporter may not read is not named either.
                "quotes": post.quote_id if post.quote_id in shown else None,
                "status": post.status,
            }
        )
    media = (
        _media(twinning, member=member, user=user)
        .select_related("uploader")
        .prefetch_related("pupils")
        .order_by("created_at", "pk")
    )
    activities = Activity.objects.filter(twinning=twinning).select_related("owner").order_by("starts_on", "pk")
    return {
        "format": FORMAT,
        "exported_at": _when(timezone.now()),
        "twinning": {
            "id": twinning.pk,
            "titles": twinning.titles,
            "descriptions": twinning.descriptions,
            "school_year": twinning.school_year,
            "status": twinning.status,
            "schools": [
                {"name": row.school.name, "country": row.school.country_id, "status": row.status}
                for row in twinning.schools.select_related("school").order_by("pk")
            ],
        },
        "threads": [
            {
                "id": t.pk,
                "title": t.title,
                "author": _person(t.author),
                "at": _when(t.created_at),
                "posts": by_thread.get(t.pk, []),
            }
            for t in threads
        ],
        "plan": [
            {
                "id": a.pk,
                "title": a.title,
                "description": a.description,
                "starts_on": a.starts_on.isoformat(),
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "owner": _person(a.owner),
                "status": a.status,
            }
            for a in activities
        ],
        "media": [
            {
                "id": m.pk,
                "kind": m.kind,
                "title": m.title,
                "uploader": _person(m.uploader),
                "at": _when(m.created_at),
                "content_type": m.content_type,
                "size": m.size,
                "file": _archive_name(m),
                "status": m.status,
                "pupils": [p.display_name for p in m.pupils.all()],
            }
            for m in media
        ],
    }


def _archive_name(item: MediaItem) -> str:
    extension = item.file.name.rsplit(".", 1)[-1]
    return f"media/{item.pk}.{extension}"


def _copy_into(archive: zipfile.ZipFile, item: MediaItem) -> bool:
    """Copy one stored file into the archive; False when it cannot be read (nothing is written then)."""
    try:
        source = item.file.open("rb")
    except OSError:
        return False
    with source, archive.open(_archive_name(item), "w") as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            target.write(chunk)
    return True


def _missing_note(missing: list[MediaItem]) -> str:
    lines = [
        _("These files are listed in workspace.json but could not be read from storage when this archive was made:"),
        "",
    ]
    for item in missing:
        lines.append(f"{_archive_name(item)}\t{item.title}\t{_person(item.uploader) or ''}\t{_when(item.created_at)}")
    return "\n".join(lines) + "\n"


def build_zip(twinning: Twinning, *, member, user):
    """The archive of what `user` (whose membership is `member`) may read, in a temporary file
    (spilled to disk when large), rewound and ready to send.

    A file that cannot be read (lost from storage) does not stop the export: it is named in
    MISSING.txt, and everything else is in the archive."""
    data = workspace_data(twinning, member=member, user=user)
    # Handed to the response, which closes it after sending: no context manager here.
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    missing = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workspace.json", json.dumps(data, ensure_ascii=False, indent=2))
        for item in _media(twinning, member=member, user=user).select_related("uploader").order_by("pk"):
            if not _copy_into(archive, item):
                missing.append(item)
        if missing:
            archive.writestr("MISSING.txt", _missing_note(missing))
    out.seek(0)
    return out
