"""A programme's report page: this school year against the one before, per country, agreeing with the main
report; its downloads; who reads it (others get 404)."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from twinning.accounts.models import Role
from twinning.common.models import AuditEntry
from twinning.reporting import rules
from twinning.reporting.rules import Scope
from twinning.reporting.tests.conftest import _twinning
from twinning.testing import as_, grant, make_country, make_nso, make_person, make_school, make_teacher

pytestmark = pytest.mark.django_db

KEYS = ("schools", "twinnings", "meetings", "activities", "labels")


@pytest.fixture
def last_year(cast, network):
    """A twinning of the programme in 2025 (Israel and a new British school), and one of the other programme in
    2026 that must not count."""
    fen = make_school(country=cast.uk, name="Fen School")
    fen.programmes.add(network["programme"])
    earlier = _twinning(cast, network["programme"], fen, make_teacher(school=fen, name="Finn Fen"), "Last year", 2025)
    glen = make_school(country=cast.uk, name="Glen School")
    glen.programmes.add(network["other"])
    cast.school_a.programmes.add(network["other"])
    _twinning(cast, network["other"], glen, make_teacher(school=glen, name="Gil Glen"), "Not ours")
    return earlier


def _page(client, person, slug="bridges", query="?school_year=2026", language="en"):
    return as_(client, person, language).get(f"/reports/programmes/{slug}/{query}")


def test_this_year_against_last_per_country(client, cast, network, last_year):
    page = _page(client, network["coordinator"])
    assert page.status_code == 200
    comparison = page.context["comparison"]
    rows = {country.code: (before, now) for country, before, now in comparison.countries}
    assert set(rows) == {"IL", "GB"}
    # 2026: the Israeli school in three twinnings with three British schools; 2025: one twinning, one each.
    assert [(rows["IL"][0][k], rows["IL"][1][k]) for k in ("schools", "twinnings")] == [(1, 1), (1, 3)]
    assert [(rows["GB"][0][k], rows["GB"][1][k]) for k in ("schools", "twinnings")] == [(1, 3), (1, 3)]
    assert (comparison.before["twinnings"], comparison.now["twinnings"]) == (1, 3)
    assert (comparison.before["schools"], comparison.now["schools"]) == (2, 4)
    html = page.content.decode()
    # The charts: one per number, two bars per country (the year before, then this one).
    charts = re.findall(r'<svg class="bar-chart".*?</svg>', html, re.S)
    assert len(charts) == 5
    assert len(re.findall(r'<rect class="bar"', charts[1])) == 4  # twinnings: both years for Israel and Britain
    assert "Not ours" not in html


def test_the_programme_page_agrees_with_the_main_report(client, cast, network, last_year):
    """The same counts, from the same queries, for every reader who sees both (all countries, or their NSO's)."""
    programme = network["programme"]
    for person in (cast.admin, cast.nso_il, network["coordinator"]):
        comparison = _page(client, person).context["comparison"]
        for year in (2026, 2025):
            report = as_(client, person).get(f"/reports/?school_year={year}&programme={programme.pk}").context["report"]
            ours = {
                country.code: {k: (now if year == 2026 else before)[k] for k in KEYS}
                for country, before, now in comparison.countries
            }
            theirs = {country.code: {k: counts[k] for k in KEYS} for country, counts in report.by_country}
            assert {code: c for code, c in ours.items() if any(c.values())} == theirs, (person, year)
            total = comparison.now if year == 2026 else comparison.before
            assert {k: total[k] for k in KEYS} == {k: report.total[k] for k in KEYS}, (person, year)
        assert comparison.now["twinnings"] > 0


def test_nso_staff_read_their_own_countries_of_the_programme(client, cast, network, last_year):
    page = _page(client, cast.nso_il)
    assert page.status_code == 200
    assert [country.code for country, _b, _n in page.context["comparison"].countries] == ["IL"]
    assert "United Kingdom" not in page.content.decode()


def test_who_reads_a_programmes_page(client, cast, network, last_year):
    fr_nso = make_nso("fr", "France NSO")
    make_country("FR", "France", nso=fr_nso, time_zone="Europe/Paris")
    nso_fr = make_person(name="Fleur France")
    grant(nso_fr, Role.Kind.NSO_STAFF, nso=fr_nso)
    readers = (network["coordinator"], network["administrator"], cast.nso_il, cast.nso_uk, cast.coordinator, cast.admin)
    for person in readers:
        assert _page(client, person).status_code == 200, person
    outsiders = (network["stranger"], network["stranger_admin"], nso_fr, cast.teacher_a.user, cast.principal_a)
    for person in outsiders:
        for url in ("", "export.csv", "export.xlsx"):
            assert as_(client, person).get(f"/reports/programmes/bridges/{url}").status_code == 404, (person, url)
    assert _page(client, cast.admin, slug="nowhere").status_code == 404
    client.logout()
    assert client.get("/reports/programmes/bridges/").status_code == 302
    # The main report links each reader to the programmes they read.
    links = as_(client, network["coordinator"]).get("/reports/").context["programme_pages"]
    assert [p.slug for p in links] == ["bridges"]
    assert [p.slug for p in as_(client, nso_fr).get("/reports/").context["programme_pages"]] == []


def test_a_school_year_not_in_the_list_is_refused_in_words(client, cast, network):
    page = _page(client, network["coordinator"], query="?school_year=1999")
    assert page.status_code == 400
    assert page.context["form"].errors == {"school_year": ["Choose a school year from the list."]}
    download = as_(client, network["coordinator"]).get("/reports/programmes/bridges/export.csv?school_year=1999")
    assert download.status_code == 400
    assert download.content.decode() == "Choose a school year from the list."


def test_the_downloads_carry_the_pages_figures_in_the_readers_language(client, cast, network, last_year):
    response = as_(client, network["coordinator"]).get("/reports/programmes/bridges/export.csv?school_year=2026")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Country", "Number", "2025–2026", "2026–2027", "Change"]
    assert ["Israel", "Twinnings", "1", "3", "2"] in rows
    assert ["United Kingdom", "Schools", "1", "3", "2"] in rows
    assert ["All (each counted once)", "Schools", "2", "4", "2"] in rows
    workbook = as_(client, network["coordinator"], "he").get("/reports/programmes/bridges/export.xlsx?school_year=2026")
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft is True
    assert sheet["A1"].value == "מדינה"
    assert [cell.value for cell in sheet[2]][1:] == ["בתי ספר", 1, 1, 0]
    downloads = AuditEntry.objects.filter(action="report.downloaded")
    assert downloads.count() == 2
    assert downloads.first().data["programme"] == network["programme"].pk


def test_the_programme_page_reads_as_many_rows_for_two_countries_as_for_three(client, cast, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from twinning.reporting.services import refresh_kept_reports

    reader = as_(client, network["coordinator"])
    reader.get("/reports/programmes/bridges/?school_year=2026")
    with CaptureQueriesContext(connection) as two:
        before = reader.get("/reports/programmes/bridges/?school_year=2026")
    france = make_country("FR", "France", nso=make_nso("fr", "France NSO"), time_zone="Europe/Paris")
    network["programme"].countries.add(france)
    lycee = make_school(country=france, name="Lycée Molière")
    lycee.programmes.add(network["programme"])
    _twinning(cast, network["programme"], lycee, make_teacher(school=lycee, name="Léa Molière"), "Bonjour")
    refresh_kept_reports()  # the job counts again
    with CaptureQueriesContext(connection) as three:
        after = reader.get("/reports/programmes/bridges/?school_year=2026")
    assert (len(before.context["comparison"].countries), len(after.context["comparison"].countries)) == (2, 3)
    assert len(three) == len(two)


def test_a_programme_reaching_a_country_through_its_member_schools_only(cast, network):
    """A programme that names no country of an NSO but has member schools there is reported to the NSO's staff,
    once however many of its schools are there; before its first school there, it is not."""
    fr_nso = make_nso("fr", "France NSO")
    france = make_country("FR", "France", nso=fr_nso, time_zone="Europe/Paris")
    staff = make_person(name="Fleur France")
    grant(staff, Role.Kind.NSO_STAFF, nso=fr_nso)
    programme = network["programme"]
    assert not programme.countries.filter(pk="FR").exists()
    assert list(rules.programmes_reported_to(staff)) == []
    assert rules.programme_report_scope(staff, programme) is None
    for name in ("Lycée Un", "Lycée Deux", "Lycée Trois"):
        make_school(country=france, name=name).programmes.add(programme)
    assert [p.slug for p in rules.programmes_reported_to(staff)] == ["bridges"]
    assert rules.programme_report_scope(staff, programme) == Scope(nso_ids=frozenset({fr_nso.pk}))
