"""Optimal cohort matching: the most total score, every school within its capacity.

Two sides (e.g. Israel ↔ diaspora): a maximum-weight b-matching on a bipartite graph, solved
exactly as a min-cost flow (OR-Tools) over each school's best candidates from both sides.

One pool (any school with any school from another country): the graph is not bipartite, so
the flow runs on its bipartite double cover. That relaxation's value is an upper bound on the
optimum; pairs chosen in both directions are kept, the rest are completed greedily, and the
result reports how close it came to the bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from threadpoolctl import threadpool_limits

from .profiles import DEFAULT_RULES, Profile, Rules, score_pair
from .scoring import Keys, Side, Vocabulary, all_scores, best_partners

SCALE = 1_000_000  # scores become integer costs for the flow solver
# Best candidates per school the solver considers by default: with capacities up to 3 and real
# variety, 24 keeps the result within 0.1 % of the exact optimum (bench/matching.py measures it).
CANDIDATES = 24
# What giving a school its first partner is worth, in the flow's units, when coverage comes first:
# a thousand points of total fit, so in practice no trade of coverage for total is ever made.
COVER_BONUS = 1000 * SCALE

Indices = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]


class MatchingError(ValueError):
    """The run's input is unusable (e.g. a profile key used twice)."""


@dataclass(frozen=True, slots=True)
class Pair:
    left: str  # profile keys
    right: str
    score: float
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Fairness:
    """What a fair run cost and gained against the plain run (most total fit) on the same candidates.

    A school's fit is the score of its pairs; the worst-off school's fit is the lowest pair score
    of the result. `threshold` is the fit every pair of the fair result reaches.
    """

    objective: str  # "maximin" (the worst-off school's fit as high as it can be) or "floor" (min_fit)
    threshold: float
    plain_total: float
    plain_worst: float
    plain_matched: int  # schools with a partner
    total: float
    worst: float
    matched: int

    @property
    def cost(self) -> float:
        """Total fit given up."""
        return self.plain_total - self.total

    @property
    def gain(self) -> float:
        """What the worst-off school gained."""
        return self.worst - self.plain_worst


@dataclass
class Matching:
    pairs: list[Pair]
    candidates: int  # edges the solver considered
    upper_bound: float | None = None  # one pool only: the relaxation's value
    unmatched: list[str] = field(default_factory=list)
    fairness: Fairness | None = None

    @property
    def total(self) -> float:
        return sum(pair.score for pair in self.pairs)

    @property
    def worst(self) -> float:
        """The worst-off school's fit: the lowest score of a pair (0 without pairs)."""
        return min((pair.score for pair in self.pairs), default=0.0)

    @property
    def matched(self) -> int:
        """Schools with at least one partner."""
        return len({key for pair in self.pairs for key in (pair.left, pair.right)})


def _check(profiles: Iterable[Profile]) -> None:
    seen: set[str] = set()
    for p in profiles:
        if p.key in seen:
            raise MatchingError(f"profile {p.key!r} appears twice")
        seen.add(p.key)
        if p.capacity < 0:
            raise MatchingError(f"profile {p.key!r} has a negative capacity")


def _edges(
    left: list[Profile],
    right: list[Profile] | None,
    *,
    when: datetime,
    k: int | None,
    forbidden: frozenset[tuple[str, str]],
    rules: Rules = DEFAULT_RULES,
    progress: Callable[[float], None] | None = None,
) -> tuple[Indices, Indices, Scores]:
    """Candidate edges as (left index, right index, score) in the caller's numbering.

    k=None scores every pair (the exact reference); otherwise each school's k best from each side.
    """
    one_pool = right is None
    everyone = left if right is None else left + right
    keys = Keys.of(everyone, when)
    vocab = Vocabulary.build(everyone, when=when, one_pool=one_pool, rules=rules, keys=keys)
    school_index = {school: i for i, school in enumerate(sorted({p.school for p in everyone}))}
    pairs = {(school_index[x], school_index[y]) for x, y in forbidden if x in school_index and y in school_index}
    rows = Side.build(left, vocab, school_index, keys.part(0, len(left)))
    cols = rows if right is None else Side.build(right, vocab, school_index, keys.part(len(left)))
    blocked = _blocked_positions(left, left if right is None else right, rows, cols, rules)

    if k is None:
        scores = all_scores(rows, cols, vocab=vocab)
        scores[rows.schools[:, None] == cols.schools[None, :]] = -np.inf  # the diagonal too, in one pool
        for x, y in pairs:
            scores[np.ix_(rows.schools == x, cols.schools == y)] = -np.inf
            scores[np.ix_(rows.schools == y, cols.schools == x)] = -np.inf
        for r, cs in blocked.items():
            scores[r, cs] = -np.inf
        i, j = np.nonzero(scores > 0)
        s = scores[i, j]
    else:
        i, j, s = best_partners(
            rows, cols, vocab=vocab, k=k, forbidden=pairs, blocked=blocked, both=True, progress=progress
        )
    i, j = rows.order[i], cols.order[j]
    if one_pool:
        i, j = np.minimum(i, j), np.maximum(i, j)
    width = len(cols.order)
    _, unique = np.unique(i.astype(np.int64) * width + j, return_index=True)
    return i[unique], j[unique], s[unique]


