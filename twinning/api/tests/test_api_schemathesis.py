"""Schemathesis against the live schema, as three roles (NSO staff, a coordinator, a teacher): every
operation with generated input (valid and not), then its stateful phase, which chains operations
through the links it infers (a school's id from the list into its page, its validation, …).

All of Schemathesis's checks apply: no server error, every status, header, content type and body as
the schema declares them, bad input refused, missing authentication refused. The network is small
but has something behind every link: schools waiting for validation, a twinning with a meeting, an
activity in the library.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from twinning import testing
from twinning.api.tests.conftest import token_for
from twinning.library.models import Activity, Version
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.schools.models import Language, ValidationStatus

pytestmark = pytest.mark.django_db

ROLES = ("nso_staff", "coordinator", "teacher")
# A request the schema allows may still be refused for what no schema can say: a cursor must be one
# this server signed (400), and a decision must fit the object's state, e.g. validating a school
# twice (409). Every other check keeps its defaults.
REFUSED_BY_STATE = ["2xx", "400", "401", "403", "404", "409"]
# Rows of an import, and a school's changed details, must also fit what the platform holds (the NSO's
# countries, the languages it knows, addresses not taken, names in Latin letters): the service checks
# them as it checks a spreadsheet or the school's form, and a row or field that does not fit is a 422
# naming it. Those operations alone may answer so to schema-valid input.
CHECKED_BY_SERVICE = [*REFUSED_BY_STATE, "422"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": REFUSED_BY_STATE}},
        "operations": [
            {
                "include-path-regex": "^/api/v1/imports",
                "checks": {"positive_data_acceptance": {"expected-statuses": CHECKED_BY_SERVICE}},
            },
            {
                "include-path": "/api/v1/schools/{school_id}",  # its PATCH; its GET has no body to refuse
                "checks": {"positive_data_acceptance": {"expected-statuses": CHECKED_BY_SERVICE}},
            },
        ],
        # The WSGI transport hands over the body as sent; a browser or HTTP library would unzip it.
        "headers": {"Accept-Encoding": "identity"},
    }
)
QUICK = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure can be run again
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture
def network(cast, twinning):
    """Something behind every link, and a token for each role."""
    for n in range(3):
        testing.make_school(country=cast.israel, name=f"Waiting {n}", status=ValidationStatus.PENDING)
    start = timezone.now() + timedelta(days=5)
    meeting = Meeting.objects.create(
        twinning=twinning, title="Mifgash", starts_at=start, ends_at=start + timedelta(minutes=45)
    )
    for school in (cast.school_a, cast.school_b):
        MeetingSchool.objects.create(meeting=meeting, school=school)
    english = Language.objects.get(code="en")
    activity = Activity.objects.create(status=Activity.Status.PUBLISHED, author=cast.teacher_a.user)
    version = Version.objects.create(
        activity=activity,
        number=1,
        title="Postcards",
        summary="s",
        goals="g",
        steps="1",
        age_from=9,
        age_to=12,
        duration_minutes=45,
        text_language=english,
    )
    Activity.objects.filter(pk=activity.pk).update(published=version, published_at=timezone.now())
    people = {"nso_staff": cast.nso_il, "coordinator": cast.coordinator, "teacher": cast.teacher_a.user}
    return {role: token_for(user, name=f"schemathesis {role}") for role, user in people.items()}


def schema_as(token: str):
    """The live schema, called through the WSGI application with the role's token."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)

    @schema.auth()
    class Token:
        # Registered as the schema's authentication, so Schemathesis's checks know it is real and can
        # take it away or spoil it to see that the API refuses.
        def get(self, case, context):
            return token

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.TWINNING_API_RATE_PER_MINUTE = 10**9


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """Django's WSGI handler closes the database connection after each request; the test's data lives
    in the test's own transaction on that connection (PostgreSQL would lose it). Django's test client
    keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_its_schema(network, role):
    for result in schema_as(network[role]).get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @QUICK
        def call(case):
            case.call_and_validate(headers={"Accept-Language": "he"})

        call()


@pytest.mark.parametrize("role", ROLES)
def test_chains_of_operations_keep_to_the_schema(network, role):
    machine = schema_as(network[role]).as_state_machine()
    machine.run(settings=settings(QUICK, max_examples=6, stateful_step_count=6))
