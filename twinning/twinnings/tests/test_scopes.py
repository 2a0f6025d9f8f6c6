"""Who reaches a twinning: the platform administrator reaches every one, others only their own scope."""

import pytest

from twinning import testing
from twinning.twinnings import services

pytestmark = pytest.mark.django_db


def israel_france_twinning(cast):
    """A twinning the UK's NSO has nothing to do with: Israel's school and a French one."""
    france = testing.make_country("FR", "France", nso=testing.make_nso("fr", "France NSO"))
    school = testing.make_school(country=france, name="Lycée Jean Moulin")
    testing.make_teacher(school=school, name="Claire Martin")
    return services.propose_twinning(
        from_school=cast.school_a, to_schools=[school], by=cast.teacher_a.user, school_year=2026, titles={"en": "Paris"}
    )


def test_scopes_platform_admin_reaches_every_twinning(client, cast):
    twinning = israel_france_twinning(cast)
    client.force_login(cast.admin)

    assert client.get(f"/twinnings/{twinning.pk}/").status_code == 200
    assert [t.pk for t in client.get("/twinnings/").context["page"]] == [twinning.pk]


def test_scopes_of_others_are_unchanged(client, cast):
    twinning = israel_france_twinning(cast)
    for person, status in [
        (cast.nso_il, 200),
        (cast.coordinator, 200),
        (cast.principal_a, 200),
        (cast.teacher_a.user, 200),
        (cast.nso_uk, 404),
        (cast.teacher_b.user, 404),
    ]:
        client.force_login(person)
        assert (person.full_name, client.get(f"/twinnings/{twinning.pk}/").status_code) == (person.full_name, status)