def _blocked_positions(
    left: list[Profile], right: list[Profile], rows: Side, cols: Side, rules: Rules
) -> dict[int, list[int]]:
    """`rules.forbidden` as sorted positions: row position → the column positions it may not pair with."""
    if not rules.forbidden:
        return {}
    row_at = {left[i].key: position for position, i in enumerate(rows.order.tolist())}
    col_at = {right[j].key: position for position, j in enumerate(cols.order.tolist())}
    blocked: dict[int, list[int]] = {}
    for pair in rules.forbidden:
        x, y = tuple(pair)
        for a, b in ((x, y), (y, x)):
            if a in row_at and b in col_at:
                blocked.setdefault(row_at[a], []).append(col_at[b])
    return blocked


def _flow(
    tails: Indices, heads: Indices, scores: Scores, left_caps: Indices, right_caps: Indices, *, cover: bool = False
) -> Indices:
    """Flow on each edge of a maximum-weight bipartite b-matching (0 or 1).

    With `cover`, a school's first partner is worth COVER_BONUS more: the flow first gives a
    partner to as many schools as it can, then maximises the total.
    """
    n_left, n_right = len(left_caps), len(right_caps)
    source, sink = n_left + n_right, n_left + n_right + 1
    supply = int(min(left_caps.sum(), right_caps.sum()))
    flow = min_cost_flow.SimpleMinCostFlow()
    left_nodes, right_nodes = np.arange(n_left), np.arange(n_left, n_left + n_right)
    if cover:
        # Each school's capacity as two arcs: its first place (with the bonus), then the rest.
        in_tail = np.concatenate([np.full(2 * n_left, source), right_nodes, right_nodes])
        in_head = np.concatenate([left_nodes, left_nodes, np.full(2 * n_right, sink)])
        in_capacity = np.concatenate(
            [np.minimum(left_caps, 1), np.maximum(left_caps - 1, 0), np.minimum(right_caps, 1), right_caps - 1]
        )
        in_cost = np.concatenate(
            [np.full(n_left, -COVER_BONUS), np.zeros(n_left), np.full(n_right, -COVER_BONUS), np.zeros(n_right)]
        )
        in_capacity = np.maximum(in_capacity, 0)
    else:
        in_tail = np.concatenate([np.full(n_left, source), right_nodes])
        in_head = np.concatenate([left_nodes, np.full(n_right, sink)])
        in_capacity, in_cost = np.concatenate([left_caps, right_caps]), np.zeros(n_left + n_right)
    tail = np.concatenate([tails, in_tail, [source]]).astype(np.int32)
    head = np.concatenate([heads + n_left, in_head, [sink]]).astype(np.int32)
    capacity = np.concatenate([np.ones(len(tails)), in_capacity, [supply]]).astype(np.int64)
    cost = np.concatenate([-np.rint(scores * SCALE), in_cost, [0]]).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(tail, head, capacity, cost)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise MatchingError(f"the flow solver stopped with status {status}")
    return np.asarray(flow.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)


def greedy(
    tails: Indices,
    heads: Indices,
    scores: Scores,
    left_caps: Indices,
    right_caps: Indices | None = None,
) -> npt.NDArray[np.bool_]:
    """Best edge first while both ends have room: the simple baseline.

    Without `right_caps` both ends draw on one capacity per school (one pool).
    """
    left = left_caps.copy()
    right = left if right_caps is None else right_caps.copy()
    chosen = np.zeros(len(scores), dtype=bool)
    for e in np.argsort(-scores, kind="stable").tolist():
        t, h = tails[e], heads[e]
        if left[t] > 0 and right[h] > 0:
            chosen[e] = True
            left[t] -= 1
            right[h] -= 1
    return chosen


