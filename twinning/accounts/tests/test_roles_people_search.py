"""Finding a person to appoint on the roles page: by name or e-mail, paginated, only in one's reach."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.accounts.models import Role
from twinning.schools.models import Programme

pytestmark = pytest.mark.django_db


def _found(client, person, query: str, **more) -> list[str]:
    response = testing.as_(client, person).get("/accounts/roles/", {"person": query, **more})
    assert response.status_code == 200
    return [found.email for found in response.context["people"]]


def test_nso_staff_find_teachers_of_their_countries_by_name_or_email(client, cast):
    assert _found(client, cast.nso_il, "dana") == [cast.teacher_a.user.email]
    assert _found(client, cast.nso_il, cast.teacher_a.user.email.upper()) == [cast.teacher_a.user.email]
    assert _found(client, cast.nso_il, "Dana Levi") == [cast.teacher_a.user.email]  # every word
    assert _found(client, cast.nso_il, "sarah") == []  # the UK's teacher: not in their reach
    assert _found(client, cast.nso_uk, "sarah") == [cast.teacher_b.user.email]
    assert _found(client, cast.nso_il, "d") == []  # two letters at least


def test_a_programme_administrator_finds_the_teachers_of_its_schools(client, cast):
    bridges = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    cast.school_b.programmes.add(bridges)
    admin = testing.make_person(name="Pia Programme")
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=bridges)
    assert _found(client, admin, "sarah") == [cast.teacher_b.user.email]
    assert _found(client, admin, "dana") == []


def test_the_platform_administrator_finds_anyone_with_an_email(client, cast):
    assert _found(client, cast.admin, "noa") == [cast.nso_il.email]


def test_results_are_paginated_and_read_in_a_fixed_number_of_queries(client, cast):
    for n in range(30):
        testing.make_teacher(school=cast.school_a, name=f"Yael {n:02d}")
    page = testing.as_(client, cast.nso_il).get("/accounts/roles/", {"person": "yael"}).context["people"]
    first = [found.email for found in page]
    second = _found(client, cast.nso_il, "yael", people_after=page.next_cursor)
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
    as_nso = testing.as_(client, cast.nso_il)
    counts = []
    for query in ({"person": "yael 01"}, {"person": "yael"}, {"person": "yael", "people_after": page.next_cursor}):
        with CaptureQueriesContext(connection) as queries:
            as_nso.get("/accounts/roles/", query)
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_appoint_writes_the_person_into_the_forms(client, cast):
    response = testing.as_(client, cast.admin).get("/accounts/roles/", {"email": "dana@example.org"})
    assert response.context["coordinator_form"]["email"].value() == "dana@example.org"
    assert response.context["nso_staff_form"]["email"].value() == "dana@example.org"


def test_others_do_not_reach_the_search(client, cast):
    assert testing.as_(client, cast.teacher_a.user).get("/accounts/roles/", {"person": "dana"}).status_code == 404
