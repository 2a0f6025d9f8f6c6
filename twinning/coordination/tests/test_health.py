"""Health states judged on constructed timelines, with the clock given."""

from datetime import UTC, datetime, timedelta

from twinning.coordination.health import ATTENTION, CLOSED, SILENT, THRIVING, Facts, Policy, judge, reply_gaps

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def facts(**changes) -> Facts:
    values = {
        "open": True,
        "began": days_ago(30),
        "last_activity": {1: days_ago(1), 2: days_ago(2)},
        "next_meeting": NOW + timedelta(days=3),
    }
    return Facts(**(values | changes))


def test_both_schools_active_with_a_meeting_coming_is_thriving():
    health = judge(facts(), NOW)
    assert (health.state, health.reasons, health.silent_days, health.quietest) == (THRIVING, (), {1: 1, 2: 2}, 2)


def test_one_school_quiet_for_half_the_limit_needs_attention_and_past_it_is_silent():
    assert judge(facts(last_activity={1: days_ago(1), 2: days_ago(7)}), NOW).state == ATTENTION
    silent = judge(facts(last_activity={1: days_ago(1), 2: days_ago(14)}), NOW)
    assert (silent.state, silent.reasons, silent.quietest) == (SILENT, ("silent",), 2)


def test_a_school_that_never_shared_anything_is_silent_since_the_twinning_began():
    health = judge(facts(began=days_ago(20), last_activity={1: days_ago(1), 2: None}), NOW)
    assert (health.state, health.silent_days[2]) == (SILENT, 20)


def test_the_programmes_own_limit_applies():
    quiet = facts(last_activity={1: days_ago(1), 2: days_ago(10)})
    assert judge(quiet, NOW, Policy(remind_after=30, alert_after=60)).state == THRIVING
    assert judge(quiet, NOW, Policy(remind_after=10, alert_after=20)).state == SILENT


def test_overdue_steps_posts_to_moderate_slow_answers_and_no_meeting_each_need_attention():
    assert judge(facts(overdue=2), NOW).reasons == ("overdue",)
    assert judge(facts(pending=1), NOW).reasons == ("pending",)
    slow = judge(facts(reply_gaps=[timedelta(days=8), timedelta(days=9), timedelta(days=1)]), NOW)
    assert (slow.reasons, slow.median_reply_hours) == (("slow_replies",), 192.0)
    lonely = judge(facts(began=days_ago(61), next_meeting=None), NOW)
    assert (lonely.state, lonely.reasons) == (ATTENTION, ("no_meeting",))
    assert judge(facts(began=days_ago(59), next_meeting=None), NOW).state == THRIVING


def test_a_closed_twinning_is_closed_whatever_its_silence():
    assert judge(facts(open=False, last_activity={1: days_ago(200), 2: None}), NOW).state == CLOSED


def test_reply_gaps_count_only_one_school_answering_another_in_the_same_thread():
    posts = [
        (1, 10, days_ago(5)),
        (1, 10, days_ago(4.5)),  # the same school again: not an answer
        (1, 20, days_ago(4)),  # school 20 answers after 12 hours
        (2, 10, days_ago(3)),  # another thread starts: not an answer
        (2, 20, days_ago(1)),  # answered after 2 days
        (2, None, days_ago(0.5)),  # a post with no school (a visitor): not counted
    ]
    assert reply_gaps(posts) == [timedelta(hours=12), timedelta(days=2)]
