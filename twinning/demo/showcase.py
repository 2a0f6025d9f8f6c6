"""The programmes' public pages in the demo: published, each with a logo and an accent colour, and two
stories of last year's finished twinnings, with photos of pupils whose families agreed to public use.
All through the services (the stories are checked for pupils' names and approved by a coordinator)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from twinning.accounts.models import Role, User
from twinning.accounts.pupils import create_pupils
from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year
from twinning.consent import services as consent_services
from twinning.consent.models import Use
from twinning.schools.models import Programme
from twinning.showcase import services
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace import services as workspace

# Each programme's accent colour, in its order by slug: both read at 4.5:1 or more.
ACCENTS = ("#0b5c8c", "#1d6b3a", "#6f42c1")
STORIES = (
    (
        {"en": "Two harbours, one sea"},
        "en",
        "Our two classes live by the sea, a thousand kilometres apart. All year we compared our harbours: "
        "who works there, what the boats carry, what the old maps show. Each class photographed its harbour "
        "and wrote captions for the other; in the spring we met live and built a shared guide in two "
        "languages. The pupils say the best part was discovering that the fishermen's songs sound alike.",
        [(20, 90, 160), (230, 190, 60)],
    ),
    (
        {"he": "מכתבים מעבר לים"},
        "he",
        "במשך השנה כתבו התלמידים מכתבים לכיתה השותפה: על החגים, על המשפחות ועל בית הספר. בכל חודש נבחר "
        "נושא חדש, והכיתות ענו זו לזו בפורום ובמפגשי וידאו. בסוף השנה הכינו יחד ספר מכתבים משותף, "
        "שהוצג בשני בתי הספר.",
        [(150, 60, 90), (60, 140, 110)],
    ),
)


def _picture(colours: list[tuple[int, int, int]], size=(480, 360)) -> bytes:
    """A simple drawn picture (sky, sea, sun): the demo ships no real photos of children."""
    sky, sea = colours
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=sea)
    draw.ellipse((size[0] - 140, 40, size[0] - 60, 120), fill=(250, 220, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _logo(colour: str) -> bytes:
    image = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(image)
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    draw.ellipse((20, 20, 140, 140), fill=rgb)
    draw.ellipse((100, 100, 220, 220), outline=rgb, width=14)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _deciders(programme: Programme) -> User | None:
    role = Role.objects.filter(kind=Role.Kind.COORDINATOR, programme=programme).select_related("user").first()
    return role.user if role else User.objects.filter(is_superuser=True).first()


def load_showcase() -> int:
    """Publish every programme's page and tell two finished twinnings' stories; returns the stories."""
    admin = User.objects.filter(is_superuser=True).first()
    if admin is None:
        return 0
    for programme, accent in zip(Programme.objects.order_by("slug"), ACCENTS, strict=False):
        services.set_public_page(
            programme=programme,
            by=admin,
            descriptions=programme.descriptions,
            accent_colour=accent,
            public=True,
            logo=SimpleUploadedFile("logo.png", _logo(accent)),
        )
    told = 0
    for twinning in Twinning.objects.filter(status=Twinning.Status.ACTIVE, programme__isnull=False).order_by("pk"):
        if told == len(STORIES):
            break
        if _tell(twinning, STORIES[told]):
            told += 1
    return told


def _tell(active: Twinning, story) -> bool:
    """Last year's twinning of the same two schools, finished, with its story published."""
    titles, language, body, colours = story
    rows = list(active.schools.filter(status=TwinningSchool.Status.JOINED).select_related("school", "contact"))
    teachers = {
        m.school_id: m.user
        for m in Membership.objects.filter(twinning=active, role=Membership.Role.TEACHER_ADMIN).select_related("user")
    }
    if len(rows) != 2 or any(row.school_id not in teachers for row in rows):
        return False
    home, away = rows
    host, guest = teachers[home.school_id], teachers[away.school_id]
    try:
        past = twinning_services.propose_twinning(
            from_school=home.school,
            to_schools=[away.school],
            by=host,
            school_year=current_school_year() - 1,
            titles=titles,
            programme=active.programme,
        )
    except ServiceError:
        return False
    programme = active.programme
    if programme is None:  # filtered above
        return False
    decider = _deciders(programme)
    twinning_services.answer_invitation(twinning=past, row=past.schools.get(school=away.school), by=guest, accept=True)
    twinning_services.approve_twinning(twinning=past, by=decider)
    twinning_services.start_twinning(twinning=past, by=host)
    # Two pupils whose families agreed to everything, the public page included, on paper.
    made = [pupil for pupil, _password in create_pupils(school=home.school, by=host, names=["Shira P.", "Eitan R."])]
    for pupil in made:
        consent_services.record_paper_answers(
            pupil=pupil, by=host, answers=dict.fromkeys(Use.values, True), language=language
        )
        pupil.refresh_from_db()
    twinning_services.add_pupils(twinning=past, row=past.schools.get(school=home.school), pupils=made, by=host)
    photos = [
        workspace.upload_media(
            twinning=past,
            by=host,
            upload=SimpleUploadedFile(f"picture-{n}.png", _picture(colours if n == 0 else colours[::-1])),
            title=f"Picture {n + 1}",
            pupils=made,
        )
        for n in range(2)
    ]
    twinning_services.close_twinning(twinning=past, by=host, reason="The school year is over.")
    past.refresh_from_db()
    written = services.write_story(
        twinning=past,
        by=host,
        title=next(iter(titles.values())),
        body=body,
        language=language,
        photos=photos,
        everyone_tagged=True,
    )
    services.approve_story(story=written, by=decider)
    return True
