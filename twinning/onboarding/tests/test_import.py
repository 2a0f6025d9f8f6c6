"""Importing schools and teachers: every kind of problem, the dry run, rights, duplicates, the import."""

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from twinning import testing
from twinning.accounts.models import User
from twinning.common.models import AuditEntry, Job
from twinning.common.search import fold
from twinning.onboarding import reader
from twinning.onboarding.models import ImportFile, Invitation
from twinning.onboarding.tests.conftest import HEADER, csv_bytes, row, upload, xlsx_bytes
from twinning.schools.models import ProgrammeMembership, School, TeacherProfile, ValidationStatus

pytestmark = pytest.mark.django_db


def _send(client, person, data: bytes, *, name="schools.csv", scope: str, language="en"):
    return testing.as_(client, person, language).post(
        "/onboarding/check/", {"scope": scope, "file": upload(data, name)}
    )


def _problems(response) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in response.context["problems"]]


def _nso(net) -> str:
    return f"nso:{net.il_nso.pk}"


def _programme(net) -> str:
    return f"programme:{net.programme.pk}"


def test_normalise_ignores_case_spaces_punctuation_niqqud_tashkeel_and_alef_forms():
    assert reader.normalise("  Al-Amal   SCHOOL ") == reader.normalise("al amal school")
    assert reader.normalise("בֵּית סֵפֶר שָׁלוֹם") == reader.normalise("בית ספר שלום")
    assert reader.normalise("مَدْرَسَة الأَمَل") == reader.normalise("مدرسه الامل")
    assert reader.normalise("إبداع") == reader.normalise("ابداع") == reader.normalise("آبداع".replace("آ", "ا"))
    assert reader.normalise("École Saint-Michel") == reader.normalise("ecole saint michel")
    assert reader.normalise("Gesher") != reader.normalise("Gesher Haifa")


def test_a_file_with_each_kind_of_error_reports_every_one_with_its_line_and_column(client, network):
    taken = network.teacher_a.user.email
    rows = [
        row(email="ok@example.org"),  # line 2: fine
        row(name="B", country="XX", email="b@example.org"),  # 3: not a country
        row(name="C", country="FR", email="c@example.org"),  # 4: a country outside the NSO
        row(name="D", email="not-an-address"),  # 5: bad e-mail
        row(name="E", email="ok@example.org"),  # 6: same address as line 2
        row(name="F", email=taken),  # 7: an account has it
        row(name="G", ages=("12", "10"), email="g@example.org"),  # 8: ages in the wrong order
        row(name="H", ages=("ten", "40"), email="h@example.org"),  # 9: not ages
        row(name="I", email="i@example.org", language="fr"),  # 10: not a site language
        row(name="J", email="j@example.org", languages="he;xx"),  # 11: unknown language of instruction
        row(name="K", email="k@example.org", school_type="castle"),  # 12: not a type
        row(name="", email="l@example.org"),  # 13: required cell empty
    ]
    testing.make_country("FR", "France", nso=testing.make_nso("fr", "France NSO"))
    response = _send(client, network.nso_il, csv_bytes(rows), scope=_nso(network))
    assert response.status_code == 400
    assert _problems(response) == [
        (3, "country"),
        (4, "country"),
        (5, "teacher_email"),
        (6, "teacher_email"),
        (7, "teacher_email"),
        (8, "age_to"),
        (9, "age_from"),
        (9, "age_to"),
        (10, "teacher_language"),
        (11, "languages"),
        (12, "school_type"),
        (13, "school_name"),
    ]
    messages = [p.message for p in response.context["problems"]]
    assert messages[1] == "You may not import schools of FR here."
    assert messages[3] == "This address is also on line 2."
    assert messages[4] == "An account already uses this address."
    assert not ImportFile.objects.exists() and not School.objects.filter(name="Gesher School").exists()
    assert list(default_storage.listdir("")[1]) == []


