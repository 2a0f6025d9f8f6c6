"""A pair's score in words, part by part, in the reader's language."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twinning.common import reference
from twinning.matching.engine import WEIGHTS
from twinning.matching.models import LanguageLevel, Objective
from twinning.schools.models import Language, Subject


@dataclass(frozen=True)
class Reason:
    part: str
    label: str
    percent: int  # how well this part fits, 0–100
    weight: int  # how much it counts in the score, in percent
    text: str


def reasons_html(reasons: list[Reason], *, seen: dict | None = None) -> SafeString:
    """`matching/_reasons.html`, written in Python: partner search shows it for each of its twenty results,
    and the include per result cost more than the rest of the results' markup (a test compares the two).

    `seen`: the values already written in this language (a dict kept for one page): the labels and
    percentages of twenty results are written once each."""

    def shown(value) -> str:  # as {{ value }} writes it
        if seen is None:
            return conditional_escape(localize(value))
        key = (type(value), value)
        if key not in seen:
            seen[key] = conditional_escape(localize(value))
        return seen[key]

    items = "".join(
        f'<li><span class="reason-label">{shown(r.label)}</span> <meter min="0" max="100" value="{shown(r.percent)}" '
        f'aria-label="{shown(r.label)}">{shown(r.percent)}%</meter> <span class="muted">{shown(r.text)}</span></li>'
        for r in reasons
    )
    # Every value went through the templates' own escaping above.
    return mark_safe(f'<ul class="reasons">\n  {items}\n</ul>\n')  # noqa: S308  # nosec B308, B703


# Cosines of two visions (language means removed): a vision and its translation score about 0.35–0.6,
# texts on different topics about −0.1–0.2.
VISION_CLOSE = 0.3
VISION_RELATED = 0.15

LABELS = {
    "objectives": lambda: _("Objectives"),
    "ages": lambda: _("Ages"),
    "language": lambda: _("Working language"),
    "themes": lambda: _("Themes"),
    "timetable": lambda: _("Timetable"),
    "class_size": lambda: _("Class size"),
    "preferences": lambda: _("Country wishes"),
}


class Explainer:
    """Turns stored parts and facts into sentences; the reference names are those kept in memory."""

    def __init__(self):
        self.objectives = reference.names(Objective)
        self.subjects = reference.names(Subject)
        self.languages = reference.names(Language)
        # One explainer serves one page, in one language: each label is translated once.
        self.labels = {part: label() for part, label in LABELS.items()}
        self._written: dict = {}

    def html(self, reasons: list[Reason]) -> SafeString:
        """`reasons_html`, writing each label and percentage once for all the results of a page."""
        return reasons_html(reasons, seen=self._written)

    def names(self, codes, table) -> str:
        return ", ".join(sorted(table.get(code, code) for code in codes))

    def reasons(self, parts: dict, facts: Mapping[str, Any]) -> list[Reason]:
        out = []
        for part, weight in WEIGHTS.items():
            value = parts.get(part, 0.0)
            out.append(
                Reason(
                    part, self.labels[part], round(value * 100), round(weight * 100), self.sentence(part, value, facts)
                )
            )
        return out

    def sentence(self, part: str, value: float, facts: Mapping[str, Any]) -> str:  # noqa: C901 - one branch per part
        if part == "objectives":
            if facts.get("objectives"):
                curated = _("Shared objectives: %(names)s.") % {
                    "names": self.names(facts["objectives"], self.objectives)
                }
            else:
                curated = _("No objective in common.")
            similarity = facts.get("vision")
            if similarity is None:
                return curated
            if similarity >= VISION_CLOSE:
                vision = _("Your visions say much the same thing.")
            elif similarity >= VISION_RELATED:
                vision = _("Your visions have something in common.")
            else:
                vision = _("Your visions are about different things.")
            return f"{curated} {vision}"
        if part == "themes":
            if facts.get("themes"):
                return _("Shared themes: %(names)s.") % {"names": self.names(facts["themes"], self.subjects)}
            return _("No theme in common.")
        if part == "ages":
            years = facts.get("ages", 0)
            if not years:
                return _("The pupils' ages do not overlap.")
            return ngettext(
                "The classes share %(years)d year of age.", "The classes share %(years)d years of age.", years
            ) % {"years": years}
        if part == "language":
            if not facts.get("language"):
                return _("No language in common.")
            return _("Both classes can work in %(language)s (level: %(level)s).") % {
                "language": self.languages.get(facts["language"], facts["language"]),
                "level": LanguageLevel(facts["language_level"]).label,
            }
        if part == "timetable":
            hours = facts.get("shared_hours", 0)
            if not hours:
                return _("The school days never overlap: an asynchronous activity may suit.")
            return ngettext(
                "%(hours)s hours a week of school time in common, on %(days)d day.",
                "%(hours)s hours a week of school time in common, on %(days)d days.",
                facts.get("shared_days", 0),
            ) % {"hours": number_format(hours, 2 if hours % 1 else 0), "days": facts.get("shared_days", 0)}
        if part == "class_size":
            a, b = facts.get("class_sizes") or (None, None)
            if a is None or b is None:
                return _("A class size is not given.")
            return _("Classes of %(a)d and %(b)d pupils.") % {"a": a, "b": b}
        wanted = facts.get("wanted") or (True, True)
        if all(wanted):
            return _("Fits both schools' country wishes.")
        return _("Outside the countries one of the schools asked for.")


REFUSALS = {
    "same_school": lambda: _("same school"),
    "same_country": lambda: _("same country"),
    "excluded_country": lambda: _("a country left out by one of the schools"),
    "age_gap": lambda: _("ages too far apart"),
    "no_language": lambda: _("no language in common"),
    "forbidden": lambda: _("already proposed, declined or twinned"),
    "programme": lambda: _("not a member of the programme"),
    "below_minimum": lambda: _("a fit below the minimum set for the run"),
    "partner_full": lambda: _("has all the partners it wants in this run"),
    "possible": lambda: _("could be paired by hand"),
}


def refusal_label(key: str) -> str:
    return REFUSALS[key]() if key in REFUSALS else key


def refusal_summary(counts: dict) -> list[tuple[str, int]]:
    """(the rule in words, how many pairs it ruled out), most first."""
    shown = set(REFUSALS) - {"possible", "partner_full"}
    return [(REFUSALS[key](), n) for key, n in sorted(counts.items(), key=lambda kv: -kv[1]) if key in shown and n]


def empty_side_message(side: str, counts: dict[str, int]) -> str:
    """Why no school of a cohort's side can be matched, with how many schools each condition leaves out."""
    sentences = {
        "no_profile": lambda n: ngettext(
            "%(n)d school has no twinning profile for this year",
            "%(n)d schools have no twinning profile for this year",
            n,
        ),
        "not_looking": lambda n: ngettext(
            "%(n)d profile is not looking for partners", "%(n)d profiles are not looking for partners", n
        ),
        "not_validated": lambda n: ngettext(
            "%(n)d school is not validated yet", "%(n)d schools are not validated yet", n
        ),
        "outside_programme": lambda n: ngettext(
            "%(n)d school is not a member of the programme", "%(n)d schools are not members of the programme", n
        ),
        "in_a_programme": lambda n: ngettext(
            "%(n)d school takes part in a programme: choose the programme to match it",
            "%(n)d schools take part in a programme: choose the programme to match them",
            n,
        ),
        "full": lambda n: ngettext(
            "%(n)d school already has all its partners", "%(n)d schools already have all their partners", n
        ),
    }
    reasons = [sentence(counts[key]) % {"n": counts[key]} for key, sentence in sentences.items() if counts.get(key)]
    if not reasons:
        return _("No school of the %(side)s can be matched: these countries have no validated school.") % {"side": side}
    return _("No school of the %(side)s can be matched: %(reasons)s.") % {"side": side, "reasons": "; ".join(reasons)}


def no_pair_message(counts: dict) -> str:
    """Why a cohort has no possible pair, with how many pairs each rule ruled out (nothing is saved)."""
    reasons = "; ".join(
        _("%(n)s ruled out: %(reason)s") % {"n": n, "reason": reason} for reason, n in refusal_summary(counts)
    )
    return ngettext(
        "No pair is possible; of %(n)s pair examined, %(reasons)s. Nothing was written.",
        "No pair is possible; of %(n)s pairs examined, %(reasons)s. Nothing was written.",
        counts.get("examined", 0),
    ) % {"n": counts.get("examined", 0), "reasons": reasons}
