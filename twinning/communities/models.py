"""Communities of practice: groups of teachers around a subject, a theme or a region.

A `Community` is open (anyone who may take part joins at once) or by invitation (a moderator
invites, or accepts a request to join). Its members talk in threads, share files and links, and
see one another in the members' list; moderators keep it in order. Coordinators, NSO staff and
administrators open communities; a validated teacher proposes one and the NSO approves it.

The listing must stay fast with thousands of communities and hundreds of thousands of members,
so each community carries its own counters (members, threads, resources, last activity), kept by
the services with `F()` updates instead of being counted on every page.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twinning.common.i18n import NamedInLanguages, pick


class Theme(NamedInLanguages):
    """A theme that crosses subjects: well-being, digital learning, citizenship, inclusion…"""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "code"]


class Community(models.Model):
    class Access(models.TextChoices):
        # "Open" alone is already translated as the verb (open a file): this one says who can join.
        OPEN = "open", pgettext_lazy("who can join a community", "Open")
        INVITATION = "invitation", _("By invitation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")
        DECLINED = "declined", _("Not approved")

    names = models.JSONField(_("name"), default=dict, help_text=_("In one or more of the site's languages."))
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    # Names and descriptions in every language, lower-cased, for the listing's word search.
    search_text = models.TextField(default="", editable=False)
    subject = models.ForeignKey(
        "schools.Subject",
        verbose_name=_("subject"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="communities"
    )
    countries = models.ManyToManyField(
        "schools.Country", verbose_name=_("region"), blank=True, related_name="communities"
    )
    access = models.CharField(_("who can join"), max_length=12, choices=Access.choices, default=Access.OPEN)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The NSO that looks after it: its staff approve a teacher's proposal and may archive it.
    nso = models.ForeignKey("schools.NSO", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    resource_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)

    # Not a field: set by rules.get_community_for_user to the reader's own membership, or None.
    viewer: "Membership | None"

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-last_activity_at"]),
            models.Index(fields=["nso", "status"]),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def name(self) -> str:
        return pick(self.names)

    @property
    def description(self) -> str:
        return pick(self.descriptions)

    @property
    def is_open(self) -> bool:
        return self.access == self.Access.OPEN

    @property
    def read_only(self) -> bool:
        return self.status != self.Status.ACTIVE


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="communities_member_once")]
        indexes = [models.Index(fields=["community", "role", "joined_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id}"

    @property
    def is_moderator(self) -> bool:
        return self.role == self.Role.MODERATOR


class Answer(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """A moderator's invitation to one person; only that person can answer it."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=Q(status="pending"), name="communities_one_open_invitation"
            )
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.community_id}"


class JoinRequest(models.Model):
    """A person's request to join a community by invitation; a moderator accepts or declines it."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("a word for the moderators"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=Q(status="pending"), name="communities_one_open_request"
            )
        ]
        indexes = [models.Index(fields=["community", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} asks to join {self.community_id}"


class Removal(models.Model):
    """A moderator removed this person: they may not join again by themselves (an invitation lifts it)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="communities_removed_once")]

    def __str__(self) -> str:
        return f"{self.user_id} removed from {self.community_id}"


class Thread(models.Model):
    """A discussion in a community. A thread whose first message a moderator hid is hidden with it."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now)
    # Messages that are not hidden.
    post_count = models.PositiveIntegerField(default=0)
    pinned_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [models.F("pinned_at").desc(nulls_last=True), "-last_post_at", "-pk"]
        indexes = [models.Index(fields=["community", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """A message: the Markdown as written, and the cleaned HTML shown."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), max_length=10000)
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread_id}:{self.pk}"


class ThreadVisit(models.Model):
    """When a person last read a thread, and when they were last told of replies to it.

    A thread's starter is told of new replies once; the next notice waits until they have read it.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="communities_one_thread_visit")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"


class Folder(models.Model):
    """A named group of a community's resources, in the order its members chose.

    Deleting a folder never deletes a resource: its resources return to "not in a folder"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Set by queries.folders_of: how many resources it holds.
    shown_count: int

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(Lower("name"), "community", name="folder_name_once_per_community")]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A file or a link members share, with a title and a few words about it."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is"), max_length=2000, blank=True)
    # A path below MEDIA_ROOT that no URL serves directly (see views.resource_file).
    file = models.FileField(max_length=300, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    original_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    folder = models.ForeignKey(
        Folder, verbose_name=_("folder"), null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )

    class Meta:
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["community", "-added_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="")) | (Q(kind="link") & Q(url__startswith="https://")),
                name="communities_resource_has_its_content",
            )
        ]

    def __str__(self) -> str:
        return self.title
