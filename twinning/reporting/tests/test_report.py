"""The reports through the client: numbers against a network counted by hand, scoping, downloads, direction."""

import csv
import io
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Role, User
from twinning.accounts.pupils import create_pupils
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.recognition.models import Label
from twinning.reporting import queries, services
from twinning.reporting.models import EVERY_COUNTRY, EVERY_PROGRAMME, EVERY_YEAR, KeptReport
from twinning.reporting.rules import Scope, report_scope
from twinning.schools.models import Programme, ValidationStatus
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Membership
from twinning.workspace.models import Activity

pytestmark = pytest.mark.django_db

KEYS = ("schools", "teachers", "pupils", "twinnings", "meetings", "attendance", "activities", "labels")


def counts(*values: int) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


def twin(cast, home, away, *, year: int, programme=None, by, partner):
    """A twinning proposed by `by` (of `home`) and accepted by `partner` (of `away`), approved by the coordinator."""
    twinning = twinning_services.propose_twinning(
        from_school=home, to_schools=[away], by=by, school_year=year, programme=programme, titles={"en": "T"}
    )
    twinning_services.answer_invitation(
        twinning=twinning, row=twinning.schools.get(school=away), by=partner, accept=True
    )
    twinning_services.approve_twinning(twinning=twinning, by=cast.coordinator)
    return twinning


def pupils(twinning, school, teacher, names):
    made = [pupil for pupil, _password in create_pupils(school=school, by=teacher, names=names)]
    twinning_services.add_pupils(twinning=twinning, row=twinning.schools.get(school=school), pupils=made, by=teacher)
    return made


def meeting(twinning, status, attendance: dict):
    start = timezone.now() - timedelta(days=20)
    held = Meeting.objects.create(
        twinning=twinning, title="Mifgash", starts_at=start, ends_at=start + timedelta(minutes=45), status=status
    )
    for school, present in attendance.items():
        MeetingSchool.objects.create(meeting=held, school=school, answer="accepted", pupils_present=present)


def activity(twinning, status):
    Activity.objects.create(twinning=twinning, title="Letters", starts_on=timezone.localdate(), status=status)


