"""A school calendar's changes, each posted to its own address by the school's people only."""

from twinning.common.models import AuditEntry
from twinning.meetings.models import CalendarSettings, Closure, Term
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


HOURS = {f"start_{d}": "08:45" for d in range(1, 6)} | {f"end_{d}": "15:15" for d in range(1, 6)}


def test_calendar_region_and_festivals_are_saved_and_a_foreign_region_refused_in_hebrew(client, cast):
    editor = as_(client, cast.teacher_b.user, "he")
    base = f"/schools/{cast.school_b.pk}/calendar/"
    page = editor.get(base).content.decode()
    # Not set yet: the page says so, with the choices.
    assert 'data-testid="region-missing"' in page and "England (ENG)" in page
    refused = editor.post(f"{base}hours/", {**HOURS, "subdivision": "BY"})
    [error] = refused.context["timetable"].errors["subdivision"]
    assert error == (
        "\u2068BY\u2069 אינו אזור של United Kingdom. אפשר לבחור אחד מאלה: \u2068England (ENG), Northern Ireland (NIR), "
        "Scotland (SCT), Wales (WLS)\u2069."
    )
    assert 'value="08:45"' in refused.content.decode()  # what was typed is kept
    assert not CalendarSettings.objects.exists()
    saved = editor.post(f"{base}hours/", {**HOURS, "subdivision": "SCT", "keeps": ["muslim"]})
    assert saved.status_code == 302
    settings = CalendarSettings.objects.get(school=cast.school_b)
    assert (settings.subdivision, settings.festivals) == ("SCT", ("muslim",))
    page = editor.get(base).content.decode()
    assert 'data-testid="region-missing"' not in page and "Scotland" in page
    assert "עיד אל-פיטר" in page  # the festival among the year's holidays, in Hebrew


def test_calendar_refuses_overlapping_terms_and_a_closure_outside_them_keeping_what_was_typed(client, cast):
    editor = as_(client, cast.teacher_b.user)
    base = f"/schools/{cast.school_b.pk}/calendar/"
    editor.post(f"{base}terms/", TERM)
    overlap = editor.post(
        f"{base}terms/", {"term-name": "Winter", "term-first_day": "2027-03-01", "term-last_day": "2027-04-10"}
    )
    assert overlap.status_code == 200
    assert overlap.context["term_form"].non_field_errors() == [
        "This term overlaps \u2068Spring\u2069 (Jan. 4, 2027 – March 26, 2027). Terms of a school cannot overlap."
    ]
    assert 'value="Winter"' in overlap.content.decode()
    outside = editor.post(
        f"{base}closures/", {**CLOSURE, "closure-first_day": "2027-07-01", "closure-last_day": "2027-07-02"}
    )
    assert "outside every term" in outside.context["closure_form"].non_field_errors()[0]
    assert (Term.objects.count(), Closure.objects.count()) == (1, 0)
