"""A programme with a finished twinning of A and B, pupils whose families answered differently, and
photos of them in the workspace."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.accounts.models import Pupil, Role
from twinning.accounts.pupils import create_pupils
from twinning.consent import services as consent_services
from twinning.consent.models import Use
from twinning.schools.models import Programme
from twinning.showcase import services
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace_services


def png(colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def answer(pupil: Pupil, by, *, public: bool) -> None:
    """The family's paper form: everything agreed, public use as given."""
    answers = {use: (public if use == Use.PUBLIC else True) for use in Use.values}
    consent_services.record_paper_answers(pupil=pupil, by=by, answers=answers, language="en")


@pytest.fixture
def programme(cast):
    programme = Programme.objects.create(
        slug="bridges",
        names={"en": "Bridges", "he": "גשרים", "ar": "جسور"},
        descriptions={
            "en": "Classes of two countries learn together.",
            "he": "כיתות לומדות יחד.",
            "ar": "صفوف تتعلم معًا.",
        },
        public=True,
    )
    programme.countries.set([cast.israel, cast.uk])
    cast.school_a.programmes.add(programme)
    cast.school_b.programmes.add(programme)
    return programme


@pytest.fixture
def programme_coordinator(programme):
    person = testing.make_person(name="Rivka Programme")
    testing.grant(person, Role.Kind.COORDINATOR, programme=programme)
    return person


@pytest.fixture
def finished(cast, twinning, programme, media_root):
    """The cast's twinning, of the programme, with pupils and photos, then closed."""
    twinning.programme = programme
    twinning.save(update_fields=["programme"])
    row_a = twinning.schools.get(school=cast.school_a)
    (agreed, _p), (refused, _q) = create_pupils(
        school=cast.school_a, by=cast.teacher_a.user, names=["Yael Z.", "Omri Q."]
    )
    twinning_services.add_pupils(twinning=twinning, row=row_a, pupils=[agreed, refused], by=cast.teacher_a.user)
    answer(agreed, cast.teacher_a.user, public=True)
    answer(refused, cast.teacher_a.user, public=False)
    agreed.refresh_from_db()
    refused.refresh_from_db()

    def upload(title, pupils, colour):
        return workspace_services.upload_media(
            twinning=twinning,
            by=cast.teacher_a.user,
            upload=SimpleUploadedFile(f"{title}.png", png(colour)),
            title=title,
            pupils=pupils,
        )

    twinning.photo_ok = upload("harbour", [agreed], (10, 90, 160))
    twinning.photo_refused = upload("market", [agreed, refused], (160, 40, 40))
    twinning.photo_nobody = upload("bridge", [], (40, 160, 40))
    twinning.agreed, twinning.refused = agreed, refused
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user, reason="Year over")
    twinning.refresh_from_db()  # closed; the attributes set above stay
    return twinning


@pytest.fixture
def published(cast, finished, programme_coordinator):
    story = services.write_story(
        twinning=finished,
        by=cast.teacher_a.user,
        title="Two harbours, one sea",
        body="The classes compared their harbours and wrote a shared guide.",
        language="en",
        photos=[finished.photo_ok, finished.photo_nobody],
        everyone_tagged=True,
    )
    services.approve_story(story=story, by=programme_coordinator)
    story.refresh_from_db()
    return story
