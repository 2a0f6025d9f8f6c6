"""Pre/post questionnaires an NSO or a programme puts to the pupils and teachers of its twinnings.

An NSO (for the twinnings of its countries' schools) or a programme (for its twinnings, in every
country) writes a short questionnaire for a school year (each question answered on a 1–5 agreement
scale), opens it at the start of the year, closes it, and opens it again at the end; the results
compare the two waves. Who answered is kept apart from what they answered: a `Participation` says
that a person has answered a wave (and makes a second answer impossible), a `Response` holds the
answers with only the respondent's group, country and twinning, so the results can never name anyone.

The twinning narrows a response down to a handful of people (a twinning has two or three teachers),
so it is read only by the results' queries, which show no figure of fewer than five answers and no
figure from which one could be worked out by subtraction (`reporting/small_groups.py`); the admin site
does not show it.

The reports' figures are counted from the other apps' tables (`queries.py`) and kept, per scope of readers,
in `KeptReport` and its `KeptCount` rows, which the job queue refreshes (`tasks.py`): a report page then reads a
few hundred rows, whatever the size of the network, and says when they were counted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import pick
from twinning.schools.models import NSO, Country, Programme
from twinning.twinnings.models import Twinning

LOWEST, HIGHEST = 1, 5


class Wave(models.TextChoices):
    START = "start", _("Start of the year")
    END = "end", _("End of the year")


class Group(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    TEACHERS = "teachers", _("Teachers")


class Survey(models.Model):
    """A questionnaire of an NSO or of a programme (exactly one) for one school year, answered twice: at the
    start and at the end."""

    class Audience(models.TextChoices):
        PUPILS = "pupils", _("Pupils")
        TEACHERS = "teachers", _("Teachers")
        BOTH = "both", _("Pupils and teachers")

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Not open yet")
        START_OPEN = "start_open", _("Start of the year: open for answers")
        START_CLOSED = "start_closed", _("Start of the year: closed")
        END_OPEN = "end_open", _("End of the year: open for answers")
        CLOSED = "closed", _("Closed")

    nso = models.ForeignKey(
        NSO, verbose_name=_("NSO"), null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    school_year = models.PositiveSmallIntegerField(_("school year"), help_text=_("The year it starts in."))
    titles = models.JSONField(_("title"), default=dict, help_text=_("In one or more of the site's languages."))
    audience = models.CharField(_("who answers"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-school_year", "-created_at", "-pk"]
        indexes = [models.Index(fields=["stage", "school_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(nso__isnull=False, programme__isnull=True) | Q(nso__isnull=True, programme__isnull=False),
                name="survey_of_an_nso_or_a_programme",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def owner(self) -> NSO | Programme:
        """Who runs it: its NSO or its programme (one of the two, by the constraint)."""
        if self.nso_id is not None:
            return self.nso  # type: ignore[return-value]  # its id is set, so it is there
        return self.programme  # type: ignore[return-value]  # no NSO, so a programme: the check constraint

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def open_wave(self) -> str | None:
        """The wave people can answer now, if any."""
        return {self.Stage.START_OPEN: Wave.START, self.Stage.END_OPEN: Wave.END}.get(self.stage)

    @property
    def groups(self) -> list[str]:
        if self.audience == self.Audience.BOTH:
            return [Group.PUPILS, Group.TEACHERS]
        return [self.audience]


class Question(models.Model):
    """One statement of the questionnaire; people say how much they agree, from 1 to 5."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    texts = models.JSONField(_("statement"), default=dict)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_once")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self.texts)


class Participation(models.Model):
    """That a person answered a wave: one answer per person per wave. It does not say what they answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    wave = models.CharField(max_length=5, choices=Wave.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "wave", "person"], name="one_answer_per_person_per_wave")
        ]
        indexes = [models.Index(fields=["person", "survey"])]

    def __str__(self) -> str:
        return f"{self.person_id} answered {self.survey_id} ({self.wave})"


class Response(models.Model):
    """One person's answers to one wave, with nothing that names them: only their group, country and twinning.

    The twinning is for the results per twinning, never shown for fewer than five answers (see the module).

    A random key, not a counter: a counter would run in step with the participations' and pair them up.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    wave = models.CharField(_("wave"), max_length=5, choices=Wave.choices)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    country = models.ForeignKey(Country, null=True, on_delete=models.SET_NULL, related_name="+")
    twinning = models.ForeignKey(Twinning, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("set of answers")
        verbose_name_plural = _("sets of answers")
        indexes = [models.Index(fields=["survey", "wave", "group"])]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.wave} {self.group}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(_("agreement (1–5)"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(value__gte=LOWEST, value__lte=HIGHEST), name="answer_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


# The figures of the reports, kept -------------------------------------------------------------------

# In a KeptCount, the value that means "all of them" on each axis: every school year, every country, every
# programme. A programme of NO_PROGRAMME (0, as in the report's filter) means "twinnings of no programme".
EVERY_YEAR = 0
EVERY_COUNTRY = ""
EVERY_PROGRAMME = -1


class KeptReport(models.Model):
    """The report's figures for one scope of readers (the whole network, an NSO's countries, a programme, or a
    person's mix of them, written by `reporting.rules.Scope.key`), as last counted."""

    scope = models.CharField(max_length=200, unique=True)
    refreshed_at = models.DateTimeField()
    # Last read by a page, a download or the API: a scope nobody has read for a while is not kept up to date.
    read_at = models.DateTimeField()
    # The school years that have a twinning under way or done, network-wide, newest first (the filter's choices).
    school_years = models.JSONField(default=list)
    # What the database's statistics said had been written to the counted tables just before the count
    # (`queries.source_state`): the job counts a scope again only when they say something else. None: unknown
    # (counted by a page, or on SQLite), so the next run of the job counts it again.
    source_state = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scope} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class KeptCount(models.Model):
    """One cell of a kept report: the eight counts for a school year, a country and a programme, each of which can
    be "all of them" (EVERY_YEAR, EVERY_COUNTRY, EVERY_PROGRAMME). The counts are distinct counts and cannot be
    added up across cells (a twinning between two countries is one in each country's cell and one in the cell of
    every country), so every combination the page, the downloads and the API read is counted and kept."""

    report = models.ForeignKey(KeptReport, on_delete=models.CASCADE, related_name="counts")
    school_year = models.PositiveSmallIntegerField()
    country = models.CharField(max_length=2, blank=True)
    programme = models.IntegerField()
    schools = models.PositiveIntegerField(default=0)
    teachers = models.PositiveIntegerField(default=0)
    pupils = models.PositiveIntegerField(default=0)
    twinnings = models.PositiveIntegerField(default=0)
    meetings = models.PositiveIntegerField(default=0)
    attendance = models.PositiveIntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)
    labels = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "school_year", "country", "programme"], name="one_kept_cell")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.school_year or '*'} {self.country or '*'} {self.programme}"
