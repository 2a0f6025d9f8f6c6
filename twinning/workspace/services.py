"""Writes in a workspace: threads and replies, each leaving an event for the feed."""

import logging
import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twinning.common import audit, ordering
from twinning.common.errors import ServiceError
from twinning.common.notifications import notify
from twinning.common.privacy import remove_files
from twinning.common.uploads import UploadRefused, examine, kept_file
from twinning.common.uploads.keeping import work_folder
from twinning.common.uploads.variants import PREPARED_KINDS, make_variants
from twinning.consent.services import FIELD_OF_USE
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace import rules
from twinning.workspace.export import build_zip
from twinning.workspace.models import (
    Activity,
    Album,
    Event,
    MediaItem,
    MediaVariant,
    Moderation,
    Page,
    Post,
    Preparation,
    Thread,
    Visit,
)
from twinning.workspace.pages import render

log = logging.getLogger(__name__)


def start_thread(*, twinning: Twinning, by, title: str, body: str) -> Thread:
    """A new forum thread with its first post."""
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ServiceError(_("A thread needs a title and a first message."))
    with transaction.atomic():
        thread = Thread.objects.create(twinning=twinning, title=title, author=by, post_count=1)
        post = Post.objects.create(thread=thread, author=by, body=body)
        Event.objects.create(twinning=twinning, actor=by, kind=Event.Kind.THREAD, thread=thread, post=post)
    return thread


def _author(twinning: Twinning, user, member=None):
    """(school, held for moderation?) for something this person posts or shares in the twinning."""
    member = member or twinning.memberships.filter(user=user, active=True).first()
    school_id = member.school_id if member else None
    pupil = member is not None and member.role == Membership.Role.PUPIL
    return school_id, pupil and twinning.moderate_pupils


def _published(post: Post) -> None:
    thread = post.thread
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
    Event.objects.create(twinning=thread.twinning, actor=post.author, kind=Event.Kind.POST, thread=thread, post=post)


def reply(*, thread: Thread, by, body: str, quote: Post | None = None) -> Post:
    """A reply, optionally quoting an earlier post of the same thread.

    A pupil's reply waits for one of their own teachers' approval when the twinning moderates
    pupils; until then only the pupil and their school's teachers see it.
    """
    body = body.strip()
    if not body:
        raise ServiceError(_("Write a message first."))
    if quote is not None and quote.thread_id != thread.pk:
        raise ServiceError(_("You can only quote a message of this thread."))
    member = thread.twinning.memberships.filter(user=by, active=True).first()
    if quote is not None and not rules.may_read(quote, member=member, user=by):
        # Quoting would copy a post that is not published (waiting or turned down) to everyone.
        raise ServiceError(_("This message cannot be quoted."))
    school_id, held = _author(thread.twinning, by, member)
    with transaction.atomic():
        post = Post.objects.create(
            thread=thread,
            author=by,
            body=body,
            quote=quote,
            school_id=school_id,
            status=Moderation.PENDING if held else Moderation.PUBLISHED,
        )
        if not held:
            _published(post)
    return post


def moderate(*, item: Post | MediaItem, by, approve: bool) -> None:
    """A teacher of the author's school approves (the partner school then sees it) or turns it down.

    Records the decision in the audit log; an approved post or file appears in the feed.
    """
    if item.status != Moderation.PENDING:
        raise ServiceError(_("This has already been moderated."))
    twinning = item.thread.twinning if isinstance(item, Post) else item.twinning
    if not rules.can_moderate(by, twinning, item):
        raise ServiceError(_("Only a teacher of the pupil's own school can decide on this."))
    with transaction.atomic():
        item.status = Moderation.PUBLISHED if approve else Moderation.REJECTED
        item.save(update_fields=["status"])
        if approve and isinstance(item, Post):
            _published(item)
        elif approve and isinstance(item, MediaItem):
            Event.objects.create(twinning=item.twinning, actor=item.uploader, kind=Event.Kind.MEDIA, media=item)
        audit.record(actor=by, action="workspace.approved" if approve else "workspace.rejected", target=item)


