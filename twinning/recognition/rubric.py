"""The quality label's rules as plain data and functions: no database, no web.

The five criteria an NSO evaluator scores, each in sub-criteria of 0–5 points; three of those
sub-criteria have a minimum that a labelled project must reach whatever its total. The international
label goes each year to the best share of the national labels whose twinning has at least two partner
schools holding one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # A str or a lazily translated one: the labels are translated when shown, in the reader's language.
    from django_stubs_ext import StrOrPromise

MAX_POINTS = 5
PASS_SHARE = 0.6  # of all the points a project can get
INTERNATIONAL_SHARE = 0.2  # of the eligible national labels, each school year
APPLICATIONS_PER_YEAR = 4  # per teacher


@dataclass(frozen=True)
class Sub:
    code: str
    label: StrOrPromise
    minimum: int = 0


@dataclass(frozen=True)
class Criterion:
    code: str
    label: StrOrPromise
    question: StrOrPromise  # what the applicant writes about
    subs: tuple[Sub, ...]


CRITERIA = (
    Criterion(
        "collaboration",
        _("Collaboration between partner schools"),
        _("How did the pupils of the partner schools work together, and what did they make together?"),
        (
            Sub("online_collaboration", _("Online collaboration among pupils"), minimum=3),
            Sub("teachers_together", _("The teachers planned and ran the project together")),
        ),
    ),
    Criterion(
        "technology",
        _("Use of technology"),
        _("Which tools did the classes use, what for, and how did you keep the pupils safe online?"),
        (
            Sub("ict", _("Use of ICT that serves the project's aims"), minimum=3),
            Sub("safety", _("Data protection, copyright and e-safety"), minimum=3),
        ),
    ),
    Criterion(
        "pedagogy",
        _("Pedagogical approaches"),
        _("How did the pupils learn: their own questions, creativity, working in groups?"),
        (Sub("pupil_centred", _("Pupils' autonomy, creativity and active learning")),),
    ),
    Criterion(
        "curriculum",
        _("Curricular integration"),
        _("Which subjects and parts of the curriculum did the project serve?"),
        (Sub("curriculum", _("Integration in the curriculum and across subjects")),),
    ),
    Criterion(
        "results",
        _("Results and documentation"),
        _("What did the pupils gain, how did you evaluate it, and how did you share the results?"),
        (
            Sub("results", _("Results, impact and evaluation")),
            Sub("documentation", _("Documentation and sharing of the results")),
        ),
    ),
)
SUBS = tuple(sub for criterion in CRITERIA for sub in criterion.subs)
SUB_CODES = tuple(sub.code for sub in SUBS)
TOTAL = MAX_POINTS * len(SUBS)
PASS_MARK = math.ceil(PASS_SHARE * TOTAL)

ELIGIBILITY = (
    ("shared_plan", _("The partners had common goals and a shared plan.")),
    ("finished", _("The project has finished, or is about to.")),
    ("took_part", _("I and my pupils took part in all the activities.")),
    (
        "collaborative",
        _("The activities were collaborative: the pupils worked with the partners, not only beside them."),
    ),
    (
        "data_protection",
        _("Data protection and copyright were considered (consent, licences, no personal data shared)."),
    ),
)
ELIGIBILITY_CODES = tuple(code for code, _label in ELIGIBILITY)


@dataclass(frozen=True)
class Verdict:
    total: float
    passed: bool
    below_minimum: tuple[str, ...]  # sub-criteria codes under their minimum
    below_pass_mark: bool


def check_scores(scores: dict[str, int]) -> None:
    """Raise ValueError unless every sub-criterion has a whole number of points from 0 to 5."""
    if set(scores) != set(SUB_CODES):
        raise ValueError("every sub-criterion needs a score")
    if any(not isinstance(v, int) or not 0 <= v <= MAX_POINTS for v in scores.values()):
        raise ValueError("scores are whole numbers from 0 to 5")


def mean_scores(evaluations: Iterable[dict[str, int]]) -> dict[str, float]:
    """Each sub-criterion's mean over the evaluators' scores."""
    evaluations = list(evaluations)
    if not evaluations:
        return {}
    return {code: sum(e[code] for e in evaluations) / len(evaluations) for code in SUB_CODES}


def judge(scores: dict[str, float]) -> Verdict:
    """A label needs the pass mark overall and every minimum sub-criterion met, whatever the total."""
    total = round(sum(scores.get(code, 0) for code in SUB_CODES), 2)
    below = tuple(sub.code for sub in SUBS if sub.minimum and scores.get(sub.code, 0) < sub.minimum)
    below_mark = total < PASS_MARK
    return Verdict(total=total, passed=not below and not below_mark, below_minimum=below, below_pass_mark=below_mark)


@dataclass(frozen=True)
class NationalLabel:
    twinning: int
    school: int
    score: float


def international_winners(labels: Iterable[NationalLabel], share: float = INTERNATIONAL_SHARE) -> set[int]:
    """The twinnings whose national labels earn the international label this year.

    Eligible: twinnings where at least two different partner schools hold a national label. They are
    ranked by the mean score of those labels; the best `share` of them (rounded up, so a small year
    still has one) win. Ties at the cut all win: no twinning loses to another with the same score.
    """
    by_twinning: dict[int, dict[int, float]] = {}
    for label in labels:
        schools = by_twinning.setdefault(label.twinning, {})
        schools[label.school] = max(label.score, schools.get(label.school, 0))
    eligible = {t: sum(s.values()) / len(s) for t, s in by_twinning.items() if len(s) >= 2}
    if not eligible:
        return set()
    places = math.ceil(share * len(eligible))
    ranked = sorted(eligible.items(), key=lambda item: (-item[1], item[0]))
    cut = ranked[places - 1][1]
    return {twinning for twinning, score in ranked if score >= cut}