@pytest.fixture
def network(cast):
    """Two countries (Israel: Reali, Galil; United Kingdom: King David, Leeds), two programmes, five twinnings.

    T1  2025 Bridges  Reali + King David   closed after approval. Pupils: Reali 2 (Noa, Eli), King David 1 (Tom).
        Meetings: one held (Reali 20 pupils, King David 15), one cancelled. Activities: 2 done, 1 planned.
    T2  2026 Bridges  Reali + Leeds        active. Teachers: Dana (contact), Avi (a second Reali teacher who then
        leaves the school: still counted), Leeds' teacher; a teacher waiting for validation (not counted).
        Pupils: Reali Noa (again), Maya, and Dan who is removed (not counted). One meeting held (Reali 10,
        Leeds 12), one confirmed ahead (not counted). Activities: 1 done, 1 under way.
    T3  2026 Voices   Galil + King David   approved. No pupils, no meeting. Activities: 1 done.
    T4  2026 Voices   Galil → Leeds        declined by Leeds: not counted (its done activity neither).
    T5  2026 none     Reali → King David   closed before anyone approved it: not counted (nor its activity).
    Labels: national ones for Dana and Sarah (T1) and for Dana (T2) count; Dana's international label (T1)
    and Reali's school label do not (the column counts National Quality Labels).
    """
    bridges = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים"})
    voices = Programme.objects.create(slug="voices", names={"en": "Voices"})
    galil = testing.make_school(country=cast.israel, name="Galil School")
    leeds = testing.make_school(country=cast.uk, name="Leeds School")
    teacher_c = testing.make_teacher(school=galil, name="Rami Galil")
    teacher_d = testing.make_teacher(school=leeds, name="Jo Leeds")
    avi = testing.make_teacher(school=cast.school_a, name="Avi Second")
    dana, sarah = cast.teacher_a.user, cast.teacher_b.user
    # A programme pairs its member schools only.
    for school in (cast.school_a, cast.school_b, leeds):
        school.programmes.add(bridges)
    for school in (galil, cast.school_b, leeds):
        school.programmes.add(voices)

    t1 = twin(cast, cast.school_a, cast.school_b, year=2025, programme=bridges, by=dana, partner=sarah)
    twinning_services.start_twinning(twinning=t1, by=dana)
    noa, _eli = pupils(t1, cast.school_a, dana, ["Noa L.", "Eli K."])
    pupils(t1, cast.school_b, sarah, ["Tom B."])
    meeting(t1, Meeting.Status.HELD, {cast.school_a: 20, cast.school_b: 15})
    meeting(t1, Meeting.Status.CANCELLED, {cast.school_a: None, cast.school_b: None})
    for status in ("done", "done", "planned"):
        activity(t1, status)
    twinning_services.close_twinning(twinning=t1, by=cast.coordinator, reason="End of the year")
    for kind, school, teacher in (
        ("national", cast.school_a, dana),
        ("national", cast.school_b, sarah),
        ("international", cast.school_a, dana),
    ):
        Label.objects.create(kind=kind, school_year=2025, school=school, teacher=teacher, twinning=t1, score=30)
    Label.objects.create(kind="school", school_year=2025, school=cast.school_a)

    t2 = twin(cast, cast.school_a, leeds, year=2026, programme=bridges, by=dana, partner=teacher_d.user)
    twinning_services.start_twinning(twinning=t2, by=dana)
    Membership.objects.create(twinning=t2, user=avi.user, school=cast.school_a, role=Membership.Role.TEACHER)
    Membership.objects.create(
        twinning=t2, user=cast.pending_il.user, school=cast.school_a, role=Membership.Role.TEACHER
    )
    twinning_services.teacher_leaves(teacher=avi, by=cast.principal_a)
    twinning_services.add_pupils(twinning=t2, row=t2.schools.get(school=cast.school_a), pupils=[noa], by=dana)
    _maya, dan = pupils(t2, cast.school_a, dana, ["Maya R.", "Dan S."])
    twinning_services.remove_pupil(twinning=t2, row=t2.schools.get(school=cast.school_a), pupil_user=dan.user, by=dana)
    meeting(t2, Meeting.Status.HELD, {cast.school_a: 10, leeds: 12})
    meeting(t2, Meeting.Status.CONFIRMED, {cast.school_a: None, leeds: None})
    activity(t2, "done")
    activity(t2, "under_way")
    Label.objects.create(kind="national", school_year=2026, school=cast.school_a, teacher=dana, twinning=t2, score=28)

    t3 = twin(cast, galil, cast.school_b, year=2026, programme=voices, by=teacher_c.user, partner=sarah)
    activity(t3, "done")

    t4 = twinning_services.propose_twinning(
        from_school=galil, to_schools=[leeds], by=teacher_c.user, school_year=2026, programme=voices
    )
    twinning_services.answer_invitation(
        twinning=t4, row=t4.schools.get(school=leeds), by=teacher_d.user, accept=False, reason="No time this year"
    )
    activity(t4, "done")

    t5 = twinning_services.propose_twinning(
        from_school=cast.school_a, to_schools=[cast.school_b], by=dana, school_year=2026
    )
    twinning_services.close_twinning(twinning=t5, by=cast.coordinator, reason="Proposed by mistake")
    activity(t5, "done")
    return SimpleNamespace(bridges=bridges, voices=voices, galil=galil, leeds=leeds, t1=t1, t2=t2, t3=t3)


def table_of(page) -> dict[str, dict[str, int]]:
    return {
        f"{line.school_year}/{line.country.code}/{line.programme.slug if line.programme else '-'}": line.counts
        for line in page.context["report"].lines
    }