OBJECTIVES = ("total", "maximin")


@dataclass
class Cohort:
    """A cohort's candidate pairs, scored once, to solve (and solve again) cheaply.

    Scoring is most of a run's time; a coordinator's pin or forbid only changes the solve. So
    `Cohort.build` scores the candidates and `solve` runs the solver on them, with pins, extra
    forbidden pairs and a fairness objective, in a fraction of the time.
    """

    left: list[Profile]
    right: list[Profile] | None
    when: datetime
    rules: Rules
    forbidden: frozenset[tuple[str, str]]  # school pairs ruled out when the candidates were scored
    tails: Indices
    heads: Indices
    scores: Scores

    @classmethod
    def build(
        cls,
        left: list[Profile],
        right: list[Profile] | None = None,
        *,
        when: datetime | None = None,
        k: int | None = CANDIDATES,
        forbidden: Iterable[tuple[str, str]] = (),
        rules: Rules = DEFAULT_RULES,
        progress: Callable[[float], None] | None = None,
    ) -> Cohort:
        when = when or datetime.now(UTC)
        _check(left if right is None else left + right)
        schools = frozenset(forbidden)
        # The scoring's matrix products are chunk-sized: one BLAS thread does them as fast, and
        # threads spinning against other work on a shared machine made runs several times slower.
        with threadpool_limits(limits=1, user_api="blas"):
            tails, heads, scores = _edges(
                left, right, when=when, k=k, forbidden=schools, rules=rules, progress=progress
            )
        return cls(left, right, when, rules, schools, tails, heads, scores)

    @property
    def one_pool(self) -> bool:
        return self.right is None

    @property
    def others(self) -> list[Profile]:
        return self.left if self.right is None else self.right

    def solve(
        self,
        *,
        pinned: Iterable[tuple[str, str]] = (),
        forbidden: Iterable[tuple[str, str]] = (),
        forbidden_keys: Iterable[tuple[str, str]] = (),
        method: str = "flow",
        min_score: float = 0.0,
        objective: str = "total",
        min_fit: float = 0.0,
    ) -> Matching:
        """The best pairing of the candidates (see `match` for the arguments).

        `forbidden` (school pairs) and `forbidden_keys` (profile-key pairs) are ruled out on top of
        what the cohort was built with; a pinned pair is kept and its schools' places used.
        """
        if objective not in OBJECTIVES:
            raise MatchingError(f"unknown objective {objective!r} (one of {', '.join(OBJECTIVES)})")
        left, others, one_pool = self.left, self.others, self.one_pool
        by_key = {p.key: p for p in (left if self.right is None else left + self.right)}
        left_index = {p.key: i for i, p in enumerate(left)}
        right_index = left_index if one_pool else {p.key: i for i, p in enumerate(others)}
        left_caps = np.array([p.capacity for p in left], dtype=np.int64)
        right_caps = left_caps if one_pool else np.array([p.capacity for p in others], dtype=np.int64)
        schools = self.forbidden | frozenset(forbidden)
        rules = self.rules.with_forbidden(forbidden_keys)

        fixed: list[Pair] = []
        taken: list[tuple[int, int]] = []
        for x, y in pinned:
            if x not in left_index or y not in right_index:
                x, y = y, x
            if x not in left_index or y not in right_index:
                raise MatchingError(f"pinned pair {x!r}–{y!r} is not in this cohort")
            verdict = score_pair(
                by_key[x], by_key[y], when=self.when, one_pool=one_pool, forbidden=schools, rules=rules
            )
            if verdict.refusal:
                raise MatchingError(f"pinned pair {x!r}–{y!r} is not allowed ({verdict.refusal})")
            fixed.append(Pair(x, y, verdict.score, pinned=True))
            taken.append((left_index[x], right_index[y]))
            left_caps[left_index[x]] -= 1
            right_caps[right_index[y]] -= 1
        if (left_caps < 0).any() or (right_caps < 0).any():
            raise MatchingError("more pinned pairs than a school's capacity")

        tails, heads, scores = self.tails, self.heads, self.scores
        keep = scores >= min_score if min_score > 0 else np.ones(len(scores), dtype=bool)
        ruled_out = set(taken) | {(j, i) for i, j in taken} if one_pool else set(taken)
        # One twinning per school pair: a pin takes its two schools' every other pair out too.
        pinned_schools = {(by_key[p.left].school, by_key[p.right].school) for p in fixed}
        for x, y in (schools - self.forbidden) | pinned_schools:
            ruled_out |= self._positions_of_schools(x, y)
        for x, y in forbidden_keys:
            for a, b in ((x, y), (y, x)):
                if a in left_index and b in right_index:
                    ruled_out.add((left_index[a], right_index[b]))
        if ruled_out:
            width = len(others)
            codes = np.array([i * width + j for i, j in ruled_out], dtype=np.int64)
            keep &= ~np.isin(tails * width + heads, codes)
        tails, heads, scores = tails[keep], heads[keep], scores[keep]

        plain = self._solve(tails, heads, scores, left_caps, right_caps, method=method, cover=False)
        chosen, upper_bound, fairness = plain[0], plain[1], None
        if objective == "maximin" or min_fit > 0:
            chosen, upper_bound, fairness = self._fair(
                tails, heads, scores, left_caps, right_caps, plain, fixed, method=method, min_fit=min_fit
            )

        pairs = fixed + [
            Pair(left[t].key, others[h].key, float(s))
            for t, h, s in zip(tails[chosen].tolist(), heads[chosen].tolist(), scores[chosen].tolist(), strict=True)
        ]
        if upper_bound is not None:
            upper_bound += sum(p.score for p in fixed)
        used = {key for pair in pairs for key in (pair.left, pair.right)}
        everyone = left if self.right is None else left + self.right
        unmatched = [p.key for p in everyone if p.capacity > 0 and p.key not in used]
        return Matching(
            pairs=pairs, candidates=len(scores), upper_bound=upper_bound, unmatched=unmatched, fairness=fairness
        )

    def _positions_of_schools(self, x: str, y: str) -> set[tuple[int, int]]:
        rows = {i for i, p in enumerate(self.left) if p.school in (x, y)}
        cols = {j for j, p in enumerate(self.others) if p.school in (x, y)}
        return {
            (i, j)
            for i in rows
            for j in cols
            if {self.left[i].school, self.others[j].school} == {x, y} and self.left[i].school != self.others[j].school
        }

    def _solve(
        self,
        tails: Indices,
        heads: Indices,
        scores: Scores,
        left_caps: Indices,
        right_caps: Indices,
        *,
        method: str,
        cover: bool,
    ) -> tuple[npt.NDArray[np.bool_], float | None]:
        """Chosen edges, and in one pool the relaxation's bound."""
        if method == "greedy":
            if self.one_pool:
                return greedy(tails, heads, scores, left_caps), None
            return greedy(tails, heads, scores, left_caps, right_caps), None
        if not self.one_pool:
            return _flow(tails, heads, scores, left_caps, right_caps, cover=cover) > 0, None
        # Double cover: every edge both ways, each school once as a tail and once as a head.
        both_t, both_h = np.concatenate([tails, heads]), np.concatenate([heads, tails])
        flows = _flow(both_t, both_h, np.concatenate([scores, scores]), left_caps, left_caps, cover=cover)
        upper_bound = float((flows * np.concatenate([scores, scores])).sum() / 2)
        forward, backward = flows[: len(tails)] > 0, flows[len(tails) :] > 0
        chosen = forward & backward
        residual = (
            left_caps
            - np.bincount(tails[chosen], minlength=len(left_caps))
            - np.bincount(heads[chosen], minlength=len(left_caps))
        )
        rest = ~chosen
        rest_chosen = greedy(tails[rest], heads[rest], scores[rest], residual)
        chosen[np.flatnonzero(rest)[rest_chosen]] = True
        return chosen, (None if cover else upper_bound)

    def _fair(
        self,
        tails: Indices,
        heads: Indices,
        scores: Scores,
        left_caps: Indices,
        right_caps: Indices,
        plain: tuple[npt.NDArray[np.bool_], float | None],
        fixed: list[Pair],
        *,
        method: str,
        min_fit: float,
    ) -> tuple[npt.NDArray[np.bool_], float | None, Fairness]:
        """The fair choice of edges, and what it cost and gained against the plain one.

        "maximin": the highest threshold such that, using only pairs at or above it, as many
        schools get a partner as in the plain result; then the most total fit. `min_fit`: that
        threshold is given (a guaranteed fit for every pair), and as many schools as possible are
        matched at it. Thresholds are found by bisection over the candidates' scores, each step
        one solve; a threshold that cannot match as many schools is never kept, so the maximin
        result's worst fit is at least the plain result's.
        """

        left, others = self.left, self.others
        pinned_keys = {key for p in fixed for key in (p.left, p.right)}

        def summary(chosen: npt.NDArray[np.bool_]) -> tuple[float, float, int]:
            picked = [float(v) for v in scores[chosen]] + [p.score for p in fixed]
            keys = {left[t].key for t in tails[chosen].tolist()} | {others[h].key for h in heads[chosen].tolist()}
            return sum(picked), min(picked, default=0.0), len(keys | pinned_keys)

        plain_total, plain_worst, plain_matched = summary(plain[0])

        def attempt(threshold: float) -> tuple[npt.NDArray[np.bool_], float | None]:
            keep = scores >= threshold
            chosen, bound = self._solve(
                tails[keep], heads[keep], scores[keep], left_caps, right_caps, method=method, cover=True
            )
            full = np.zeros(len(scores), dtype=bool)
            full[np.flatnonzero(keep)[chosen]] = True
            return full, bound

        if min_fit > 0:
            chosen, bound = attempt(min_fit)
            threshold, name = min_fit, "floor"
        else:
            name = "maximin"
            chosen, bound, threshold = plain[0], plain[1], plain_worst
            levels = np.unique(scores[scores > plain_worst])
            low, high = 0, len(levels) - 1
            while low <= high:
                middle = (low + high) // 2
                trial, trial_bound = attempt(float(levels[middle]))
                if summary(trial)[2] >= plain_matched:
                    chosen, bound, threshold = trial, trial_bound, float(levels[middle])
                    low = middle + 1
                else:
                    high = middle - 1
        total, worst, matched = summary(chosen)
        fairness = Fairness(name, threshold, plain_total, plain_worst, plain_matched, total, worst, matched)
        return chosen, bound, fairness


