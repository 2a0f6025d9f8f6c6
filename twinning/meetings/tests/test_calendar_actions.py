"""A school calendar's changes, each posted to its own address by the school's people only."""

from twinning.common.models import AuditEntry
from twinning.meetings.models import Closure, Term
from twinning.testing import as_

TERM = {"term-name": "Spring", "term-first_day": "2027-01-04", "term-last_day": "2027-03-26"}
CLOSURE = {"closure-kind": "exams", "closure-first_day": "2027-02-01", "closure-last_day": "2027-02-03"}


def test_calendar_actions_a_term_and_a_closure_are_added_and_removed(client, cast):
    editor = as_(client, cast.teacher_b.user)
    base = f"/schools/{cast.school_b.pk}/calendar/"
    assert editor.post(f"{base}terms/", TERM).url == base
    assert editor.post(f"{base}closures/", CLOSURE).url == base
    term, closure = Term.objects.get(school=cast.school_b), Closure.objects.get(school=cast.school_b)
    page = editor.get(base).content.decode()
    assert page.count('data-testid="term"') == 1 and page.count('data-testid="closure"') == 1
    assert f'action="{base}terms/remove/"' in page and f'action="{base}closures/remove/"' in page
    assert editor.post(f"{base}terms/remove/", {"entry": term.pk}).url == base
    assert editor.post(f"{base}closures/remove/", {"entry": closure.pk}).url == base
    assert (Term.objects.count(), Closure.objects.count()) == (0, 0)
    assert AuditEntry.objects.filter(action="calendar.entry_removed").count() == 2


def test_calendar_actions_refuse_people_of_other_schools_and_other_schools_entries(client, cast):
    as_(client, cast.teacher_b.user).post(f"/schools/{cast.school_b.pk}/calendar/terms/", TERM)
    term = Term.objects.get()
    outsider = as_(client, cast.teacher_a.user)
    for path in ("hours/", "terms/", "closures/", "terms/remove/", "closures/remove/"):
        response = outsider.post(f"/schools/{cast.school_b.pk}/calendar/{path}", {"entry": term.pk, **TERM})
        assert response.status_code == 404, path
    # A term of school B named on school A's address is not removed.
    outsider.post(f"/schools/{cast.school_a.pk}/calendar/terms/remove/", {"entry": term.pk})
    assert Term.objects.count() == 1
    assert outsider.get(f"/schools/{cast.school_b.pk}/calendar/terms/").status_code == 405
