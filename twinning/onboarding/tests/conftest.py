"""Files to import, for the onboarding tests: CSV and XLSX from rows of cells."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning import testing
from twinning.accounts.models import Role
from twinning.schools.models import Programme

HEADER = [
    "school_name",
    "school_native_name",
    "country",
    "city",
    "school_type",
    "age_from",
    "age_to",
    "languages",
    "teacher_name",
    "teacher_email",
    "teacher_language",
]


def row(
    name="Gesher School",
    native="בית ספר גשר",
    country="IL",
    city="Haifa",
    *,
    teacher="Tamar Oz",
    email="tamar@example.org",
    language="he",
    ages=("10", "12"),
    school_type="public",
    languages="he;en",
):
    return [name, native, country, city, school_type, ages[0], ages[1], languages, teacher, email, language]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name="schools.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def network(cast, media_root):
    """The cast, with a programme in Israel and Britain run by its administrator."""
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    programme.countries.set([cast.israel, cast.uk])
    programme_admin = testing.make_person(name="Pia Admin")
    testing.grant(programme_admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    return SimpleNamespace(**vars(cast), programme=programme, programme_admin=programme_admin)