def test_problems_are_in_the_readers_language(client, network):
    response = _send(client, network.nso_il, csv_bytes([row(email="bad")]), scope=_nso(network), language="he")
    assert response.status_code == 400
    assert response.context["problems"][0].message == "“bad” אינה כתובת דואר אלקטרוני."


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "schools.csv", "The file is empty."),
        (b"school_name,country\n", "schools.csv", None),
        (csv_bytes([]), "schools.csv", "The file is empty: it needs a header row, then one row per teacher."),
        (b"%PDF-1.4 hello", "schools.pdf", "Send a CSV file (.csv) or an Excel workbook (.xlsx)."),
        (b"not a zip", "schools.xlsx", "This file cannot be read as an XLSX spreadsheet."),
        (
            b"\xff\xfeh\x00i\x00",
            "schools.csv",
            'This is not a CSV file in UTF-8: save it as "CSV UTF-8 (comma delimited)".',
        ),
    ],
    ids=["empty", "missing-columns", "header-only", "wrong-type", "broken-xlsx", "utf16"],
)
def test_a_file_that_cannot_be_used_is_refused_with_why(client, network, data, name, expected):
    response = _send(client, network.nso_il, data, name=name, scope=_nso(network))
    assert response.status_code == 400
    if expected is None:  # the missing columns, each named
        assert _problems(response) == [
            (1, column) for column in HEADER if column not in ("school_name", "country", "school_native_name")
        ]
        assert response.context["problems"][0].message == "This column is missing: it is required."
    else:
        shown = [p.message for p in response.context["problems"]] + [
            str(e) for e in response.context["form"].errors.get("file", [])
        ]
        assert shown == [expected]
    assert not ImportFile.objects.exists()


def test_a_file_too_large_is_refused(client, network, settings):
    settings.ONBOARDING_MAX_FILE_BYTES = 100
    response = _send(client, network.nso_il, csv_bytes([row()] * 3), scope=_nso(network))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "This file is larger than 100\xa0bytes: split it into several files."
    ]
    assert not ImportFile.objects.exists()


def test_rows_of_one_school_must_agree(client, network):
    rows = [row(email="a@example.org"), row(email="b@example.org", ages=("10", "13"))]
    response = _send(client, network.nso_il, csv_bytes(rows), scope=_nso(network))
    assert _problems(response) == [(3, "age_to")]
    assert response.context["problems"][0].message == (
        "Line 2 says something else of the same school: write it the same way on every line."
    )


def test_the_dry_run_saves_nothing_but_the_checked_file_and_shows_the_plan(client, network):
    rows = [
        row(email="a@example.org"),
        row(email="b@example.org", language="ar"),
        row(name="Oak", native="", country="GB", city="Leeds", teacher="", email="", language=""),
    ]
    users, schools, jobs = User.objects.count(), School.objects.count(), Job.objects.count()
    response = _send(client, network.nso_il, xlsx_bytes(rows), name="schools.xlsx", scope=_nso(network))
    assert response.status_code == 400  # GB is the UK NSO's
    response = _send(client, network.nso_il, xlsx_bytes(rows[:2]), name="schools.xlsx", scope=_nso(network))
    checked = ImportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/onboarding/{checked.pk}/"
    assert (User.objects.count(), School.objects.count(), Job.objects.count()) == (users, schools, jobs)
    assert checked.plan["new_schools"] == 1 and checked.plan["teachers"] == 2 and checked.plan["merges"] == []
    page = testing.as_(client, network.nso_il).get(response["Location"])
    assert page.status_code == 200
    assert page.context["plan"]["teachers"] == 2


def _checked(client, person, rows, *, scope, name="schools.csv") -> ImportFile:
    response = _send(client, person, csv_bytes(rows), scope=scope, name=name)
    assert response.status_code == 302, response.context and response.context["problems"]
    return ImportFile.objects.latest("pk")


