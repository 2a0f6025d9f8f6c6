from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import pick
from twinning.schools.models import Programme, School


class Twinning(models.Model):
    """Two or more schools working together for a school year, from proposal to closing."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted, waiting for approval")
        DECLINED = "declined", _("Declined")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        NEEDS_PARTNER = "needs_partner", _("Looking for a new partner")
        CLOSED = "closed", _("Closed")

    titles = models.JSONField(_("title"), default=dict, help_text=_("In one or more of the site's languages."))
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_twinnings",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    moderate_pupils = models.BooleanField(
        _("pupils' posts and uploads wait for a teacher's approval"),
        default=True,
        help_text=_("Until one of the pupil's own teachers approves it, the partner school does not see it."),
    )
    # The proposal (from partner search or cohort matching) this twinning grew out of, if any.
    proposal = models.OneToOneField(
        "matching.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="twinning"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Not a field: set by workspace.rules.get_workspace_for_user to the viewer's own active
    # membership (None for someone who oversees the twinning without belonging to it).
    viewer_membership: "Membership | None"

    class Meta:
        verbose_name = _("twinning")
        verbose_name_plural = _("twinnings")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "school_year"]),
            # The twinnings list pages by key in this order (newest change first, read backward).
            models.Index(fields=["changed_at", "id"], name="twinning_list_order"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def description(self) -> str:
        return pick(self.descriptions)

    @property
    def read_only(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.DECLINED)


class TwinningSchool(models.Model):
    """A school in a twinning, its named contact and the second contact who takes over if needed."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        JOINED = "joined", _("Taking part")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the twinning")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="twinnings")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    second_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Another teacher of the school who takes over if the contact leaves."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["twinning", "school"], name="school_once_per_twinning"),
            models.CheckConstraint(
                condition=Q(second_contact__isnull=True) | ~Q(second_contact=models.F("contact")),
                name="second_contact_is_another_person",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.school} in {self.twinning_id}"

    @property
    def taking_part(self) -> bool:
        return self.status in (self.Status.INVITED, self.Status.JOINED)


class Membership(models.Model):
    """Who is inside a twinning and with what role; visitors (coordinator, principal) only read."""

    class Role(models.TextChoices):
        TEACHER_ADMIN = "teacher_admin", _("Teacher (administrator)")
        TEACHER = "teacher", _("Teacher")
        PUPIL = "pupil", _("Pupil")
        VISITOR = "visitor", _("Visitor (read only)")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="twinning_memberships")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["twinning", "user"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.twinning_id}"
