"""People are found by name or address however it was typed (niqqud, tashkeel, alef and yeh forms, accents), in
every search of people: the validation queue, the roles page, a community's members, the admin site."""

import pytest

from twinning import testing
from twinning.accounts import services
from twinning.accounts.models import User
from twinning.common import privacy
from twinning.common.search import fold
from twinning.communities import queries as community_queries
from twinning.communities.tests.conftest import make as make_community
from twinning.schools.models import ValidationStatus

pytestmark = pytest.mark.django_db


def _queue(client, cast, search: str) -> list[str]:
    response = testing.as_(client, cast.nso_il).get("/validation/", {"q": search})
    return [teacher.user.full_name for teacher in response.context["page"]]


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("אַבְרָהָם כֹּהֵן", "אברהם"),  # niqqud stored, typed bare
        ("אברהם כהן", "אַבְרָהָם"),  # and the other way round
        ("إِبْرَاهِيم الحُسَيْنِي", "ابراهيم"),  # tashkeel and alef with hamza
        ("مصطفى النجار", "مصطفي"),  # alef maqsura typed as yeh
        ("Zoë Lefèvre", "zoe lefevre"),
    ],
)
def test_the_validation_queue_finds_a_teacher_however_the_name_was_typed(client, cast, name, typed):
    testing.make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, name=name)
    assert _queue(client, cast, typed) == [name]


def test_the_validation_queue_finds_by_address_or_school_but_not_other_countries(client, cast):
    assert _queue(client, cast, cast.pending_il.user.email.upper()) == ["Yossi Mizrahi"]
    assert _queue(client, cast, "reali") == ["Yossi Mizrahi"]
    assert _queue(client, cast, "oliver") == []  # waiting in the United Kingdom


def test_the_roles_page_finds_people_in_reach_with_or_without_points(client, cast):
    testing.make_teacher(school=cast.school_a, name="نُور الهُدَى")
    response = testing.as_(client, cast.nso_il).get("/accounts/roles/", {"person": "نور الهدي"})
    assert [person.full_name for person in response.context["people"]] == ["نُور الهُدَى"]


def test_a_renamed_person_is_found_by_the_new_name_only(cast):
    user = cast.teacher_a.user
    user.full_name = "דָּנָה לֵוִי"
    user.save(update_fields=["full_name"])
    user.refresh_from_db()
    assert user.search_text == fold("דנה לוי", user.email)
    assert list(User.objects.filter(search_text__contains="dana")) == []


def test_a_communitys_members_are_found_by_name_however_typed(cast):
    community = make_community(cast)
    cast.coordinator.full_name = "Avi Coördinator"
    cast.coordinator.save(update_fields=["full_name"])
    assert [m.user for m in community_queries.members_of(community, text="coordinator")] == [cast.coordinator]
    assert [m.user for m in community_queries.members_of(community, text="nobody")] == []


def test_the_admin_site_searches_people_through_the_folded_copy(client, cast):
    testing.make_person(name="Ibrahim إبراهيم")
    response = testing.as_(client, cast.admin).get("/admin/accounts/user/", {"q": "ابراهيم"})
    assert [person.full_name for person in response.context["cl"].result_list] == ["Ibrahim إبراهيم"]


def test_the_folded_copy_is_registered_derived_and_leaves_with_the_account(cast):
    entry = next(entry for entry in privacy.entries() if entry.model == "accounts.User")
    assert entry.derived == ("search_text",) and "search_text" not in entry.fields
    user = testing.make_person(name="Leaving Person")
    services.close_account(user=user)
    assert not User.objects.filter(search_text__contains="leaving").exists()