def test_import_creates_validated_schools_and_teachers_and_queues_invitations(
    client, network, django_capture_on_commit_callbacks
):
    rows = [
        row(email="a@example.org"),
        row(email="b@example.org", language="ar", teacher="Huda Nasser"),
        row(name="Oak", native="", city="Akko", teacher="", email="", language=""),
    ]
    checked = _checked(client, network.programme_admin, rows, scope=_programme(network))
    with django_capture_on_commit_callbacks(execute=False):
        response = testing.as_(client, network.programme_admin).post(f"/onboarding/{checked.pk}/import/")
    assert response.status_code == 302 and response["Location"] == f"/onboarding/{checked.pk}/invitations/"
    gesher, oak = School.objects.get(name="Gesher School"), School.objects.get(name="Oak")
    assert gesher.status == oak.status == ValidationStatus.VALIDATED
    assert set(gesher.programmes.all()) == {network.programme} and set(oak.programmes.all()) == {network.programme}
    # Members as if asked and approved at once by the administrator who imported them.
    approved = ProgrammeMembership.objects.filter(programme=network.programme, school__in=[gesher, oak])
    assert {(m.status, m.decided_by) for m in approved} == {("approved", network.programme_admin)}
    assert approved.count() == 2
    assert sorted(gesher.languages.values_list("code", flat=True)) == ["en", "he"]
    assert gesher.time_zone == "Asia/Jerusalem" and gesher.school_week == "sun_thu"
    teachers = TeacherProfile.objects.filter(school=gesher).select_related("user").order_by("user__email")
    assert [(t.user.email, t.status, t.user.preferred_language, t.user.has_usable_password()) for t in teachers] == [
        ("a@example.org", "validated", "he", False),
        ("b@example.org", "validated", "ar", False),
    ]
    # Written in bulk, and still found by name however it is typed.
    assert User.objects.get(email="b@example.org").search_text == fold("Huda Nasser", "b@example.org")
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 2  # waiting in the queue
    assert Job.objects.filter(name="onboarding.send_invitations", status=Job.Status.QUEUED).count() == 1
    checked.refresh_from_db()
    assert checked.status == ImportFile.Status.IMPORTED and not checked.file
    assert AuditEntry.objects.filter(action="onboarding.imported", actor=network.programme_admin).get().data == {
        "schools_created": 2,
        "schools_merged": 0,
        "schools_joined_programme": 2,
        "teachers": 2,
        "invitations": 2,
    }
    page = testing.as_(client, network.programme_admin).get(f"/onboarding/{checked.pk}/invitations/")
    assert page.context["counts"] == {"waiting": 2, "sent": 0, "accepted": 0, "expired": 0}
    # A second "Import" of the same file does nothing more.
    testing.as_(client, network.programme_admin).post(f"/onboarding/{checked.pk}/import/")
    assert User.objects.filter(email__in=["a@example.org", "b@example.org"]).count() == 2


