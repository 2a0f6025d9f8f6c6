from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twinning.twinnings.models import Twinning


class Thread(models.Model):
    """A forum topic inside one twinning's workspace."""

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_post_at", "-pk"]
        indexes = [models.Index(fields=["twinning", "-last_post_at"])]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title, or a neutral one when its author was removed (the title is emptied with them)."""
        return self.title or gettext("A removed topic")


class Moderation(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for a teacher's approval")
    REJECTED = "rejected", _("Not approved")
    # A file showing a pupil whose family took back their consent: only their school's teachers see it.
    WITHDRAWN = "withdrawn", _("Hidden: a family withdrew consent")


class Post(models.Model):
    """A message in a thread; it may quote an earlier post of the same thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), max_length=10000)
    quote = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The author's school when they wrote it: its teachers moderate a pupil's post.
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Moderation.choices, default=Moderation.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread_id}:{self.pk}"


class Album(models.Model):
    """A named group of a workspace's shared files, in the order the teachers choose.

    Deleting an album never deletes a file: its files return to "not in an album"."""

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="albums")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Set by queries.albums_for: how many of its files the reader may see, and the newest such photo.
    shown_count: int
    cover_id: int | None

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "twinning", name="album_name_once_per_twinning"),
        ]

    def __str__(self) -> str:
        return self.name


class Preparation(models.TextChoices):
    NONE = "", _("Nothing to prepare")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not prepare this file")


class MediaItem(models.Model):
    """A photo, clip, document or text shared in a workspace. Served only through an access-checked view."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video clip")
        AUDIO = "audio", _("Audio clip")
        DOCUMENT = "document", _("Document")
        TEXT = "text", _("Text")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="media")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # A path below MEDIA_ROOT that no URL serves directly (see views.media_file).
    file = models.FileField(max_length=300)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    # Pupils who can be seen or heard in it: each one's consent was checked at upload.
    pupils = models.ManyToManyField("accounts.Pupil", verbose_name=_("pupils in it"), blank=True, related_name="media")
    # The uploader's school: its teachers moderate a pupil's upload.
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Moderation.choices, default=Moderation.PUBLISHED)
    # Its light copies (MediaVariant), made by a background job: none to make for documents and text.
    preparation = models.CharField(max_length=10, choices=Preparation.choices, default=Preparation.NONE)
    created_at = models.DateTimeField(default=timezone.now)
    # Moving a file between albums changes nothing of who may see it: that is `status` and `pupils`.
    album = models.ForeignKey(
        Album, verbose_name=_("album"), null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    # Set by queries.media_of: the item's variants by name ({"thumb": MediaVariant, ...}).
    shown_variants: dict

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["twinning", "-created_at"])]

    def __str__(self) -> str:
        return self.title or self.original_name or f"#{self.pk}"


class MediaVariant(models.Model):
    """A light copy of a shared photo, clip or sound (see common/uploads/variants.py). It has no
    access of its own: it is served through its item's access check, and goes with its item."""

    class Name(models.TextChoices):
        THUMB = "thumb", _("Thumbnail")
        SCREEN = "screen", _("Screen size")
        SMALL = "small", _("Small (360p)")
        MEDIUM = "medium", _("Medium (720p)")
        POSTER = "poster", _("Poster picture")
        COMPACT = "compact", _("Compact sound")

    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=10, choices=Name.choices)
    # A path below MEDIA_ROOT that no URL serves directly (see views.media_variant).
    file = models.FileField(max_length=300)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="one_variant_per_name")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.name}"


class Activity(models.Model):
    """One step of the year's activity plan: what, when, who looks after it, and where it stands."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due by"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("looked after by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["twinning", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True) | models.Q(due_on__gte=models.F("starts_on")),
                name="activity_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Page(models.Model):
    """A page of the workspace: its Markdown as written, and the cleaned HTML shown."""

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="pages")
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("text"), max_length=50_000)
    html = models.TextField(editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """Something that happened in a workspace, for the feed of what is new since one's last visit."""

    class Kind(models.TextChoices):
        THREAD = "thread", _("New thread")
        POST = "post", _("New reply")
        MEDIA = "media", _("New photo, clip or document")
        ACTIVITY = "activity", _("New activity in the plan")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    media = models.ForeignKey(MediaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["twinning", "-at"])]

    def __str__(self) -> str:
        return f"{self.kind} in {self.twinning_id}"


class Visit(models.Model):
    """When a person last looked at a workspace's feed: "new" means after this."""

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["twinning", "user"], name="one_visit_row")]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.twinning_id} at {self.seen_at:%Y-%m-%d %H:%M}"
