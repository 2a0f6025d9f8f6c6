"""The library's test helpers: an activity's form, writing one through the page, and submitting one through the
services (for lists of many)."""

from twinning.library import services
from twinning.library.models import Activity, Version
from twinning.schools.models import Language, Subject
from twinning.testing import as_


def text(**overrides) -> dict:
    values = {
        "title": "Our streets, our stories",
        "summary": "Each class photographs its street and writes to the partner class about it.",
        "goals": "Describe a place\nAsk questions about another culture",
        "steps": "Walk the street\nTake three photographs\nWrite a caption for each\nPost them in the forum",
        "materials": "A camera or phone",
        "age_from": "10",
        "age_to": "14",
        "duration_minutes": "90",
        "text_language": "en",
        "themes": ["geography"],
        "languages": ["en"],
        "occasions": [],
        "change_note": "",
    }
    values.update(overrides)
    return values


def write(client, user, *, submit=True, **overrides) -> Activity:
    url = "/library/new/submit/" if submit else "/library/new/"
    response = as_(client, user).post(url, text(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Activity.objects.latest("pk")


def submitted(user, title: str) -> Version:
    """A short activity written and sent for review by `user` through the services."""
    english = Language.objects.get(pk="en")
    version = services.start_activity(
        by=user,
        text=services.Text(
            title=title,
            summary="A walk through the streets of both towns.",
            goals="Describe a place",
            steps="Walk\nWrite",
            age_from=10,
            age_to=14,
            duration_minutes=45,
            text_language=english,
            themes=[Subject.objects.get(pk="geography")],
            languages=[english],
        ),
    )
    services.submit(version=version, by=user)
    return version
