"""The API: an NSO's system imports its schools and teachers, through onboarding's own service.

The rows are the spreadsheet's (docs/onboarding-import.md), sent as JSON objects: they are written
out as the CSV file an NSO would upload and go through the same dry run (`check_file`: every problem
of every row, or the plan kept) and the same import (`run_import`, or the job queue for a large one):
the same schools merged or created, the same teachers' accounts and invitations.
"""

import csv
import io
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from twinning.api import scopes
from twinning.api.auth import channel, need
from twinning.api.errors import ApiError, not_found
from twinning.api.v1.base import REFUSALS, ErrorOut, Id
from twinning.common import audit
from twinning.onboarding import reader
from twinning.onboarding import rules as onboarding_rules
from twinning.onboarding import services as onboarding_services
from twinning.onboarding.models import ImportFile

COLUMNS = reader.REQUIRED_COLUMNS + reader.OPTIONAL_COLUMNS
MAX_ROWS = 5000


class ImportRow(Schema):
    """One teacher and their school, as a row of the spreadsheet; a school without teachers leaves the
    teacher's fields out. Values are checked as the spreadsheet's cells are."""

    model_config = ConfigDict(extra="forbid")
    school_name: str = Field(max_length=300)
    school_native_name: str = Field("", max_length=300)
    country: str = Field(max_length=10, description="ISO 3166 code, e.g. IL")
    city: str = Field(max_length=200)
    school_type: str = Field(max_length=40, description=", ".join(reader.SCHOOL_TYPES))
    age_from: int = Field(ge=0, le=99)
    age_to: int = Field(ge=0, le=99)
    languages: list[str] = Field(max_length=20, description="ISO 639-1 codes of the languages of instruction")
    time_zone: str = Field("", max_length=64, description="Leave empty for the country's")
    school_week: str = Field(
        "", max_length=20, description="Leave empty for the country's; " + ", ".join(reader.SCHOOL_WEEKS)
    )
    website: str = Field("", max_length=300)
    teacher_name: str = Field("", max_length=300)
    teacher_email: str = Field("", max_length=254)
    teacher_language: str = Field("", max_length=8, description="The invitation's language: en, he or ar")


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    nso_id: int | None = Field(None, ge=1, le=2**63 - 1, description="Your NSO; needed only if you have several")
    rows: list[ImportRow] = Field(min_length=1, max_length=MAX_ROWS)


class MergeOut(Schema):
    row: int = Field(description="Index in `rows` of the school's first row")
    name: str
    existing_id: int = Field(description="The school already on the platform it would join")
    existing_name: str


class ImportOut(Schema):
    id: int
    status: Literal["checked", "queued", "imported"]
    checked_at: datetime
    imported_at: datetime | None
    rows: int
    schools: int = Field(description="Schools in the rows")
    new_schools: int
    teachers: int
    merges: list[MergeOut] = Field(description="Schools that match one already there: merged unless kept apart")
    result: dict[str, int] | None = Field(description="What the import did, once done")


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")
    separate: list[int] = Field(
        default_factory=list, max_length=MAX_ROWS, description="Rows (of `merges`) to create anew, not merge"
    )


def _row_of(line: int) -> int:
    return line - 2  # line 1 is the header; rows count from 0


