"""The programme's public page: no sign-in, three languages, its figures, how to join, the showcase;
and never a pupil's name or username."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Pupil
from twinning.accounts.pupils import create_pupils
from twinning.common.errors import ServiceError
from twinning.meetings.models import Meeting
from twinning.showcase import services
from twinning.showcase.models import Story

pytestmark = pytest.mark.django_db

NAMES = {"en": "Bridges", "he": "גשרים", "ar": "جسور"}


def _in(client, language: str, url: str):
    """The page as an anonymous visitor who chose ``language`` with the language switcher."""
    switched = client.post("/accounts/language/", {"language": language, "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    return client.get(url)


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("he", "rtl"), ("ar", "rtl")])
def test_anonymous_visitor_reads_the_page_in_their_language(client, programme, published, language, direction):
    url = f"/programmes/{programme.slug}/"
    response = _in(client, language, url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert NAMES[language] in html
    assert programme.descriptions[language] in html
    assert f'href="/join/?programme={programme.slug}"' in html
    assert "Two harbours, one sea" in html
    assert response["Cache-Control"] == "private, no-cache"
    story = _in(client, language, f"/programmes/{programme.slug}/stories/{published.pk}/")
    assert story.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in story.content.decode()


def test_the_page_counts_member_schools_and_this_years_twinnings_and_meetings(client, cast, programme, twinning):
    from twinning.common.school_year import current_school_year

    twinning.programme = programme
    twinning.school_year = current_school_year()
    twinning.save(update_fields=["programme", "school_year"])
    now = timezone.now()
    Meeting.objects.create(
        twinning=twinning, title="First meeting", starts_at=now, ends_at=now + timedelta(minutes=30), status="held"
    )
    Meeting.objects.create(twinning=twinning, title="Next", starts_at=now, ends_at=now + timedelta(minutes=30))
    figures = client.get(f"/programmes/{programme.slug}/").context["figures"]
    assert (figures.schools, figures.twinnings, figures.meetings) == (2, 1, 1)


def test_an_unpublished_page_is_shown_only_to_its_administrators_and_coordinators(
    client, cast, programme, programme_coordinator
):
    from twinning.accounts.models import Role

    programme.public = False
    programme.save(update_fields=["public"])
    url = f"/programmes/{programme.slug}/"
    assert client.get(url).status_code == 404
    assert testing.as_(client, cast.teacher_a.user).get(url).status_code == 404
    admin = testing.make_person(name="Hadas Admin")
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    for person in (admin, programme_coordinator, cast.admin):
        response = testing.as_(client, person).get(url)
        assert response.status_code == 200
        assert "This page is not published yet" in response.content.decode()


def test_no_pupil_name_or_username_appears_on_any_public_page(client, cast, programme, finished, published):
    """Every pupil of the network, by each name and username, looked for in every public page's HTML,
    in each language, with a story whose teacher tried to write a name in it."""
    create_pupils(school=cast.school_b, by=cast.teacher_b.user, names=["Ilan Vexler", "Sami Jaber"])
    with pytest.raises(ServiceError, match="names a pupil"):
        services.write_story(
            twinning=finished,
            by=cast.teacher_a.user,
            title="Thanks",
            body="Sami Jaber led the project.",
            language="en",
            photos=[],
        )
    searched = set()
    for display_name, full_name, username in Pupil.objects.values_list("display_name", "full_name", "user__username"):
        searched |= {value for value in (display_name, full_name, username) if value}
    assert len(searched) >= 4
    pages = [
        f"/programmes/{programme.slug}/",
        f"/programmes/{programme.slug}/?page=2",
        f"/programmes/{programme.slug}/stories/{published.pk}/",
    ]
    seen = 0
    for language in ("en", "he", "ar"):
        for url in pages:
            html = _in(client, language, url).content.decode()
            seen += 1
            found = [value for value in searched if value.casefold() in html.casefold()]
            assert found == [], (url, language, found)
    assert seen == 9


def test_the_showcase_pages_through_the_stories_in_a_constant_number_of_queries(
    client, cast, programme, published, finished
):
    def queries_for_page():
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/programmes/{programme.slug}/").status_code == 200
        return len(context.captured_queries)

    one = queries_for_page()
    from twinning.twinnings.models import Twinning

    for number in range(2):
        other = Twinning.objects.create(
            titles={"en": f"Other {number}"}, school_year=finished.school_year, programme=programme, status="closed"
        )
        other.schools.create(school=cast.school_a, status="joined")
        Story.objects.create(
            twinning=other,
            programme=programme,
            title=f"Story {number}",
            body="We met.",
            language="en",
            status=Story.Status.PUBLISHED,
            published_at=published.published_at,
        )
    three = queries_for_page()
    assert one == three
    assert len(client.get(f"/programmes/{programme.slug}/").context["page"].object_list) == 3
