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

from .profiles import DEFAULT_RULES, Profile, Rules, score_pair
from .scoring import Side, Vocabulary, all_scores, best_partners

SCALE = 1_000_000  # scores become integer costs for the flow solver

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


@dataclass
class Matching:
    pairs: list[Pair]
    candidates: int  # edges the solver considered
    upper_bound: float | None = None  # one pool only: the relaxation's value
    unmatched: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(pair.score for pair in self.pairs)


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
    vocab = Vocabulary.build(everyone, when=when, one_pool=one_pool, rules=rules)
    school_index = {school: i for i, school in enumerate(sorted({p.school for p in everyone}))}
    pairs = {(school_index[x], school_index[y]) for x, y in forbidden if x in school_index and y in school_index}
    rows = Side.build(left, vocab, school_index)
    cols = rows if right is None else Side.build(right, vocab, school_index)
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
        passes = 1 if one_pool else 2

        def report(done: int) -> Callable[[float], None] | None:
            return None if progress is None else (lambda fraction: progress((done + fraction) / passes))

        i, j, s = best_partners(rows, cols, vocab=vocab, k=k, forbidden=pairs, blocked=blocked, progress=report(0))
        if not one_pool:
            flipped: dict[int, list[int]] = {}
            for r, cs in blocked.items():
                for c in cs:
                    flipped.setdefault(c, []).append(r)
            j2, i2, s2 = best_partners(
                cols, rows, vocab=vocab, k=k, forbidden=pairs, blocked=flipped, progress=report(1)
            )
            i, j, s = np.concatenate([i, i2]), np.concatenate([j, j2]), np.concatenate([s, s2])
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


def _flow(tails: Indices, heads: Indices, scores: Scores, left_caps: Indices, right_caps: Indices) -> Indices:
    """Flow on each edge of a maximum-weight bipartite b-matching (0 or 1)."""
    n_left, n_right = len(left_caps), len(right_caps)
    source, sink = n_left + n_right, n_left + n_right + 1
    supply = int(min(left_caps.sum(), right_caps.sum()))
    flow = min_cost_flow.SimpleMinCostFlow()
    left_nodes, right_nodes = np.arange(n_left), np.arange(n_left, n_left + n_right)
    tail = np.concatenate([tails, np.full(n_left, source), right_nodes, [source]]).astype(np.int32)
    head = np.concatenate([heads + n_left, left_nodes, np.full(n_right, sink), [sink]]).astype(np.int32)
    capacity = np.concatenate([np.ones(len(tails)), left_caps, right_caps, [supply]]).astype(np.int64)
    cost = np.concatenate([-np.rint(scores * SCALE), np.zeros(n_left + n_right + 1)]).astype(np.int64)
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


def match(
    left: list[Profile],
    right: list[Profile] | None = None,
    *,
    when: datetime | None = None,
    k: int | None = 12,
    pinned: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    rules: Rules = DEFAULT_RULES,
    method: str = "flow",
    min_score: float = 0.0,
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
    """
    when = when or datetime.now(UTC)
    one_pool = right is None
    # The column side: in one pool, the same schools as the rows.
    others = left if right is None else right
    everyone = left if right is None else left + right
    _check(everyone)
    by_key = {p.key: p for p in everyone}
    left_index = {p.key: i for i, p in enumerate(left)}
    right_index = left_index if one_pool else {p.key: i for i, p in enumerate(others)}
    left_caps = np.array([p.capacity for p in left], dtype=np.int64)
    right_caps = left_caps if one_pool else np.array([p.capacity for p in others], dtype=np.int64)

    forbidden_schools = frozenset(forbidden)
    fixed: list[Pair] = []
    for x, y in pinned:
        if x not in left_index or y not in right_index:
            x, y = y, x
        if x not in left_index or y not in right_index:
            raise MatchingError(f"pinned pair {x!r}–{y!r} is not in this cohort")
        verdict = score_pair(
            by_key[x], by_key[y], when=when, one_pool=one_pool, forbidden=frozenset(forbidden_schools), rules=rules
        )
        if verdict.refusal:
            raise MatchingError(f"pinned pair {x!r}–{y!r} is not allowed ({verdict.refusal})")
        fixed.append(Pair(x, y, verdict.score, pinned=True))
        forbidden_schools |= {(by_key[x].school, by_key[y].school)}
        left_caps[left_index[x]] -= 1
        right_caps[right_index[y]] -= 1
    if (left_caps < 0).any() or (right_caps < 0).any():
        raise MatchingError("more pinned pairs than a school's capacity")

    tails, heads, scores = _edges(
        left, right, when=when, k=k, forbidden=forbidden_schools, rules=rules, progress=progress
    )
    if min_score > 0:
        good = scores >= min_score
        tails, heads, scores = tails[good], heads[good], scores[good]
    upper_bound = None
    if method == "greedy":
        chosen = (
            greedy(tails, heads, scores, left_caps) if one_pool else greedy(tails, heads, scores, left_caps, right_caps)
        )
    elif one_pool:
        # Double cover: every edge both ways, each school once as a tail and once as a head.
        both_t, both_h = np.concatenate([tails, heads]), np.concatenate([heads, tails])
        flows = _flow(both_t, both_h, np.concatenate([scores, scores]), left_caps, left_caps)
        upper_bound = float((flows * np.concatenate([scores, scores])).sum() / 2) + sum(p.score for p in fixed)
        forward, backward = flows[: len(tails)] > 0, flows[len(tails) :] > 0
        chosen = forward & backward
        residual = (
            left_caps
            - np.bincount(tails[chosen], minlength=len(left))
            - np.bincount(heads[chosen], minlength=len(left))
        )
        rest = ~chosen
        rest_chosen = greedy(tails[rest], heads[rest], scores[rest], residual)
        chosen[np.flatnonzero(rest)[rest_chosen]] = True
    else:
        chosen = _flow(tails, heads, scores, left_caps, right_caps) > 0

    pairs = fixed + [
        Pair(left[t].key, others[h].key, float(s))
        for t, h, s in zip(tails[chosen].tolist(), heads[chosen].tolist(), scores[chosen].tolist(), strict=True)
    ]
    used = {key for pair in pairs for key in (pair.left, pair.right)}
    unmatched = [p.key for p in everyone if p.capacity > 0 and p.key not in used]
    return Matching(pairs=pairs, candidates=len(scores), upper_bound=upper_bound, unmatched=unmatched)
