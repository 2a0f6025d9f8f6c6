"""The database connection as the settings open it."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_runs_without_its_jit_compiler():
    """PostgreSQL's JIT compiler is off for the site's connections (settings: DATABASE_JIT): compiling a statement
    the planner thinks costly took longer than running the site's short reads."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