def test_the_invitation_mail_is_in_the_teachers_language_and_marks_it_sent(
    client, network, django_capture_on_commit_callbacks
):
    checked = _checked(
        client,
        network.nso_il,
        [row(email="a@example.org", language="he"), row(email="b@example.org", language="ar")],
        scope=_nso(network),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        testing.as_(client, network.nso_il).post(f"/onboarding/{checked.pk}/import/")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["a@example.org"].subject == "הוזמנתם ל־Twinning: בחרו סיסמה"
    assert by_address["b@example.org"].subject.startswith("دعوة إلى Twinning")
    assert "/onboarding/welcome/" in by_address["a@example.org"].body
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2


def test_a_school_already_on_the_platform_is_offered_for_merging(client, network):
    existing = testing.make_school(
        country=network.israel, name="Al-Amal School", native_name="مدرسة الأمل", city="Nazareth"
    )
    rows = [
        row(name="AL AMAL school", native="", city="nazareth ", email="a@example.org"),  # same Latin name
        row(name="Amal", native="مَدْرَسَة الأَمَل", city="Nazareth", email="b@example.org"),  # same Arabic name
        row(name="Al-Amal School", native="", city="Haifa", email="c@example.org"),  # another city
    ]
    checked = _checked(client, network.nso_il, rows, scope=_nso(network))
    assert [(m["line"], m["existing_id"]) for m in checked.plan["merges"]] == [(2, existing.pk), (3, existing.pk)]
    page = testing.as_(client, network.nso_il).get(f"/onboarding/{checked.pk}/")
    assert len(page.context["plan"]["merges"]) == 2
    # Line 3 is created as a school of its own after all; line 2 merges.
    testing.as_(client, network.nso_il).post(f"/onboarding/{checked.pk}/import/", {"separate": ["3"]})
    assert TeacherProfile.objects.get(user__email="a@example.org").school == existing
    made = TeacherProfile.objects.get(user__email="b@example.org").school
    assert made != existing and made.native_name == "مَدْرَسَة الأَمَل"
    assert School.objects.filter(city="Haifa", name="Al-Amal School").count() == 1
    assert ImportFile.objects.get().result["schools_merged"] == 1


def test_an_address_taken_between_dry_run_and_import_stops_the_import(client, network):
    checked = _checked(client, network.nso_il, [row(email="a@example.org")], scope=_nso(network))
    testing.make_person(email="a@example.org")
    response = testing.as_(client, network.nso_il).post(f"/onboarding/{checked.pk}/import/")
    assert response.status_code == 400
    assert _problems(response) == [(2, "teacher_email")]
    assert not School.objects.filter(name="Gesher School").exists()


def test_nso_staff_import_only_for_their_countries(client, network):
    uk_row = row(name="Oak", native="", country="GB", city="Leeds", email="o@example.org")
    response = _send(client, network.nso_il, csv_bytes([uk_row]), scope=_nso(network))
    assert _problems(response) == [(2, "country")]
    # Another NSO is not a choice they have.
    response = _send(client, network.nso_il, csv_bytes([uk_row]), scope=f"nso:{network.uk_nso.pk}")
    assert response.status_code == 400 and "scope" in response.context["form"].errors
    assert not ImportFile.objects.exists()


def test_programme_admins_import_only_into_their_programme_and_its_countries(client, network):
    testing.make_country("FR", "France", nso=None)
    other = type(network.programme).objects.create(slug="other", names={"en": "Other"})
    response = _send(client, network.programme_admin, csv_bytes([row()]), scope=f"programme:{other.pk}")
    assert response.status_code == 400 and "scope" in response.context["form"].errors
    response = _send(client, network.programme_admin, csv_bytes([row(country="FR")]), scope=_programme(network))
    assert _problems(response) == [(2, "country")]


@pytest.mark.parametrize("who", ["teacher_a", "principal_a", "coordinator", "nso_uk"])
def test_others_get_404_on_an_import_and_its_invitations(client, network, who):
    checked = _checked(client, network.nso_il, [row(email="a@example.org")], scope=_nso(network))
    testing.as_(client, network.nso_il).post(f"/onboarding/{checked.pk}/import/")
    invitation = Invitation.objects.get()
    person = getattr(network, who)
    person = getattr(person, "user", person)
    as_them = testing.as_(client, person)
    for url in (f"/onboarding/{checked.pk}/", f"/onboarding/{checked.pk}/invitations/"):
        assert as_them.get(url).status_code == 404
    assert as_them.post(f"/onboarding/invitations/{invitation.pk}/resend/").status_code == 404
    assert as_them.post(f"/onboarding/{checked.pk}/import/").status_code == 404
    if who != "nso_uk":
        assert as_them.get("/onboarding/").status_code == 404
    assert Invitation.objects.get().sends == 1


def test_the_documented_example_file_imports(client, network, settings):
    from pathlib import Path

    testing.make_country("AR", "Argentina", nso=None)
    anywhere = type(network.programme).objects.create(slug="anywhere", names={"en": "Anywhere"})
    data = (Path(settings.BASE_DIR) / "docs" / "examples" / "onboarding.csv").read_bytes()
    response = _send(client, network.admin, data, scope=f"programme:{anywhere.pk}")
    assert response.status_code == 302, response.context and response.context["problems"]
    checked = ImportFile.objects.get()
    assert (checked.plan["new_schools"], checked.plan["teachers"]) == (4, 4)
    testing.as_(client, network.admin).post(f"/onboarding/{checked.pk}/import/")
    assert School.objects.get(name="King David School, Leeds").school_week == "mon_fri"
    assert not TeacherProfile.objects.filter(school__name="Escuela Herzl").exists()


def test_a_csv_with_semicolons_between_columns_reads(client, network):
    data = csv_bytes([row(email="a@example.org")]).decode().replace(",", ";").replace("he;en", "he en").encode()
    response = _send(client, network.nso_il, data, scope=_nso(network))
    assert response.status_code == 302


def test_an_excel_workbook_reads_as_excel_shows_it():
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["school_name", "age_from", "note"])
    sheet.append(["Gesher", 10, None])
    sheet["C3"] = 12.5
    sheet["A3"] = True
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert list(reader.rows_of(data, "a.xlsx")) == [
        (1, ["school_name", "age_from", "note"]),
        (2, ["Gesher", "10"]),
        (3, ["TRUE", "", "12.5"]),
    ]
    # A part declaring a DOCTYPE (entities: "billion laughs") is refused, not parsed: at its start
    # or after a long comment (defusedxml refuses it wherever it stands).
    for part, padding in (
        ("xl/worksheets/sheet1.xml", b""),
        ("xl/worksheets/sheet1.xml", b"<!--" + b"x" * 10_000 + b"-->"),
    ):
        rebuilt = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(rebuilt, "w") as copy:
            for item in original.infolist():
                body = original.read(item.filename)
                if item.filename == part:
                    declaration, _, rest = body.partition(b"?>") if body.startswith(b"<?xml") else (b"", b"", body)
                    doctype = padding + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
                    body = declaration + (b"?>" if declaration else b"") + doctype + rest
                copy.writestr(item, body)
        with pytest.raises(reader.FileRefused):
            list(reader.rows_of(rebuilt.getvalue(), "a.xlsx"))