def test_every_number_matches_the_count_by_hand(client, cast, network):
    page = as_(client, cast.admin).get("/reports/")
    assert page.status_code == 200
    #                                       schools teachers pupils twinnings meetings attendance activities labels
    assert table_of(page) == {
        # T1, Reali: Dana; Noa and Eli; the held meeting (20 pupils), not the cancelled one; 2 done of 3.
        "2025/IL/bridges": counts(1, 1, 2, 1, 1, 20, 2, 1),
        # T1, King David: Sarah; Tom; the same meeting (15 pupils); the same 2 activities.
        "2025/GB/bridges": counts(1, 1, 1, 1, 1, 15, 2, 1),
        # T2, Reali: Dana and Avi (who left since), not the teacher waiting for validation; Noa and Maya, not
        # Dan (removed); the held meeting (10), not the one ahead; 1 done (the one under way is not).
        "2026/IL/bridges": counts(1, 2, 2, 1, 1, 10, 1, 1),
        # T2, Leeds: its teacher; no pupils; the same meeting (12 pupils); the same activity.
        "2026/GB/bridges": counts(1, 1, 0, 1, 1, 12, 1, 0),
        # T3, Galil (T4 was declined): Rami; no pupil, no meeting; 1 done.
        "2026/IL/voices": counts(1, 1, 0, 1, 0, 0, 1, 0),
        # T3, King David: Sarah.
        "2026/GB/voices": counts(1, 1, 0, 1, 0, 0, 1, 0),
        # T5 (closed before approval) has no row at all.
    }
    # Each counted once: schools Reali, King David, Galil, Leeds; teachers Dana, Sarah, Avi, Leeds' teacher, Rami;
    # pupils Noa (in two years), Eli, Tom, Maya; twinnings T1–T3; the two held meetings; 20+15+10+12 pupils
    # present; activities 2 (T1) + 1 (T2) + 1 (T3). The rows add up to more: 6 schools, 7 teachers, 5 pupils…
    assert page.context["report"].total == counts(4, 5, 4, 3, 2, 57, 4, 3)
    assert dict(page.context["report"].by_country) == {
        cast.israel: counts(2, 3, 3, 3, 2, 30, 4, 2),
        cast.uk: counts(2, 2, 1, 3, 2, 27, 4, 1),
    }
    assert dict(page.context["report"].by_year) == {
        2025: counts(2, 2, 3, 1, 1, 35, 2, 2),
        2026: counts(4, 5, 2, 2, 1, 22, 2, 1),
    }
    html = page.content.decode()
    assert re.findall(r'data-testid="report-total">.*?</tr>', html, re.S)[0].count("<td") == 8


def test_filters_narrow_the_counts(client, cast, network):
    admin = as_(client, cast.admin)
    page = admin.get("/reports/", {"school_year": 2026, "programme": network.bridges.pk})
    assert sorted(table_of(page)) == ["2026/GB/bridges", "2026/IL/bridges"]
    assert page.context["report"].total == counts(2, 3, 2, 1, 1, 22, 1, 1)
    # The trend keeps every school year, for the country and programme chosen.
    assert [year for year, _counts in page.context["report"].by_year] == [2025, 2026]
    page = admin.get("/reports/", {"country": "GB", "programme": "0"})  # twinnings of no programme: none counted
    assert (table_of(page), page.context["report"].total) == ({}, counts(0, 0, 0, 0, 0, 0, 0, 0))
    page = admin.get("/reports/", {"country": "IL", "school_year": 2025})
    assert table_of(page) == {"2025/IL/bridges": counts(1, 1, 2, 1, 1, 20, 2, 1)}


@pytest.mark.parametrize(
    "query", ["school_year=abc", "school_year=1999", "programme=x", "programme=99999", "country=ZZ"]
)
def test_bad_filters_are_a_form_error_not_a_server_error(client, cast, network, query):
    admin = as_(client, cast.admin)
    page = admin.get(f"/reports/?{query}")
    assert page.status_code == 400
    assert page.context["report"] is None
    assert page.context["form"].errors
    assert admin.get(f"/reports/export.csv?{query}").status_code == 400
    assert admin.get(f"/reports/export.xlsx?{query}").status_code == 400


