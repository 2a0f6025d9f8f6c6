"""The showcase of finished twinnings: a story its teachers wrote, with photos from its workspace.

A story waits for the programme's coordinators (`PENDING`) before anyone outside sees it
(`PUBLISHED`). Its teachers or the coordinators may take it down at any time (`REMOVED`). A photo
is a workspace photo of the same twinning in which every pupil shown has their family's consent
to public use; a family taking that consent back removes the photo's row at once, and the public
view checks the consent again on every request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the coordinator's approval")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not approved")
        REMOVED = "removed", _("Taken down")

    # Statuses in which a twinning has its story: one at a time.
    CURRENT = (Status.PENDING, Status.PUBLISHED)

    twinning = models.ForeignKey("twinnings.Twinning", on_delete=models.CASCADE, related_name="stories")
    # The twinning's programme when the story was written: whose page shows it, whose coordinators approve.
    programme = models.ForeignKey("schools.Programme", on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("story"), max_length=6000)
    language = models.CharField(_("language of the story"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why the coordinator did not approve it, for its teachers.
    feedback = models.TextField(_("why not"), max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["twinning"], condition=Q(status__in=["pending", "published"]), name="one_current_story"
            )
        ]
        indexes = [models.Index(fields=["programme", "status", "-published_at", "-id"], name="story_page_order")]

    def __str__(self) -> str:
        return self.title


class StoryPhoto(models.Model):
    """A workspace photo chosen for a story, shown publicly only through the showcase's view."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    media = models.ForeignKey("workspace.MediaItem", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["story", "media"], name="story_photo_once")]

    def __str__(self) -> str:
        return f"{self.story_id}:{self.media_id}"