def set_moderation(*, twinning: Twinning, on: bool, by) -> None:
    """Turn on or off the approval of pupils' posts and uploads; audited."""
    if not rules.can_set_moderation(by, twinning):
        raise ServiceError(_("Only the twinning's teacher-administrators choose this."))
    twinning.moderate_pupils = on
    twinning.save(update_fields=["moderate_pupils"])
    audit.record(actor=by, action="workspace.moderation_on" if on else "workspace.moderation_off", target=twinning)


# The consents each kind of file needs from every pupil in it, and what to say when one is missing.
CONSENT_NEEDED = {
    "photo": (("consent_face", gettext_lazy("%(names)s may not appear in photos.")),),
    "video": (
        ("consent_video", gettext_lazy("%(names)s may not appear in video clips.")),
        ("consent_voice", gettext_lazy("%(names)s may not be heard in clips.")),
    ),
    "audio": (("consent_voice", gettext_lazy("%(names)s may not be heard in clips.")),),
}


def check_consent(kind_code: str, pupils) -> None:
    """Refuse a file showing or sounding like a pupil whose family has not agreed to it."""
    problems = []
    for field, message in CONSENT_NEEDED.get(kind_code, ()):
        missing = [p.display_name for p in pupils if not getattr(p, field)]
        if missing:
            problems.append(str(message) % {"names": ", ".join(missing)})
    if problems:
        problems.append(_("Take them out of the file, or ask their teacher to record their family's consent."))
        raise UploadRefused(" ".join(problems))


def upload_media(
    *,
    twinning: Twinning,
    by,
    upload,
    title: str = "",
    pupils=(),
    accept=None,
    refusal: str | None = None,
    album: Album | None = None,
) -> MediaItem:
    """Store a shared file after checking what it really is; nothing that says who made it or where
    survives (see twinning.common.uploads).

    `pupils` are the pupils who can be seen or heard in it: each must have the consent the kind of
    file needs. `accept` limits the kinds of file (refused with `refusal`). All or nothing: if
    anything fails, neither the row nor the file remains.
    Raises UploadRefused (with the reason, translated) for a file that cannot be shared.
    Side effect: a photo, clip or sound gets its light copies from a background job
    (`prepare_variants`), queued in the same transaction; until then it shows as being prepared.
    """
    pupils = list(pupils)
    if album is not None and (album.twinning_id != twinning.pk or not rules.can_arrange_albums(by, twinning)):
        raise UploadRefused(_("Choose one of this twinning's albums."))
    school_id, held = _author(twinning, by)
    with examine(upload, accept=accept, refusal=refusal) as checked:
        kind = checked.kind
        check_consent(kind.code, pupils)
        with kept_file(f"workspace/{twinning.pk}", checked) as stored:
            item = MediaItem.objects.create(
                twinning=twinning,
                uploader=by,
                kind=kind.code,
                title=title.strip(),
                file=stored,
                content_type=kind.content_type,
                size=checked.size,
                original_name=checked.name,
                school_id=school_id,
                status=Moderation.PENDING if held else Moderation.PUBLISHED,
                album=album,
                preparation=Preparation.PREPARING if kind.code in PREPARED_KINDS else Preparation.NONE,
            )
            item.pupils.set(pupils)
            if kind.code in PREPARED_KINDS:
                _queue_variants(item)
            if not held:
                Event.objects.create(twinning=twinning, actor=by, kind=Event.Kind.MEDIA, media=item)
    return item


