"""small_groups.protect: no part under five is shown, and none can be worked out by subtraction."""

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from twinning.reporting.small_groups import SMALLEST_GROUP, protect


def test_a_group_of_five_is_shown_and_a_group_of_four_is_not():
    shown = protect({("T1", "IL"): 5, ("T2", "GB"): 4, ("T3", "GB"): 1})
    assert shown.everything
    assert shown.twinnings == {"T1"}
    assert shown.countries == {"IL", "GB"}  # Britain: 4 + 1 = 5 answers


def test_a_remainder_under_five_hides_the_smallest_part_shown_as_well():
    # T2's four answers would be the whole less T1: so T1 is hidden too, and the nine are shown together.
    shown = protect({("T1", "IL"): 5, ("T2", "IL"): 4})
    assert shown.twinnings == frozenset()
    assert shown.countries == {"IL"}
    # The same with countries: France's three would be the whole less Israel and Britain; Britain, the smaller,
    # goes with it, and so does its one twinning (else the whole less T1 and T2 would be T3's three).
    shown = protect({("T1", "IL"): 6, ("T2", "GB"): 5, ("T3", "FR"): 3})
    assert (shown.countries, shown.twinnings) == ({"IL"}, {"T1"})


def test_a_country_less_its_twinnings_must_not_leave_a_small_group():
    # Israel (9) less T1 (6, wholly Israeli) would be T2's three Israeli answers.
    shown = protect({("T1", "IL"): 6, ("T2", "IL"): 3, ("T2", "GB"): 3, ("T3", "GB"): 6})
    # Britain less T3 would be T2's three British answers, and Israel less T1 its three Israeli ones: T3 and
    # T1 go; T2, across both countries, cannot be taken from either.
    assert (shown.countries, shown.twinnings) == ({"IL", "GB"}, {"T2"})


def test_fewer_than_five_in_all_shows_nothing():
    assert protect({("T1", "IL"): 4}) == protect({}) == protect({(None, None): 2})
    assert not protect({("T1", "IL"): 4}).everything


def test_answers_without_a_twinning_only_count_with_the_others():
    shown = protect({(None, "IL"): 7, ("T1", "IL"): 5})
    assert shown.twinnings == {"T1"}  # the seven without a twinning are the others, and seven is enough
    assert protect({(None, "IL"): 3, ("T1", "IL"): 5}).twinnings == frozenset()


cells = st.dictionaries(
    st.tuples(st.sampled_from(["T1", "T2", "T3", "T4", "T5", None]), st.sampled_from(["IL", "GB", "FR", None])),
    st.integers(min_value=0, max_value=12),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_nothing_under_five_can_be_read_or_worked_out(cells):
    """Every part shown has five answers or more; every set of countries whose total can be read, less the
    twinnings shown wholly inside it, leaves none or five or more; so do the countries not shown."""
    shown = protect(cells)
    total = sum(cells.values())
    if not shown.everything:
        assert total < SMALLEST_GROUP and not shown.countries and not shown.twinnings
        return
    per_country, per_twinning, spans = {}, {}, {}
    for (twinning, country), n in cells.items():
        if n:
            per_country[country] = per_country.get(country, 0) + n
            if twinning is not None:
                per_twinning[twinning] = per_twinning.get(twinning, 0) + n
                spans.setdefault(twinning, set()).add(country)
    assert all(per_country[c] >= SMALLEST_GROUP for c in shown.countries)
    assert all(per_twinning[t] >= SMALLEST_GROUP for t in shown.twinnings)
    assert None not in shown.countries
    every = set(per_country)
    known = sorted(shown.countries)
    readable = []
    for size in range(len(known) + 1):
        for part in combinations(known, size):
            readable += [set(part), every - set(part)]
    for chosen in readable:
        left = sum(per_country[c] for c in chosen) - sum(per_twinning[t] for t in shown.twinnings if spans[t] <= chosen)
        assert left == 0 or left >= SMALLEST_GROUP, (chosen, left)
