"""The main menu is drawn once per language and set of roles and kept (common/templatetags/site_menu.py):
what each person sees still follows their own roles and language, page after page."""

from django.test import override_settings
from django.urls import reverse

from twinning.accounts.models import Role
from twinning.common.templatetags import site_menu
from twinning.testing import as_, grant


def menu(response) -> str:
    return response.content.decode().split('data-testid="main-nav"', 1)[1].split("</nav>", 1)[0]


def test_a_role_granted_or_taken_away_shows_in_the_menu_on_the_next_page(client, cast):
    teacher = cast.pending_il.user  # not validated yet: no partner search, no proposals
    proposals = f'href="{reverse("matching:proposals")}"'
    as_(client, teacher)
    assert proposals not in menu(client.get("/dashboard/"))

    grant(teacher, Role.Kind.PRINCIPAL, school=cast.school_a)
    assert proposals in menu(client.get("/dashboard/"))

    Role.objects.filter(user=teacher).delete()
    assert proposals not in menu(client.get("/dashboard/"))


def test_two_people_with_different_roles_each_see_their_own_menu(client, cast):
    caseload = f'href="{reverse("coordination:caseload")}"'
    partners = f'href="{reverse("matching:search")}"'
    coordinator = menu(as_(client, cast.coordinator).get("/dashboard/"))
    teacher = menu(as_(client, cast.teacher_a.user).get("/dashboard/"))
    coordinator_again = menu(as_(client, cast.coordinator).get("/dashboard/"))

    assert caseload in coordinator and partners not in coordinator
    assert partners in teacher and caseload not in teacher
    assert coordinator_again == coordinator


def test_the_menu_is_in_each_readers_language_and_marks_the_dashboard_only_there(client, cast):
    english = menu(as_(client, cast.nso_il).get("/dashboard/"))
    hebrew = menu(as_(client, cast.nso_uk, language="he").get("/dashboard/"))
    english_elsewhere = menu(as_(client, cast.nso_il).get("/notifications/"))

    assert "Validation" in english and "Validation" not in hebrew
    assert 'aria-current="page"' in english and 'aria-current="page"' not in english_elsewhere


def test_the_kept_menu_is_the_one_the_template_draws(client, cast):
    as_(client, cast.admin)
    kept = menu(client.get("/dashboard/"))
    assert site_menu._cached_menu.cache_info().currsize > 0
    with override_settings(DEBUG=True):  # nothing kept: drawn afresh
        drawn = menu(client.get("/dashboard/"))
    assert kept == drawn and 'href="/accounts/roles/"' in kept
