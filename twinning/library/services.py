"""Writing, reviewing and reusing library activities.

A version moves draft → submitted → published (or back to the author, returned, then submitted
again). Publishing makes it the activity's face and marks the one before it superseded; a newer
draft never hides the published text. Adding an activity to a twinning's plan is one step that
writes the plan step, remembers which version it came from and counts the twinning once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.notifications import notify
from twinning.common.uploads import examine, kept_file
from twinning.library.models import Activity, Attachment, Use, Version
from twinning.twinnings.models import Twinning
from twinning.workspace import services as workspace

MAX_ATTACHMENTS = 10
CONTENT = (
    "title",
    "summary",
    "goals",
    "materials",
    "steps",
    "age_from",
    "age_to",
    "duration_minutes",
    "text_language",
    "change_note",
)
TAGS = ("themes", "languages", "occasions")


@dataclass
class Text:
    """What an author writes for a version: its fields and its tags (querysets or lists of rows)."""

    title: str
    summary: str
    goals: str
    steps: str
    age_from: int
    age_to: int
    duration_minutes: int
    text_language: object
    materials: str = ""
    change_note: str = ""
    themes: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    occasions: list = field(default_factory=list)


def _check(text: Text) -> None:
    if text.age_to < text.age_from:
        raise ServiceError(_("The oldest age cannot be below the youngest."))
    if not list(text.themes):
        raise ServiceError(_("Choose at least one theme or subject."))
    if not list(text.languages):
        raise ServiceError(_("Choose at least one language the pupils use."))


def _write(version: Version, text: Text) -> None:
    for name in CONTENT:
        value = getattr(text, name)
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    version.save()
    for name in TAGS:
        getattr(version, name).set(getattr(text, name))


def start_activity(*, by, text: Text) -> Version:
    """A new activity with its first version, a draft only its author (and the reviewers) see."""
    _check(text)
    with transaction.atomic():
        activity = Activity.objects.create(author=by)
        version = Version(activity=activity, number=1, author=by)
        _write(version, text)
    return version


def open_version(*, activity: Activity, by) -> Version:
    """The version being written now: the open one, or a new draft copied from the latest version."""
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        current = activity.versions.filter(state__in=Version.OPEN).first()
        if current is not None:
            return current
        latest = activity.versions.order_by("-number")[0]  # an activity has at least its first version
        draft = Version(activity=activity, number=latest.number + 1, author=by)
        for name in CONTENT:
            setattr(draft, name, getattr(latest, name))
        draft.change_note = ""
        draft.save()
        for name in TAGS:
            getattr(draft, name).set(getattr(latest, name).all())
        # The files go with the text: the same stored file, a row of its own.
        Attachment.objects.bulk_create(
            Attachment(
                version=draft,
                file=a.file.name,
                content_type=a.content_type,
                size=a.size,
                original_name=a.original_name,
                uploaded_by=a.uploaded_by,
                uploaded_at=a.uploaded_at,
            )
            for a in latest.attachments.all()
        )
    return draft


def save_version(*, version: Version, by, text: Text) -> Version:
    """Rewrite an open version; a version waiting for review goes back to being a draft."""
    if not version.is_open:
        raise ServiceError(_("This version can no longer be changed."))
    _check(text)
    with transaction.atomic():
        version.state = Version.State.DRAFT
        version.submitted_at = None
        version.author = version.author or by
        _write(version, text)
    return version


def submit(*, version: Version, by) -> Version:
    if version.state not in (Version.State.DRAFT, Version.State.RETURNED):
        raise ServiceError(_("This version is not a draft."))
    version.state = Version.State.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["state", "submitted_at"])
    return version


def publish(*, version: Version, by, note: str = "") -> Version:
    """Make the version the one everybody sees. Side effects: the earlier version is superseded,
    the author is told (in the app and by e-mail), and the decision is in the audit log."""
    if version.state != Version.State.SUBMITTED:
        raise ServiceError(_("Only a version waiting for review can be published."))
    if version.author_id == by.pk:
        raise ServiceError(_("Another reviewer must publish a version you wrote."))
    now = timezone.now()
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=version.activity_id)
        Version.objects.filter(activity=activity, state=Version.State.PUBLISHED).update(state=Version.State.SUPERSEDED)
        version.state = Version.State.PUBLISHED
        version.reviewed_by, version.reviewed_at, version.review_note = by, now, note.strip()
        version.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        activity.published, activity.published_at, activity.status = version, now, Activity.Status.PUBLISHED
        activity.save(update_fields=["published", "published_at", "status"])
        audit.record(actor=by, action="library.published", target=activity, number=version.number)
        if version.author_id:
            notify(
                user=version.author,
                kind="library_published",
                url=reverse("library:activity", args=[activity.pk]),
                title=version.title,
            )
    return version


def return_version(*, version: Version, by, note: str) -> Version:
    """Send a version back to its author with what to change."""
    if version.state != Version.State.SUBMITTED:
        raise ServiceError(_("Only a version waiting for review can be returned."))
    if not note.strip():
        raise ServiceError(_("Tell the author what to change."))
    with transaction.atomic():
        version.state = Version.State.RETURNED
        version.reviewed_by, version.reviewed_at, version.review_note = by, timezone.now(), note.strip()
        version.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        if version.author_id:
            notify(
                user=version.author,
                kind="library_returned",
                url=reverse("library:edit", args=[version.activity_id]),
                title=version.title,
            )
    return version


def withdraw(*, activity: Activity, by, reason: str) -> None:
    """Take an activity out of the library; plans that use it keep their steps."""
    if activity.status != Activity.Status.PUBLISHED:
        raise ServiceError(_("Only a published activity can be withdrawn."))
    if not reason.strip():
        raise ServiceError(_("Say why the activity is withdrawn."))
    with transaction.atomic():
        activity.status = Activity.Status.WITHDRAWN
        activity.save(update_fields=["status"])
        audit.record(actor=by, action="library.withdrawn", target=activity, reason=reason.strip())


def restore(*, activity: Activity, by) -> None:
    if activity.status != Activity.Status.WITHDRAWN:
        raise ServiceError(_("Only a withdrawn activity can be put back."))
    with transaction.atomic():
        activity.status = Activity.Status.PUBLISHED
        activity.save(update_fields=["status"])
        audit.record(actor=by, action="library.restored", target=activity)


def attach(*, version: Version, by, upload) -> Attachment:
    """Add a file to an open version after checking what it really is (photos lose their metadata).

    Raises UploadRefused or ServiceError with the reason; on failure no row and no file remain.
    """
    if not version.is_open:
        raise ServiceError(_("This version can no longer be changed."))
    if version.attachments.count() >= MAX_ATTACHMENTS:
        raise ServiceError(_("At most %(n)d files go with an activity.") % {"n": MAX_ATTACHMENTS})
    refusal = _("Video and audio belong in a twinning's workspace; attach documents and pictures here.")
    with (
        examine(upload, accept=("photo", "document", "text"), refusal=refusal) as checked,
        kept_file(f"library/{version.activity_id}", checked) as stored,
    ):
        return Attachment.objects.create(
            version=version,
            file=stored,
            content_type=checked.kind.content_type,
            size=checked.size,
            original_name=checked.name or stored.rsplit("/", 1)[-1],
            uploaded_by=by,
        )


def detach(*, attachment: Attachment) -> None:
    """Remove a file from an open version; the stored file stays while another version uses it."""
    if not attachment.version.is_open:
        raise ServiceError(_("This version can no longer be changed."))
    name = attachment.file.name
    with transaction.atomic():
        attachment.delete()
        still_used = Attachment.objects.filter(file=name).exists()
    if not still_used and default_storage.exists(name):
        default_storage.delete(name)


def add_to_plan(*, activity: Activity, twinning: Twinning, by, starts_on: date, due_on: date | None = None) -> Use:
    """Put the published version into the twinning's plan, in one step. The caller has checked
    that `by` may edit this plan. Side effects: a plan step (and its workspace event), and the
    activity's use count goes up the first time this twinning uses it."""
    version = activity.published
    if activity.status != Activity.Status.PUBLISHED or version is None:
        raise ServiceError(_("Only a published activity can be added to a plan."))
    with transaction.atomic():
        step = workspace.plan_activity(
            twinning=twinning,
            by=by,
            title=version.title[:200],
            description=version.summary,
            starts_on=starts_on,
            due_on=due_on,
        )
        first_time = not Use.objects.filter(activity=activity, twinning=twinning).exists()
        use = Use.objects.create(activity=activity, version=version, twinning=twinning, step=step, by=by)
        if first_time:
            Activity.objects.filter(pk=activity.pk).update(use_count=F("use_count") + 1)
    return use
