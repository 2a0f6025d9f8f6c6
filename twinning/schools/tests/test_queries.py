"""No N+1: list pages issue the same number of queries for one item as for three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twinning.accounts.models import Role
from twinning.schools import services
from twinning.schools.models import Language, Subject, ValidationStatus
from twinning.schools.rules import can_seek_partners
from twinning.testing import grant, make_school, make_teacher


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_pending(cast, n):
    for _ in range(n):
        teacher = make_teacher(school=cast.school_a, status=ValidationStatus.PENDING)
        teacher.subjects.set(Subject.objects.all()[:3])
        teacher.languages.set(Language.objects.all()[:2])


@pytest.mark.parametrize("name", ["schools:queue", "dashboard"])
def test_validation_pages_query_count_does_not_grow_with_items(client, cast, name):
    client.force_login(cast.nso_il)
    services.count_figures()  # the totals' counting is the job's
    one = count_queries(client, reverse(name))
    add_pending(cast, 2)
    three = count_queries(client, reverse(name))
    assert one == three


def test_school_page_query_count_does_not_grow_with_teachers(client, cast):
    client.force_login(cast.teacher_b.user)
    url = reverse("schools:detail", args=[cast.school_a.pk])
    one = count_queries(client, url)
    for _ in range(2):
        make_teacher(school=cast.school_a)
    assert count_queries(client, url) == one


def test_directory_query_count_does_not_grow_with_schools(client, cast):
    client.force_login(cast.teacher_a.user)
    url = reverse("schools:directory")
    one = count_queries(client, url)
    for _ in range(2):
        make_school(country=cast.israel)
    assert count_queries(client, url) == one


def test_principal_dashboard_query_count_does_not_grow(client, cast):
    client.force_login(cast.principal_a)
    one = count_queries(client, reverse("dashboard"))
    add_pending(cast, 2)
    assert count_queries(client, reverse("dashboard")) == one


def test_directory_hides_schools_not_yet_validated(client, cast):
    make_school(country=cast.israel, name="Hidden Pending", status=ValidationStatus.PENDING)
    client.force_login(cast.teacher_b.user)

    body = client.get(reverse("schools:directory")).content.decode()

    assert "Hidden Pending" not in body
    assert "Reali School" in body


def test_pending_school_page_is_404_to_outsiders_but_visible_to_its_validators(client, cast):
    pending = make_school(country=cast.israel, name="Hidden Pending", status=ValidationStatus.PENDING)
    url = reverse("schools:detail", args=[pending.pk])
    client.force_login(cast.teacher_b.user)
    assert client.get(url).status_code == 404
    client.force_login(cast.nso_uk)
    assert client.get(url).status_code == 404
    client.force_login(cast.nso_il)
    assert client.get(url).status_code == 200


def test_school_page_lists_only_validated_teachers(client, cast):
    client.force_login(cast.teacher_b.user)

    body = client.get(reverse("schools:detail", args=[cast.school_a.pk])).content.decode()

    assert "Dana Levi" in body
    assert "Yossi Mizrahi" not in body


def test_only_validated_teachers_at_validated_schools_seek_partners(cast):
    assert can_seek_partners(cast.teacher_a.user)
    assert not can_seek_partners(cast.pending_il.user)
    assert not can_seek_partners(cast.nso_il)
    pending_school = make_school(country=cast.israel, status=ValidationStatus.PENDING)
    assert not can_seek_partners(make_teacher(school=pending_school).user)


def test_coordinator_dashboard_counts_own_scope_only(client, cast):
    client.force_login(cast.coordinator)

    counts = client.get(reverse("dashboard")).context["coordinator_counts"]

    assert counts == {"schools": 1, "teachers": 1, "new_teachers": 1}


def test_person_with_several_roles_sees_each_section(client, cast):
    grant(cast.teacher_a.user, Role.Kind.PRINCIPAL, school=cast.school_a)

    client.force_login(cast.teacher_a.user)
    body = client.get(reverse("dashboard")).content.decode()

    assert 'data-testid="teacher-status"' in body
    assert 'data-testid="principal"' in body


def _pages_of(client, url):
    """Each page's rows, following the next links from `url`, and the query count of each page."""
    counts, names = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
        page = response.context["page"]
        names.append(list(page))
        url = f"{url.split('&after=')[0]}&after={page.next_cursor}" if page.has_next else None
    return counts, names


def test_directory_pages_by_key_with_as_many_queries_for_1_as_for_30_schools(client, cast):
    client.force_login(cast.teacher_a.user)
    url = f"{reverse('schools:directory')}?q=paged"
    make_school(country=cast.israel, name="Paged 00")
    (one,), _ = _pages_of(client, url)
    for n in range(1, 30):
        make_school(country=cast.uk if n % 2 else cast.israel, name=f"Paged {n:02}")

    counts, pages = _pages_of(client, url)

    assert counts == [one, one]
    assert [school.name for page in pages for school in page] == [f"Paged {n:02}" for n in range(30)]
    assert [len(page) for page in pages] == [25, 5]


def test_validation_queue_pages_by_key_with_as_many_queries_for_1_as_for_30_teachers(client, cast):
    client.force_login(cast.nso_il)
    services.count_figures()  # the totals' counting is the job's
    url = f"{reverse('schools:queue')}?q="
    (one,), _ = _pages_of(client, url)  # the cast's one teacher waiting in Israel
    add_pending(cast, 29)
    vouched = make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, name="Vouched For")
    vouched.vouched_at, vouched.vouched_by = vouched.submitted_at, cast.principal_a
    vouched.save(update_fields=["vouched_at", "vouched_by"])

    counts, pages = _pages_of(client, url)

    assert counts == [one, one]
    shown = [teacher for page in pages for teacher in page]
    assert shown[0] == vouched and shown[1] == cast.pending_il and len(shown) == 31 == len(set(shown))
