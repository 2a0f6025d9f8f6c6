"""The words a family reads: what the twinning is, who sees what, and one question per use.

The page, the printed form and the stored text version are all made from one `Statement`, so the
text kept with an answer is exactly the text the family was shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from twinning.accounts.models import Pupil
from twinning.common.i18n import direction, pick
from twinning.common.school_year import school_year_label
from twinning.consent.models import Use
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

# The twinnings a family is told about: those the class works in this year.
OPEN = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER, Twinning.Status.PROPOSED)


@dataclass(frozen=True)
class TwinningFacts:
    title: str
    partners: str  # "King David School (United Kingdom)", the partner schools in the family's language
    description: str


@dataclass(frozen=True)
class Statement:
    language: str
    direction: str  # "rtl" or "ltr", for the printed form's pages in several languages
    pupil_name: str
    school: str
    year: str
    intro: str
    twinnings: tuple[TwinningFacts, ...]
    no_twinning: str
    who_sees: tuple[str, ...]
    duration: str
    questions: tuple[tuple[str, str, str], ...]  # (use, label, explanation)

    @property
    def body(self) -> str:
        """The whole text as plain lines: what is stored and hashed with each answer."""
        lines = [self.intro]
        for facts in self.twinnings:
            lines.append(f"- {facts.title} — {facts.partners}")
            if facts.description:
                lines.append(f"  {facts.description}")
        if not self.twinnings:
            lines.append(self.no_twinning)
        lines.extend(self.who_sees)
        lines.append(self.duration)
        lines.extend(f"[{use}] {label}: {explanation}" for use, label, explanation in self.questions)
        return "\n".join(lines)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.language}\n{self.body}".encode()).hexdigest()


def twinnings_of(pupil: Pupil):
    """The twinnings the pupil is in; before they join one, their school's open twinnings."""
    mine = Twinning.objects.filter(
        memberships__user_id=pupil.user_id, memberships__role=Membership.Role.PUPIL, memberships__active=True
    )
    chosen = (
        mine
        if mine.exists()
        else Twinning.objects.filter(schools__school_id=pupil.school_id, schools__status=TwinningSchool.Status.JOINED)
    )
    return (
        chosen.filter(status__in=OPEN)
        .distinct()
        .prefetch_related("schools__school__country")
        .order_by("-school_year", "pk")[:5]
    )


def _isolated(name: str) -> str:
    """A name people wrote, in any script, kept in its own order inside a sentence of another (FSI … PDI)."""
    return f"\u2068{name}\u2069"


def _partners(twinning: Twinning, school_id: int, language: str) -> str:
    rows = [
        row
        for row in twinning.schools.all()
        if row.school_id != school_id and row.status in (TwinningSchool.Status.JOINED, TwinningSchool.Status.INVITED)
    ]
    return ", ".join(
        _("%(school)s (%(country)s)")
        % {"school": _isolated(row.school.name), "country": pick(row.school.country.names, language)}
        for row in rows
    )


QUESTIONS = {
    Use.PHOTOS: lambda: _("Photos in which your child can be seen may be shared in the twinning's private space."),
    Use.VIDEO: lambda: _(
        "Short video clips in which your child can be seen may be shared in the twinning's private space."
    ),
    Use.VOICE: lambda: _(
        "Audio and video clips in which your child can be heard may be shared in the twinning's private space."
    ),
    Use.FULL_NAME: lambda: _(
        "Your child's full name may be shown to the twinning's members. Otherwise they see only a first "
        "name and an initial, or a pseudonym."
    ),
    Use.LIVE: lambda: _(
        "Your child may take part, with their class and teacher, in live video meetings with the partner class."
    ),
    Use.RECORDING: lambda: _(
        "A live meeting your child takes part in may be recorded and the recording kept in the twinning's "
        "private space."
    ),
    Use.PUBLIC: lambda: _(
        "A photo in which your child can be seen may be shown on the programme's public web page, with a "
        "story the teachers wrote about the twinning, never with your child's name. This is separate from "
        "the photos shared in the twinning's private space."
    ),
}


def statement(pupil: Pupil, language: str, *, year: int) -> Statement:
    """The whole text, in ``language``, for ``pupil``'s family and the school year ``year``."""
    school = pupil.school
    with translation.override(language):
        facts = tuple(
            TwinningFacts(
                title=pick(twinning.titles, language),
                partners=_partners(twinning, school.pk, language),
                description=pick(twinning.descriptions, language),
            )
            for twinning in twinnings_of(pupil)
        )
        return Statement(
            language=language,
            direction=direction(language),
            pupil_name=pupil.display_name,
            school=school.name,
            year=school_year_label(year),
            intro=_(
                "%(pupil)s's class at %(school)s takes part in a school twinning: the class works with a class "
                "of a school in another country, in a private online space, and sometimes meets it live."
            )
            % {"pupil": _isolated(pupil.display_name), "school": _isolated(school.name)},
            twinnings=facts,
            no_twinning=_("The class has not been matched with a partner class yet; the teacher will tell you."),
            who_sees=(
                _(
                    "Only the teachers and pupils of the schools in the twinning see what is shared there, and "
                    "the coordinators who accompany the twinning. Nothing is public, except the photos you agree to "
                    "below for the programme's public page."
                ),
                _(
                    "Your child is shown by a first name and an initial, or a pseudonym, unless you agree to "
                    "their full name. Photos are shared without their location or camera details."
                ),
            ),
            duration=_(
                "Your answers count for the school year %(year)s, until you change or withdraw them. You can do "
                "that at any moment with the link you received: what was already shared is then hidden from "
                "the partner school at once."
            )
            % {"year": school_year_label(year)},
            questions=tuple((use.value, str(use.label), QUESTIONS[use]()) for use in Use),
        )
