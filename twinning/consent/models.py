"""Parents' consent: what a pupil's family agreed to, use by use, for one school year.

A `ConsentRequest` is one family's form for one pupil and one school year, sent by e-mail (a link
that needs no account) or printed on paper. Every answer is a `ConsentAnswer` row, never changed
afterwards: the newest row of each use is the family's answer, the older ones are its history. Each
row keeps when and how it was given and the exact text the family read (`ConsentText`, stored once
per distinct wording, found again by its hash).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Use(models.TextChoices):
    """What a family is asked about, each separately."""

    PHOTOS = "photos", _("Appearing in photos")
    VIDEO = "video", _("Appearing in video clips")
    VOICE = "voice", _("Being heard in audio and video clips")
    FULL_NAME = "full_name", _("Showing their full name")
    LIVE = "live", _("Taking part in live meetings")
    RECORDING = "recording", _("Being recorded in a live meeting")
    # Apart from PHOTOS (the twinning's private space): a photo on the programme's public page.
    PUBLIC = "public", _("Appearing in photos on the programme's public page")


class ConsentText(models.Model):
    """The exact words a family read, in one language: stored once, named by their SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.language} {self.sha256[:12]}"


class ConsentRequest(models.Model):
    """One family's consent form for one pupil and one school year."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("By e-mail")
        PAPER = "paper", _("On paper")

    pupil = models.ForeignKey("accounts.Pupil", on_delete=models.CASCADE, related_name="consent_requests")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    parent_email = models.EmailField(_("parent's or guardian's e-mail"), blank=True)
    language = models.CharField(_("the family's language"), max_length=10)
    # The link's random part. The link carries it with the form's number, signed with the site's
    # secret (queries.link_token): a changed or made-up link fails the signature before any lookup.
    link_key = models.CharField(max_length=32, null=True, blank=True)
    # A newer form for the same pupil replaces this one: its link then says it has expired.
    replaced_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # A family with an expired link asked for a new one (the teacher was told).
    new_link_asked_at = models.DateTimeField(null=True, blank=True)
    # The signed paper form, scanned (a photo or a PDF), kept below MEDIA_ROOT, served to the teachers.
    scan = models.FileField(max_length=300, blank=True)
    scan_type = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent form")
        verbose_name_plural = _("consent forms")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "school_year"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.school_year} {self.channel}"


class ConsentAnswer(models.Model):
    """One answer to one use, as given: the newest row of a use is the family's answer."""

    class Method(models.TextChoices):
        LINK = "link", _("By the family, through their link")
        PAPER = "paper", _("On the signed paper form, recorded by a teacher")
        WITHDRAWN = "withdrawn", _("Withdrawn by the family, through their link")

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="answers")
    use = models.CharField(max_length=12, choices=Use.choices)
    given = models.BooleanField()
    method = models.CharField(max_length=10, choices=Method.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["request", "use", "-at"])]

    def __str__(self) -> str:
        return f"{self.use}={'yes' if self.given else 'no'}"