def test_the_uk_nso_sees_only_its_own_schools(client, cast, network):
    uk = as_(client, cast.nso_uk)
    page = uk.get("/reports/")
    assert page.status_code == 200
    assert table_of(page) == {
        "2025/GB/bridges": counts(1, 1, 1, 1, 1, 15, 2, 1),
        "2026/GB/bridges": counts(1, 1, 0, 1, 1, 12, 1, 0),
        "2026/GB/voices": counts(1, 1, 0, 1, 0, 0, 1, 0),
    }
    # The twinnings with Israeli partners count, with the British schools, people and attendance only.
    assert page.context["report"].total == counts(2, 2, 1, 3, 2, 27, 4, 1)
    assert [country.code for country, _counts in page.context["report"].by_country] == ["GB"]
    html = page.content.decode()
    for leak in ("Israel", "Reali", "Galil", ">20<", ">30<", ">57<"):
        assert leak not in html
    assert [code for code, _name in page.context["form"].fields["country"].choices] == ["", "GB"]
    # Asking for Israel in the address is refused, in the page and in both downloads.
    for url in ("/reports/", "/reports/export.csv", "/reports/export.xlsx"):
        response = uk.get(url, {"country": "IL"})
        assert response.status_code == 400
        assert b"Israel" not in response.content
    assert "Israel" not in "".join(",".join(map(str, row)) for row in read_csv(uk.get("/reports/export.csv")))
    sheet = openpyxl.load_workbook(io.BytesIO(uk.get("/reports/export.xlsx").content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Israel" not in values and 57 not in values and 20 not in values


def test_an_israeli_coordinator_and_a_programme_coordinator_see_their_own_scope(client, cast, network):
    page = as_(client, cast.coordinator).get("/reports/")
    assert sorted(table_of(page)) == ["2025/IL/bridges", "2026/IL/bridges", "2026/IL/voices"]
    voices = testing.make_person(name="Voices Coordinator")
    testing.grant(voices, Role.Kind.COORDINATOR, programme=network.voices)
    page = as_(client, voices).get("/reports/")
    assert table_of(page) == {
        "2026/GB/voices": counts(1, 1, 0, 1, 0, 0, 1, 0),
        "2026/IL/voices": counts(1, 1, 0, 1, 0, 0, 1, 0),
    }
    assert as_(client, voices).get("/reports/", {"programme": network.bridges.pk}).status_code == 400


def test_teachers_pupils_and_principals_get_404(client, cast, network):
    pupil = Membership.objects.filter(role="pupil").select_related("user").first().user
    for person in (cast.teacher_a.user, cast.teacher_b.user, cast.principal_a, pupil):
        for url in ("/reports/", "/reports/export.csv", "/reports/export.xlsx"):
            assert as_(client, person).get(url).status_code == 404
    client.logout()
    assert client.get("/reports/").status_code == 302  # to the sign-in page


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_and_xlsx_downloads_in_hebrew(client, cast, network):
    """Headers in the reader's language (those the Hebrew catalogue already has), names in it too, sheet RTL."""
    response = as_(client, cast.admin, "he").get("/reports/export.csv", {"school_year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="twinning-report-')
    rows = read_csv(response)
    assert rows[0][1:6] == ["מדינה", "תוכנית", "בתי ספר", "מורים", "תלמידים"]
    assert rows[1:-1] == [
        ["2025–2026", "Israel", "גשרים", "1", "1", "2", "1", "1", "20", "2", "1"],
        ["2025–2026", "United Kingdom", "גשרים", "1", "1", "1", "1", "1", "15", "2", "1"],
    ]
    assert rows[-1][1:] == ["", "", "2", "2", "3", "1", "1", "35", "2", "2"]

    response = client.get("/reports/export.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft is True
    assert [c.value for c in sheet[1]][1:6] == ["מדינה", "תוכנית", "בתי ספר", "מורים", "תלמידים"]
    assert [c.value for c in sheet[2]] == ["2025–2026", "Israel", "גשרים", 1, 1, 2, 1, 1, 20, 2, 1]
    assert [c.value for c in sheet[sheet.max_row]][3:] == [4, 5, 4, 3, 2, 57, 4, 3]
    assert len(book.worksheets) == 2  # the second says what each number means
    assert book.worksheets[1].sheet_view.rightToLeft is True

    english = openpyxl.load_workbook(io.BytesIO(as_(client, cast.admin, "en").get("/reports/export.xlsx").content))
    assert not english.worksheets[0].sheet_view.rightToLeft
    assert [c.value for c in english.worksheets[0][1]][:4] == ["School year", "Country", "Programme", "Schools"]


def test_names_that_look_like_formulas_are_written_as_text(client, cast, network):
    network.bridges.names = {"en": '=HYPERLINK("http://evil.example","Bridges")'}
    network.bridges.save(update_fields=["names"])
    network.voices.names = {"en": "@SUM(1+1)"}
    network.voices.save(update_fields=["names"])
    admin = as_(client, cast.admin)
    names = {row[2] for row in read_csv(admin.get("/reports/export.csv"))[1:-1]}
    assert names == {'\'=HYPERLINK("http://evil.example","Bridges")', "'@SUM(1+1)"}
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get("/reports/export.xlsx").content)).worksheets[0]
    cells = [row[2] for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1)]
    assert {c.value for c in cells} == {'=HYPERLINK("http://evil.example","Bridges")', "@SUM(1+1)"}
    assert {c.data_type for c in cells} == {"s"}  # text, not a formula


def bars(html: str) -> list[tuple[int, int, int]]:
    """(x, width, axis) of every bar drawn."""
    out = []
    for svg in re.findall(r"<svg class=\"bar-chart\".*?</svg>", html, re.S):
        axis = int(re.search(r'data-axis="(\d+)"', svg).group(1))
        for x, width in re.findall(r'<rect class="bar" x="(-?\d+)" y="\d+" width="(\d+)"', svg):
            out.append((int(x), int(width), axis))
    return out


@pytest.mark.parametrize("language", ["he", "ar"])
def test_in_hebrew_and_arabic_the_page_is_right_to_left_and_the_bars_grow_from_the_right(
    client, cast, network, language
):
    html = as_(client, cast.admin, language).get("/reports/").content.decode()
    assert f'lang="{language}" dir="rtl"' in html
    drawn = bars(html)
    assert len(drawn) > 20
    for x, width, axis in drawn:
        assert x + width == axis  # each bar ends on the axis…
    assert {axis for _x, _w, axis in drawn} == {330}  # …which stands on the right (the labels beyond it)
    assert 'direction="rtl"' in html


def test_in_english_the_bars_grow_from_the_left(client, cast, network):
    html = as_(client, cast.admin, "en").get("/reports/").content.decode()
    drawn = bars(html)
    assert drawn and all(x == axis == 150 for x, _width, axis in drawn)
    assert 'lang="en" dir="ltr"' in html
    # Every chart has a title and a text alternative, and no style attribute (the CSP allows none).
    assert html.count('<svg class="bar-chart"') == html.count("<title id=") == html.count("<desc id=") == 16
    assert " style=" not in html


def test_the_report_makes_the_same_queries_for_one_and_three_twinnings(client, cast):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert as_(client, cast.nso_il).get("/reports/").status_code == 200
        return len(captured)

    programme = Programme.objects.create(slug="p", names={"en": "P"})
    first = testing.approved_twinning_with_new_partner(cast, name="Partner 0")
    type(first).objects.filter(pk=first.pk).update(programme=programme)
    count()  # the session's first request also writes the session
    one = count()
    for n in range(1, 3):
        twinning = testing.approved_twinning_with_new_partner(cast, name=f"Partner {n}")
        type(twinning).objects.filter(pk=twinning.pk).update(programme=programme, school_year=2025 + n % 2)
        activity(twinning, "done")
    services.refresh_kept_reports()  # the job counts again
    page = as_(client, cast.nso_il).get("/reports/")
    assert page.context["report"].total["twinnings"] == 3
    assert count() == one
    # A fixed number: the kept report and its cells, the filters' choices, the person, the session (read from
    # the database), the second factor, the idle-time mark and the page's frame. The page counts nothing.
    assert one <= 25


def test_a_validated_school_only_counts(client, cast, network):
    type(network.galil).objects.filter(pk=network.galil.pk).update(status=ValidationStatus.REJECTED)
    page = as_(client, cast.admin).get("/reports/", {"country": "IL", "programme": network.voices.pk})
    assert table_of(page) == {}


# The kept figures ----------------------------------------------------------------------------------


def _same(kept: queries.Report, live: queries.Report) -> None:
    def lines(report):
        return [(x.school_year, x.country.code, x.programme and x.programme.pk, x.counts) for x in report.lines]

    assert lines(kept) == lines(live)
    assert [(c.code, n) for c, n in kept.by_country] == [(c.code, n) for c, n in live.by_country]
    assert kept.by_year == live.by_year
    assert kept.total == live.total


def pairwise(*values: tuple) -> list[tuple]:
    """Combinations of three lists of values in which every pair of values of two of the lists comes together at
    least once, in ``len(first) * len(third)`` rows instead of all of them: the first and the third list are crossed
    whole, and the second list's value turns with both (``(i + k) % len(second)``), so that each of its values
    meets each value of the other two. The second list must be the shortest."""
    first, second, third = values
    if len(second) > min(len(first), len(third)):
        raise ValueError("the second list must be the shortest")
    return [(a, second[(i + k) % len(second)], c) for i, a in enumerate(first) for k, c in enumerate(third)]


def test_pairwise_brings_every_two_values_together():
    rows = pairwise((None, 2025, 2026, 2024), (None, "IL", "GB"), ("all", "none", "b", "v"))
    assert len(rows) == 16 < 4 * 3 * 4
    assert {(year, country) for year, country, _ in rows} == {
        (y, c) for y in (None, 2025, 2026, 2024) for c in (None, "IL", "GB")
    }
    assert len({(year, programme) for year, _, programme in rows}) == 4 * 4
    assert len({(country, programme) for _, country, programme in rows}) == 3 * 4


def test_the_kept_figures_equal_the_live_count_for_every_scope_and_filter(cast, network):
    """Every filter the page, the downloads and the API offer, for the network, an NSO, a programme, and a person
    who is both NSO staff and a programme's coordinator: the kept report is the live count, cell for cell.

    The filters are combined pairwise (each year with each country and each programme, each country with each
    programme, see ``pairwise``) rather than all 48 ways: the live count takes about thirty queries, and a filter
    that the kept report applied wrongly shows in a combination with any of the others."""
    nso_uk = cast.uk.nso_id
    scopes = [
        Scope(everything=True),
        Scope(nso_ids=frozenset({cast.israel.nso_id})),
        Scope(nso_ids=frozenset({nso_uk})),
        Scope(programme_ids=frozenset({network.voices.pk})),
        Scope(programme_ids=frozenset({network.bridges.pk, network.voices.pk})),
        Scope(nso_ids=frozenset({nso_uk}), programme_ids=frozenset({network.bridges.pk})),
    ]
    combinations = pairwise(
        (None, 2025, 2026, 2024),
        (None, "IL", "GB"),
        (None, queries.NO_PROGRAMME, network.bridges.pk, network.voices.pk),
    )
    checked = 0
    for scope in scopes:
        kept = services.refresh_report(scope)
        for year, country, programme in combinations:
            filters = {"school_year": year, "country": country, "programme": programme}
            _same(queries.report_from_kept(kept, **filters), queries.report_for(scope, **filters))
            checked += 1
    assert checked == 6 * 16
    # Not an empty comparison: the network's report has a row per country of each of the three counted twinnings.
    whole = queries.report_from_kept(KeptReport.objects.get(scope="all"))
    assert whole.total["twinnings"] == 3 and len(whole.lines) == 6


def test_on_postgresql_one_query_per_source_by_cube_counts_the_same_cells_as_eight(cast, network):
    """PostgreSQL counts the cells with GROUP BY CUBE, one query per source; the eight queries per source that
    SQLite makes give exactly the same cells on PostgreSQL too, for every kind of scope. A twinning of no programme
    is counted, so that a NULL programme (NO_PROGRAMME) is told from a programme rolled up (EVERY_PROGRAMME)."""
    if connection.vendor != "postgresql":
        pytest.skip("GROUP BY CUBE is PostgreSQL's")
    twin(cast, cast.school_a, cast.school_b, year=2024, by=cast.teacher_a.user, partner=cast.teacher_b.user)
    scopes = [
        Scope(everything=True),
        Scope(nso_ids=frozenset({cast.uk.nso_id})),
        Scope(programme_ids=frozenset({network.voices.pk})),
        Scope(nso_ids=frozenset({cast.israel.nso_id}), programme_ids=frozenset({network.bridges.pk})),
        Scope(),
    ]
    for scope in scopes:
        with CaptureQueriesContext(connection) as by_cube:
            cube = queries.count_cells(scope, by_cube=True)
        with CaptureQueriesContext(connection) as one_by_one:
            eight = queries.count_cells(scope, by_cube=False)
        assert cube == eight, scope
        if scope.everything or scope.nso_ids or scope.programme_ids:
            assert len(by_cube) == 5 and len(one_by_one) == 40
    cells = queries.count_cells(Scope(everything=True))
    assert cells[(2024, "IL", queries.NO_PROGRAMME)]["twinnings"] == 1
    assert cells[(2024, "IL", EVERY_PROGRAMME)]["twinnings"] == 1
    assert cells[(EVERY_YEAR, EVERY_COUNTRY, queries.NO_PROGRAMME)]["twinnings"] == 1
    assert cells[(EVERY_YEAR, EVERY_COUNTRY, EVERY_PROGRAMME)]["twinnings"] == 4
    assert queries.count_cells(Scope()) == {}


def test_a_change_shows_when_the_job_counts_again_and_the_page_says_when(client, cast, network):
    page = as_(client, cast.admin).get("/reports/")
    counted = page.context["report"].refreshed_at
    assert counted is not None and 'data-testid="counted-at"' in page.content.decode()
    assert page.context["report"].total["twinnings"] == 3
    twinning_services.close_twinning(twinning=network.t3, by=cast.coordinator, reason="Moved away")
    network.t3.refresh_from_db()
    # Closed after approval still counts: take an approved twinning out of the count another way.
    type(network.t3).objects.filter(pk=network.t3.pk).update(status="declined")
    assert as_(client, cast.admin).get("/reports/").context["report"].total["twinnings"] == 3  # as counted
    services.refresh_kept_reports()
    again = as_(client, cast.admin).get("/reports/").context["report"]
    assert again.total["twinnings"] == 2 and again.refreshed_at > counted


def test_the_job_keeps_the_scopes_read_lately_and_forgets_the_others(client, cast, network):
    as_(client, cast.nso_il).get("/reports/")
    as_(client, cast.admin).get("/reports/")
    il = Scope(nso_ids=frozenset({cast.israel.nso_id})).key
    assert set(KeptReport.objects.values_list("scope", flat=True)) == {"all", il}
    long_ago = timezone.now() - services.UNREAD_FOR - timedelta(days=1)
    KeptReport.objects.update(read_at=long_ago)
    result = services.refresh_kept_reports()
    assert result == {"refreshed": 1, "unchanged": 0, "forgotten": 1}
    # The whole network is always kept (the filters' school years come from it); the NSO's is counted when read.
    assert set(KeptReport.objects.values_list("scope", flat=True)) == {"all"}
    assert as_(client, cast.nso_il).get("/reports/").context["report"].total["twinnings"] == 3


def test_every_staff_members_scope_is_counted_once_before_their_first_visit(client, cast, network):
    """A network loaded in bulk (its staff's roles written without a visit) has each NSO staff member's and
    coordinator's figures kept at once, equal to the live count; a second call counts nothing; a person who reads
    no report (a teacher) and a closed account have no scope kept."""
    KeptReport.objects.all().delete()
    cast.coordinator.is_active = False
    cast.coordinator.save(update_fields=["is_active"])
    staff = [
        user
        for user in User.objects.filter(roles__kind__in=["nso_staff", "coordinator"], is_active=True).distinct()
        if report_scope(user) is not None
    ]
    expected = {report_scope(user).key for user in staff}
    assert len(expected) >= 2  # more than one NSO's staff in the cast

    assert services.keep_staff_scopes() == len(expected)

    assert set(KeptReport.objects.values_list("scope", flat=True)) == expected
    for kept in KeptReport.objects.all():
        _same(queries.report_from_kept(kept), queries.report_for(Scope.from_key(kept.scope)))
    assert services.keep_staff_scopes() == 0
    with CaptureQueriesContext(connection) as page:
        assert as_(client, cast.nso_il).get("/reports/").status_code == 200
    assert not any("GROUP BY" in query["sql"] and "twinnings_membership" in query["sql"] for query in page)


def test_a_person_given_a_role_that_reads_reports_has_their_figures_counted_by_the_queue(
    cast, network, django_capture_on_commit_callbacks
):
    """Granting NSO staff queues the count of their scope when the grant commits (tests run jobs at once), equal to
    the live count; a scope already kept is not queued again; a role that reads no report queues nothing."""
    from twinning.accounts import services as account_services
    from twinning.common.models import Job

    KeptReport.objects.all().delete()
    newcomer = testing.make_person(name="Noor Newcomer", email="noor@example.org")
    scope = Scope(nso_ids=frozenset({cast.israel.nso_id}))

    with django_capture_on_commit_callbacks(execute=True):
        account_services.grant_role(
            by=cast.admin, person=newcomer, kind="nso_staff", scope=cast.israel.nso, reason="Joins the NSO"
        )

    kept = KeptReport.objects.get(scope=scope.key)
    _same(queries.report_from_kept(kept), queries.report_for(scope))
    assert Job.objects.filter(name="reporting.count_scope").count() == 1

    second = testing.make_person(name="Sami Second", email="sami@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.grant_role(
            by=cast.admin, person=second, kind="nso_staff", scope=cast.israel.nso, reason="Joins the NSO too"
        )
        account_services.grant_role(
            by=cast.nso_il, person=newcomer, kind="principal", scope=cast.school_a, reason="Leads the school"
        )
    assert Job.objects.filter(name="reporting.count_scope").count() == 1  # kept already; a principal reads none


def _state_after_writes(before):
    """The counted tables' state once the statistics show what was just committed (PostgreSQL sends a session's
    counters at most once a second, when it is idle)."""
    for _ in range(50):
        state = queries.source_state("default")
        if state != before:
            return state
        time.sleep(0.2)
    raise AssertionError("the statistics never showed the write")


def _settled():
    """Wait until the statistics show every write made so far: the same state twice, a second and more apart."""
    state = queries.source_state("default")
    for _ in range(10):
        time.sleep(1.2)
        again = queries.source_state("default")
        if again == state:
            return
        state = again
    raise AssertionError("the statistics never settled")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_job_counts_again_only_what_was_written_to(client, cast, network):
    """An idle network costs the job one query: a scope whose counted tables nobody wrote to since its count is not
    counted again. A write to any of them (here a twinning declined) and every scope is counted again, right."""
    if connection.vendor != "postgresql":
        pytest.skip("the statistics of writes are PostgreSQL's; SQLite counts every time")
    as_(client, cast.nso_il).get("/reports/")  # the Israeli NSO's scope, counted for its first reader
    _settled()
    first = services.refresh_kept_reports()
    assert first == {"refreshed": 2, "unchanged": 0, "forgotten": 0}  # a page's count has no state: counted again
    counted = dict(KeptReport.objects.values_list("scope", "refreshed_at"))
    assert services.refresh_kept_reports() == {"refreshed": 0, "unchanged": 2, "forgotten": 0}
    assert dict(KeptReport.objects.values_list("scope", "refreshed_at")) == counted  # still says when counted
    before = queries.source_state("default")
    type(network.t3).objects.filter(pk=network.t3.pk).update(status="declined")
    _state_after_writes(before)
    assert services.refresh_kept_reports() == {"refreshed": 2, "unchanged": 0, "forgotten": 0}
    for key in counted:
        kept = KeptReport.objects.get(scope=key)
        assert kept.refreshed_at > counted[key]
        _same(queries.report_from_kept(kept), queries.report_for(Scope.from_key(key)))
    assert queries.report_from_kept(KeptReport.objects.get(scope="all")).total["twinnings"] == 2


def test_on_sqlite_there_is_no_state_and_the_job_counts_every_time(client, cast, network):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL has the statistics of writes")
    assert queries.source_state("default") is None
    as_(client, cast.admin).get("/reports/")
    assert services.refresh_kept_reports() == {"refreshed": 1, "unchanged": 0, "forgotten": 0}
    assert services.refresh_kept_reports() == {"refreshed": 1, "unchanged": 0, "forgotten": 0}


def test_a_scope_written_as_a_key_reads_back_the_same():
    for scope in (
        Scope(everything=True),
        Scope(nso_ids=frozenset({3, 1})),
        Scope(programme_ids=frozenset({7})),
        Scope(nso_ids=frozenset({2}), programme_ids=frozenset({5, 4})),
        Scope(),
    ):
        assert Scope.from_key(scope.key) == scope
