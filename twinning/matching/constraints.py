"""The hard rules of pairing two schools, whatever made the pair (search, a cohort run, a re-match, a
proposal by hand): which programme's rules apply, and whether a pair may be made at all.

A programme sets its own rules (`schools.Programme.max_age_gap`, `partners_from_other_countries`);
a pair outside any programme follows the defaults. Only schools that are members of the programme
(`School.programmes`) are paired within it. The engine applies the same rules to whole cohorts;
these functions decide one pair, for the services, and say which rule refused it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twinning.matching import engine
from twinning.matching.queries import programme_of

# A pair outside any programme: classes at most a year apart, any country.
DEFAULT_MAX_AGE_GAP = 1


class Rule:
    """The names of the hard rules, as refusals and in the counts of an explanation."""

    SAME_SCHOOL = "same_school"
    PROGRAMME = "programme"
    SAME_COUNTRY = "same_country"
    AGE_GAP = "age_gap"
    SETTLED = "forbidden"  # already twinned, proposed or declined this school year


@dataclass(frozen=True)
class PairRules:
    """One programme's rules (or the defaults, `programme_id` None)."""

    programme_id: int | None = None
    max_age_gap: int = DEFAULT_MAX_AGE_GAP
    other_country: bool = False

    def for_engine(self, *, forbidden=()) -> engine.Rules:
        """The same rules for the engine, with these profile-key pairs forbidden as well."""
        return engine.Rules.forbidding(forbidden, max_age_gap=self.max_age_gap, other_country=self.other_country)

    @classmethod
    def of(cls, programme) -> PairRules:
        if programme is None:
            return cls()
        return cls(
            programme_id=programme.pk,
            max_age_gap=programme.max_age_gap,
            other_country=programme.partners_from_other_countries,
        )


@dataclass(frozen=True)
class Party:
    """What the rules read of one school in a pair: its country, its class's ages, its programmes."""

    school_id: int
    country: str
    age_from: int
    age_to: int
    programmes: frozenset[int]

    @classmethod
    def of(cls, school, profile=None) -> Party:
        ages = profile or school
        return cls(
            school_id=school.pk,
            country=school.country_id,
            age_from=ages.age_from,
            age_to=ages.age_to,
            programmes=frozenset(school.programmes.values_list("pk", flat=True)),
        )


def age_gap(a_from: int, a_to: int, b_from: int, b_to: int) -> int:
    """Years between two age ranges: 0 when they overlap (share at least one year of age)."""
    return max(0, max(a_from, b_from) - min(a_to, b_to))


def refusal(rules: PairRules, a: Party, b: Party) -> str | None:
    """The first rule the pair breaks (a `Rule` name), or None when it may be made."""
    if a.school_id == b.school_id:
        return Rule.SAME_SCHOOL
    if rules.programme_id is not None and not (
        rules.programme_id in a.programmes and rules.programme_id in b.programmes
    ):
        return Rule.PROGRAMME
    if rules.programme_id is None and (a.programmes or b.programmes) and not a.programmes & b.programmes:
        # Outside a programme, schools of programmes pair only within one they share: a programme's
        # members are never paired with another's, nor with schools outside every programme.
        return Rule.PROGRAMME
    if rules.other_country and a.country == b.country:
        return Rule.SAME_COUNTRY
    if age_gap(a.age_from, a.age_to, b.age_from, b.age_to) > rules.max_age_gap:
        return Rule.AGE_GAP
    return None


def refusal_message(rule: str, rules: PairRules) -> str:
    """Why a pair cannot be made, in the reader's language."""
    if rule == Rule.SAME_SCHOOL:
        return _("A school cannot twin with itself.")
    if rule == Rule.PROGRAMME and rules.programme_id is None:
        return _("The two schools take part in no programme together.")
    if rule == Rule.PROGRAMME:
        return _("Both schools must be members of the programme.")
    if rule == Rule.SAME_COUNTRY:
        return _("This programme pairs schools of different countries.")
    if rule == Rule.AGE_GAP:
        if rules.max_age_gap == 0:
            return _("The two classes' ages must overlap.")
        return ngettext(
            "The two classes' ages are more than %(years)d year apart.",
            "The two classes' ages are more than %(years)d years apart.",
            rules.max_age_gap,
        ) % {"years": rules.max_age_gap}
    return _("These schools already have a twinning or a proposal this year.")


def profiles_refusal(a, b) -> tuple[str, PairRules] | None:
    """The rule two twinning profiles' schools break, with the rules it belongs to; None when they may pair.

    Each profile's programme (see `queries.programme_of`) applies its rules; two profiles outside any
    programme follow the defaults. Being settled (already twinned or proposed) is checked apart.
    """
    programmes = {p.pk: p for p in (programme_of(a), programme_of(b)) if p is not None}
    every = [PairRules.of(p) for p in programmes.values()] or [PairRules()]
    left, right = Party.of(a.school, a), Party.of(b.school, b)
    for rules in every:
        if (rule := refusal(rules, left, right)) is not None:
            return rule, rules
    return None
