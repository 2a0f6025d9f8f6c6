from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.schools.models import NSO, Programme

# The defaults a data-protection officer would accept, and the bounds an NSO may choose within.
# Pupil accounts: a month after the end of the last school year they were in a twinning (time for the
# school to give a family a copy), at most a year. Pupils' posts and media: a year after the twinning
# closes (its labels and awards are decided by then), between one month and three years. The audit
# log: five years (the usual limit for a complaint about a decision), between one and ten.
DEFAULT_PUPIL_ACCOUNT_DAYS = 30
DEFAULT_PUPIL_WORK_MONTHS = 12
DEFAULT_AUDIT_YEARS = 5
PUPIL_ACCOUNT_DAYS = (0, 365)
PUPIL_WORK_MONTHS = (1, 36)
AUDIT_YEARS = (1, 10)


def _bounded(low: int, high: int, message) -> list:
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


class RetentionPolicy(models.Model):
    """How long an NSO, or a programme, keeps its pupils' accounts, their posts and media, and the
    audit log. Each row names exactly one of the two.

    An NSO with no row follows the defaults above. The nightly job (`retention.services.apply_policies`)
    applies every NSO's policy to the rows the privacy register places in its countries, except the
    rows of twinnings whose programme has a policy of its own: that one applies to them, in every
    country."""

    nso = models.OneToOneField(NSO, null=True, blank=True, on_delete=models.CASCADE, related_name="retention_policy")
    programme = models.OneToOneField(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="retention_policy"
    )
    pupil_account_days = models.PositiveSmallIntegerField(
        _("days after the end of the school year before a pupil's account is removed"),
        default=DEFAULT_PUPIL_ACCOUNT_DAYS,
        validators=_bounded(*PUPIL_ACCOUNT_DAYS, _("Choose between 0 and 365 days.")),
    )
    pupil_work_months = models.PositiveSmallIntegerField(
        _("months after a twinning closes before pupils' messages are emptied and their media removed"),
        default=DEFAULT_PUPIL_WORK_MONTHS,
        validators=_bounded(*PUPIL_WORK_MONTHS, _("Choose between 1 and 36 months.")),
    )
    audit_years = models.PositiveSmallIntegerField(
        _("years the audit log keeps who decided and why"),
        default=DEFAULT_AUDIT_YEARS,
        validators=_bounded(*AUDIT_YEARS, _("Choose between 1 and 10 years.")),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nso__isnull=False, programme__isnull=True)
                | models.Q(nso__isnull=True, programme__isnull=False),
                name="retention_policy_nso_or_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nso or self.programme}"


class RetentionRun(models.Model):
    """One run of the nightly retention job: how many rows of each category it removed or emptied,
    in total and per NSO (`{"total": {category: n}, "nso": {nso id: {category: n}}}`)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