def match(
    left: list[Profile],
    right: list[Profile] | None = None,
    *,
    when: datetime | None = None,
    k: int | None = CANDIDATES,
    pinned: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    rules: Rules = DEFAULT_RULES,
    method: str = "flow",
    min_score: float = 0.0,
    objective: str = "total",
    min_fit: float = 0.0,
    progress: Callable[[float], None] | None = None,
) -> Matching:
    """Pair the schools of a cohort for the highest total score within every school's capacity.

    `right=None` matches one pool (schools of different countries); otherwise left with right.
    `pinned` profile-key pairs are kept whatever their score (if allowed); `forbidden` school pairs
    (declined, already twinned, or forbidden by a coordinator) are never proposed, nor any pair the
    hard `rules` rule out (age gap, other country, forbidden profile keys). `k` is how many
    best candidates per school the solver considers (None: every pair, the exact reference);
    `method="greedy"` gives the best-edge-first baseline instead of the optimum. `progress` is
    called with the share of the scoring done (0–1), for progress bars. Pairs scoring below
    `min_score` are never proposed: without a floor, the optimum fills every school's last place
    with whatever is left, however poor the fit.

    Fairness: `objective="maximin"` makes the worst-off school's fit as high as it can be (with
    as many schools matched as the plain optimum), then maximises the total; `min_fit` instead
    guarantees every pair that fit, matching as many schools as it can. Either way
    `Matching.fairness` says what it cost in total fit and gained for the worst-off school.
    To re-solve after a pin or a forbid without scoring again, use `Cohort.build(...).solve(...)`.
    """
    pinned = list(pinned)
    everyone = left if right is None else left + right
    _check(everyone)
    by_key = {p.key: p for p in everyone}
    # The pinned pairs' schools are kept out of the candidates: their places are already taken.
    schools = frozenset(forbidden) | {
        (by_key[x].school, by_key[y].school) for x, y in pinned if x in by_key and y in by_key
    }
    cohort = Cohort.build(left, right, when=when, k=k, forbidden=schools, rules=rules, progress=progress)
    cohort.forbidden = frozenset(forbidden)
    return cohort.solve(pinned=pinned, method=method, min_score=min_score, objective=objective, min_fit=min_fit)