def test_a_merged_school_waiting_to_join_the_programme_becomes_a_member(client, network):
    existing = testing.make_school(country=network.israel, name="Gesher School", city="Haifa")
    waiting = ProgrammeMembership.objects.create(programme=network.programme, school=existing)
    checked = _checked(client, network.programme_admin, [row(email="a@example.org")], scope=_programme(network))
    assert [m["existing_id"] for m in checked.plan["merges"]] == [existing.pk]
    testing.as_(client, network.programme_admin).post(f"/onboarding/{checked.pk}/import/")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == ("approved", network.programme_admin)
    assert network.programme in existing.programmes.all()
    assert ProgrammeMembership.objects.filter(school=existing).count() == 1


def test_a_large_file_is_imported_by_the_job_queue_and_its_page_follows_it(
    client, network, settings, django_capture_on_commit_callbacks
):
    settings.ONBOARDING_INLINE_ROWS = 1  # this file of two schools and two teachers counts as large
    rows = [row(email="a@example.org"), row(name="Oak", native="", city="Akko", email="b@example.org")]
    checked = _checked(client, network.nso_il, rows, scope=_nso(network))
    as_nso = testing.as_(client, network.nso_il)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = as_nso.post(f"/onboarding/{checked.pk}/import/")
    assert response.status_code == 302 and response["Location"] == f"/onboarding/{checked.pk}/"
    checked.refresh_from_db()
    assert checked.status == ImportFile.Status.QUEUED and not School.objects.filter(name="Oak").exists()
    assert Job.objects.filter(name="onboarding.run_import", status=Job.Status.QUEUED).count() == 1
    waiting = as_nso.get(f"/onboarding/{checked.pk}/")
    assert waiting.context["importing"] and b'http-equiv="refresh"' in waiting.content
    assert as_nso.post(f"/onboarding/{checked.pk}/import/").status_code == 302  # a second click: refused
    assert Job.objects.filter(name="onboarding.run_import").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # the worker runs the job
    checked.refresh_from_db()
    assert checked.status == ImportFile.Status.IMPORTED and checked.result["schools_created"] == 2
    assert as_nso.get(f"/onboarding/{checked.pk}/")["Location"] == f"/onboarding/{checked.pk}/invitations/"


def test_a_queued_import_refused_meanwhile_shows_its_problems_in_the_importers_language(
    client, network, settings, django_capture_on_commit_callbacks
):
    settings.ONBOARDING_INLINE_ROWS = 0
    checked = _checked(client, network.nso_il, [row(email="a@example.org")], scope=_nso(network))
    type(network.nso_il).objects.filter(pk=network.nso_il.pk).update(preferred_language="he")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        testing.as_(client, network.nso_il).post(f"/onboarding/{checked.pk}/import/")
    testing.make_person(email="a@example.org")  # the address is taken before the job runs
    for callback in queued:
        callback()
    checked.refresh_from_db()
    assert checked.status == ImportFile.Status.CHECKED
    assert [(p["line"], p["column"]) for p in checked.result["problems"]] == [(2, "teacher_email")]
    assert any("\u05d0" <= c <= "\u05ea" for c in checked.result["refused"])
    page = testing.as_(client, network.nso_il, "he").get(f"/onboarding/{checked.pk}/")
    assert page.context["refused"] and b'data-testid="refused"' in page.content
    assert not School.objects.filter(name="Gesher School").exists()