def _csv(rows: list[ImportRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        values = row.model_dump()
        values["languages"] = ";".join(values["languages"])
        writer.writerow([values[column] for column in COLUMNS])
    return out.getvalue().encode("utf-8")


def _refused(problems: list[reader.Problem]) -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("Nothing was imported: some rows have problems, see “problems”."),
        problems=[
            {
                "where": ["body", "rows", _row_of(p.line), p.column] if p.line > 1 else ["body", "rows"],
                "problem": p.message,
            }
            for p in problems
        ],
    )


def _import_out(row: ImportFile) -> dict:
    plan = row.plan or {}
    return {
        "id": row.pk,
        "status": row.status,
        "checked_at": row.created_at,
        "imported_at": row.imported_at,
        "rows": plan.get("rows", 0),
        "schools": plan.get("schools", 0),
        "new_schools": plan.get("new_schools", 0),
        "teachers": plan.get("teachers", 0),
        "merges": [
            {
                "row": _row_of(merge["line"]),
                "name": merge["name"],
                "existing_id": merge["existing_id"],
                "existing_name": merge["existing_name"],
            }
            for merge in plan.get("merges", [])
        ],
        "result": {key: value for key, value in row.result.items() if isinstance(value, int)}
        if row.status == ImportFile.Status.IMPORTED
        else None,
    }


def _nso_for(user, nso_id: int | None):
    nsos, _programmes = onboarding_rules.import_scopes_for(user)
    if nso_id is not None:
        found = nsos.filter(pk=nso_id).first()
        if found is None:
            raise not_found()
        return found
    mine = list(nsos[:2])
    if len(mine) != 1:
        if not mine:
            raise not_found()
        raise ApiError(
            422,
            "invalid",
            _("Some of what you sent is missing or not valid: see “problems”."),
            problems=[{"where": ["body", "nso_id"], "problem": _("Say which of your NSOs to import into.")}],
        )
    return mine[0]


onboarding_router = Router(tags=["imports"])


@onboarding_router.post(
    "/imports",
    response={201: ImportOut, **REFUSALS},
    summary="Check rows of schools and teachers to import (the dry run)",
)
def check_import(request, body: ImportIn):
    """Every problem of every row (422, nothing kept), or what importing them would do, kept for `run`."""
    need(request, "schools", scopes.WRITE)
    if not onboarding_rules.may_import(request.user):
        raise not_found()
    nso = _nso_for(request.user, body.nso_id)
    try:
        with audit.acting_through(channel(request)):
            row = onboarding_services.check_file(by=request.user, scope=nso, data=_csv(body.rows), filename="api.csv")
    except onboarding_services.ImportRefused as refused:
        raise _refused(refused.problems) from None
    except reader.FileRefused as refused:
        raise _refused([refused.problem]) from None
    return 201, _import_out(row)


@onboarding_router.get("/imports/{import_id}", response={200: ImportOut, **REFUSALS}, summary="One import")
def get_import(request, import_id: Id):
    need(request, "schools")
    return _import_out(onboarding_rules.get_import_for_importer(request.user, import_id))


@onboarding_router.post(
    "/imports/{import_id}/run",
    response={200: ImportOut, 202: ImportOut, 409: ErrorOut, **REFUSALS},
    summary="Import checked rows: schools, teachers' accounts, their invitations",
)
def run_import(request, import_id: Id, body: RunIn):
    """200 once imported; 202 when it is large enough to go to the job queue (ask `GET` for its end)."""
    need(request, "schools", scopes.WRITE)
    import_file = onboarding_rules.get_import_for_importer(request.user, import_id)
    lines = {merge["line"] for merge in import_file.plan.get("merges", [])}
    separate = {row + 2 for row in body.separate}
    if not separate <= lines:
        raise ApiError(
            422,
            "invalid",
            _("Some of what you sent is missing or not valid: see “problems”."),
            problems=[
                {"where": ["body", "separate"], "problem": _("Only rows offered for merging can be kept apart.")}
            ],
        )
    with audit.acting_through(channel(request)):
        if onboarding_services.import_size(import_file) > settings.ONBOARDING_INLINE_ROWS:
            queued = onboarding_services.queue_import(by=request.user, import_file=import_file, separate=separate)
            return 202, _import_out(queued)
        try:
            onboarding_services.run_import(by=request.user, import_file=import_file, separate=separate)
        except onboarding_services.ImportRefused as refused:
            raise _refused(refused.problems) from None
    import_file.refresh_from_db()
    return 200, _import_out(import_file)