def plan_activity(
    *, twinning: Twinning, by, title: str, starts_on, due_on=None, description: str = "", owner=None
) -> Activity:
    """Add a step to the activity plan; the owner, if any, must be a member of the twinning."""
    if due_on is not None and due_on < starts_on:
        raise ServiceError(_("The activity cannot be due before it starts."))
    if owner is not None and not twinning.memberships.filter(user=owner, active=True).exists():
        raise ServiceError(_("The activity can only be looked after by someone in the twinning."))
    with transaction.atomic():
        activity = Activity.objects.create(
            twinning=twinning,
            title=title.strip(),
            description=description.strip(),
            starts_on=starts_on,
            due_on=due_on,
            owner=owner,
            created_by=by,
        )
        Event.objects.create(twinning=twinning, actor=by, kind=Event.Kind.ACTIVITY, activity=activity)
    return activity


def set_activity_status(*, activity: Activity, status: str, by) -> Activity:
    if status not in Activity.Status.values:
        raise ServiceError(_("Unknown status."))
    activity.status = status
    activity.save(update_fields=["status"])
    return activity


def save_page(*, twinning: Twinning, by, title: str, source: str, page: Page | None = None) -> Page:
    """Write or rewrite a page; its HTML is made from the Markdown and cleaned here, once."""

    title = title.strip()
    if not title:
        raise ServiceError(_("A page needs a title."))
    photos = set(
        MediaItem.objects.filter(twinning=twinning, kind=MediaItem.Kind.PHOTO, status=Moderation.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    page = page or Page(twinning=twinning)
    page.title, page.source = title, source
    page.html = render(source, twinning_id=twinning.pk, photo_ids=photos)
    page.updated_by, page.updated_at = by, timezone.now()
    page.save()
    return page


def mark_seen(*, twinning: Twinning, user) -> None:
    Visit.objects.update_or_create(twinning=twinning, user=user, defaults={"seen_at": timezone.now()})


def export_workspace(*, twinning: Twinning, by):
    """The whole workspace as a ZIP (see ``export.build_zip``), ready to send.

    Side effect: an audit entry naming who took the copy, because the people's texts, names and
    photos in it leave the platform with them.
    """
    member = getattr(twinning, "viewer_membership", None) or twinning.memberships.filter(user=by, active=True).first()
    archive = build_zip(twinning, member=member, user=by)
    with transaction.atomic():
        audit.record(
            actor=by,
            action="workspace.exported",
            target=twinning,
            school=member.school_id if member else None,
            media=MediaItem.objects.filter(twinning=twinning)
            .filter(rules.readable(member, by, author_field="uploader"))
            .count(),
            threads=Thread.objects.filter(twinning=twinning).count(),
        )
    return archive


def hide_media_after_withdrawal(*, pupil, uses: frozenset[str]) -> int:
    """A family took back consent for ``uses`` (see `consent.services.add_withdrawal_step`): every file
    of any workspace showing or sounding like the pupil that now lacks its consent is hidden from
    everyone but the teachers of its school, at once. Returns how many.

    Side effects: the files leave the feed; the teachers of the file's school in each twinning are
    notified of what to replace; an audit entry per twinning.
    """
    lost = {FIELD_OF_USE[use] for use in uses if use in FIELD_OF_USE}
    kinds = [kind for kind, needs in CONSENT_NEEDED.items() if any(field in lost for field, _message in needs)]
    items = list(
        MediaItem.objects.filter(
            pupils=pupil, kind__in=kinds, status__in=(Moderation.PUBLISHED, Moderation.PENDING)
        ).select_related("twinning")
    )
    if not items:
        return 0
    by_twinning: dict[int, list[MediaItem]] = {}
    for item in items:
        by_twinning.setdefault(item.twinning_id, []).append(item)
    with transaction.atomic():
        ids = [item.pk for item in items]
        MediaItem.objects.filter(pk__in=ids).update(status=Moderation.WITHDRAWN)
        Event.objects.filter(media_id__in=ids).delete()
        for hidden in by_twinning.values():
            twinning = hidden[0].twinning
            schools = {item.school_id for item in hidden if item.school_id is not None} or {pupil.school_id}
            teachers = Membership.objects.filter(
                twinning=twinning, active=True, role__in=rules.TEACHERS, school_id__in=schools
            ).select_related("user")
            url = reverse("workspace:media", kwargs={"pk": twinning.pk})
            for member in teachers:
                notify(
                    user=member.user,
                    kind="consent_media_hidden",
                    in_twinning=twinning.pk,
                    url=url,
                    pupil=pupil.display_name,
                    title=twinning.titles,
                    count=len(hidden),
                )
            audit.record(
                actor=None,
                action="workspace.media_hidden",
                target=twinning,
                pupil=pupil.pk,
                media=[i.pk for i in hidden],
            )
    return len(items)


ALBUM_NAME_MAX = 120  # Album.name's max_length


def _album_name(twinning: Twinning, name: str, *, album: Album | None = None) -> str:
    """The name cleaned, or a ServiceError saying why it cannot be used (empty, too long, taken)."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("An album needs a name."))
    if len(name) > ALBUM_NAME_MAX:
        raise ServiceError(_("An album's name can be at most %(max)d characters long.") % {"max": ALBUM_NAME_MAX})
    taken = Album.objects.filter(twinning=twinning, name__iexact=name)
    if album is not None:
        taken = taken.exclude(pk=album.pk)
    if taken.exists():
        raise ServiceError(_("This twinning already has an album called “%(name)s”.") % {"name": name})
    return name


def _may_arrange(by, twinning: Twinning) -> None:
    if not rules.can_arrange_albums(by, twinning):
        raise ServiceError(_("Only the twinning's teachers arrange its albums, while the twinning is open."))


def create_album(*, twinning: Twinning, by, name: str) -> Album:
    """A new album at the end of the workspace's albums; audited."""
    _may_arrange(by, twinning)
    name = _album_name(twinning, name)
    try:
        with transaction.atomic():
            last = Album.objects.filter(twinning=twinning).order_by("-position").values_list("position", flat=True)
            album = Album.objects.create(twinning=twinning, name=name, created_by=by, position=(last.first() or 0) + 1)
            audit.record(actor=by, action="workspace.album_created", target=twinning, album=album.pk)
    except IntegrityError:
        # Another teacher took the name between the check and the insert.
        raise ServiceError(_("This twinning already has an album called “%(name)s”.") % {"name": name}) from None
    return album


def rename_album(*, album: Album, by, name: str) -> Album:
    """Give an album another name (unique in its twinning, whatever the case); audited."""
    _may_arrange(by, album.twinning)
    name = _album_name(album.twinning, name, album=album)
    if name == album.name:
        return album
    try:
        with transaction.atomic():
            album.name = name
            album.save(update_fields=["name"])
            audit.record(actor=by, action="workspace.album_renamed", target=album.twinning, album=album.pk)
    except IntegrityError:
        raise ServiceError(_("This twinning already has an album called “%(name)s”.") % {"name": name}) from None
    return album


def move_album(*, album: Album, by, offset: int, seen: list[int]) -> None:
    """Move an album `offset` places (-1 up, +1 down) in its twinning's order; audited.

    `seen` is the order the person had on their page: if another teacher changed it since (or an
    album came or went), nothing moves and the person is told, so that a stale page never moves the
    wrong album.
    """
    _may_arrange(by, album.twinning)
    with transaction.atomic():
        ordering.move(
            Album.objects.filter(twinning=album.twinning_id),
            album.pk,
            offset=offset,
            seen=seen,
            rearranged=_(
                "The albums were rearranged by someone else meanwhile. Here is their order now: move again if you wish."
            ),
            no_further=_("This album cannot move further."),
        )
        audit.record(actor=by, action="workspace.album_moved", target=album.twinning, album=album.pk)


def delete_album(*, album: Album, by) -> int:
    """Delete an album; its files stay in the gallery, "not in an album". Returns how many; audited."""
    twinning = album.twinning
    _may_arrange(by, twinning)
    with transaction.atomic():
        count = MediaItem.objects.filter(album=album).update(album=None)
        audit.record(actor=by, action="workspace.album_deleted", target=twinning, album=album.pk, files=count)
        album.delete()
    return count


def file_media(*, item: MediaItem, album: Album | None, by) -> MediaItem:
    """Put a shared file in an album of its twinning, move it to another, or (None) take it out.

    Only the album changes: who may see the file (its moderation, its pupils' consent) stays as it
    was, in the album's cover and count too (see queries.albums_for). Audited.
    """
    _may_arrange(by, item.twinning)
    if album is not None and album.twinning_id != item.twinning_id:
        raise ServiceError(_("Choose one of this twinning's albums."))
    if (album.pk if album is not None else None) == item.album_id:
        return item
    with transaction.atomic():
        item.album = album
        item.save(update_fields=["album"])
        audit.record(
            actor=by,
            action="workspace.media_filed",
            target=item.twinning,
            media=item.pk,
            album=album.pk if album else None,
        )
    return item


def _queue_variants(item: MediaItem) -> None:
    # Here: workspace/tasks.py imports this module.
    from twinning.workspace.tasks import prepare_media

    prepare_media.enqueue(item_id=item.pk)


def queue_variants(*, items) -> int:
    """Ask for the light copies of these files again (existing media, or copies that failed);
    returns how many were queued. Side effect: one background job per file."""
    count = 0
    for item in items:
        if item.kind not in PREPARED_KINDS:
            continue
        with transaction.atomic():
            MediaItem.objects.filter(pk=item.pk).update(preparation=Preparation.PREPARING)
            _queue_variants(item)
        count += 1
    return count


def prepare_variants(*, item_id: int) -> int:
    """Make the light copies of one shared photo, clip or sound (background job; safe to run
    again: a second run replaces the first one's copies). Returns how many copies were kept.

    The copies are made from the clean original in a private temporary folder, stored, and only
    then named by rows, in one transaction with the item locked: a file erased or removed in the
    meantime gets no copies (and the stored ones are deleted). Raises VariantFailed (the job is
    tried again, then `variants_failed` marks the file).
    """
    item = MediaItem.objects.filter(pk=item_id).first()
    if item is None or item.kind not in PREPARED_KINDS:
        return 0
    with work_folder() as work:
        source = work / "original"
        with item.file.open("rb") as stored_original, open(source, "wb") as copy:
            for chunk in iter(lambda: stored_original.read(1024 * 1024), b""):
                copy.write(chunk)
        made = make_variants(source, item.kind, work)
        folder = item.file.name.rsplit("/", 1)[0]
        names: list[str] = []
        try:
            for copy_made in made:
                with open(copy_made.path, "rb") as handle:
                    extension = copy_made.path.suffix
                    names.append(default_storage.save(f"{folder}/{uuid.uuid4().hex}{extension}", File(handle)))
            with transaction.atomic():
                locked = MediaItem.objects.select_for_update().filter(pk=item_id).first()
                if locked is None:
                    raise LookupError("removed while its copies were made")
                old = list(locked.variants.values_list("file", flat=True))
                locked.variants.all().delete()
                MediaVariant.objects.bulk_create(
                    MediaVariant(
                        item=locked,
                        name=copy_made.name,
                        file=name,
                        content_type=copy_made.content_type,
                        size=default_storage.size(name),
                        width=copy_made.width,
                        height=copy_made.height,
                    )
                    for copy_made, name in zip(made, names, strict=True)
                )
                locked.preparation = Preparation.READY
                locked.save(update_fields=["preparation"])
                remove_files(old)
        except LookupError:
            for name in names:
                default_storage.delete(name)
            return 0
        except BaseException:
            for name in names:
                default_storage.delete(name)
            raise
    return len(made)


def variants_failed(*, item_id: int, error: str = "") -> None:
    """The last try to make a file's copies failed: the uploader is shown that it could not be
    prepared, and the teachers can still download the original."""
    log.error("The light copies of workspace file #%s could not be made: %s", item_id, error)
    MediaItem.objects.filter(pk=item_id).update(preparation=Preparation.FAILED)
