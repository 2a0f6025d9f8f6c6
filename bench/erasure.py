"""Erasing a pupil who uploaded 200 media items and appears in 200 more (small real files on disk).

Run by `make bench`. A throw-away SQLite database and media folder get a network in several
countries and languages (Hebrew, Arabic, English and French names; schools for ages 6-11, 10-14,
14-18), a twinning of four schools, and two pupils set up alike: each uploads 200 photos, appears in
200 photos a teacher uploaded (with classmates), and writes 40 posts. One pupil is erased through the
privacy register (`common.privacy.erase_person`: every app's rule, the audit and notification scans,
the files removed after the commit); the other's same rows and files are removed with plain queryset
deletes, the least any erasure must do. Both are printed beside the time it took to write those rows
and files in the first place (one upload goes through the real checks; the rest are written as an
accepted upload leaves them, so the reference is the database and the disk, not the checks).
"""

import io
import os
import time
import uuid
from pathlib import Path

import _setup

WORK = _setup.django_in_throwaway_folder("erasure")  # before anything of Django's is imported

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from PIL import Image  # noqa: E402

from twinning import testing  # noqa: E402
from twinning.accounts import pupils as pupil_service  # noqa: E402
from twinning.accounts.models import Pupil  # noqa: E402
from twinning.common import privacy  # noqa: E402
from twinning.common.notifications import emails_muted  # noqa: E402
from twinning.twinnings import services as twinnings  # noqa: E402
from twinning.workspace import services as workspace  # noqa: E402
from twinning.workspace.models import MediaItem, Post  # noqa: E402

UPLOADED, APPEARS_IN, POSTS = 200, 200, 40
SCHOOLS = [
    (
        "IL",
        "Israel",
        "Asia/Jerusalem",
        "sun_thu",
        "בית ספר הגליל",
        "דנה לוי",
        ["נועה כ.", "יוסף מ.", "תמר ש."],
        (9, 12),
    ),
    ("JO", "Jordan", "Asia/Amman", "sun_thu", "مدرسة عمّان", "ليلى حداد", ["سارة ع.", "محمد ك.", "يوسف ن."], (10, 14)),
    (
        "GB",
        "United Kingdom",
        "Europe/London",
        "mon_fri",
        "King David School",
        "Sarah Cohen",
        ["Tom W.", "Amy L."],
        (11, 15),
    ),
    ("FR", "France", "Europe/Paris", "mon_fri", "Lycée Victor Hugo", "Élodie Martin", ["Chloé D.", "Léo B."], (10, 14)),
]


def png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 18), (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)).save(out, "PNG")
    return out.getvalue()


def network():
    coordinator = testing.make_person(name="Avi Coordinator")
    schools, teachers, classes = [], [], []
    for code, country_name, zone, week, school_name, teacher_name, names, ages in SCHOOLS:
        country = testing.make_country(
            code, country_name, nso=testing.make_nso(code.lower(), f"{code} NSO"), time_zone=zone, week=week
        )
        school = testing.make_school(country=country, name=school_name)
        school.age_from, school.age_to = ages
        school.save(update_fields=["age_from", "age_to"])
        teacher = testing.make_teacher(school=school, name=teacher_name)
        made = pupil_service.create_pupils(school=school, by=teacher.user, names=names)
        schools.append(school)
        teachers.append(teacher)
        classes.append([pupil for pupil, _password in made])
    twinning = twinnings.propose_twinning(
        from_school=schools[0], to_schools=schools[1:], by=teachers[0].user, school_year=2026, titles={"en": "Rivers"}
    )
    for school, teacher in zip(schools[1:], teachers[1:], strict=True):
        twinnings.answer_invitation(
            twinning=twinning, row=twinning.schools.get(school=school), by=teacher.user, accept=True
        )
    twinnings.approve_twinning(twinning=twinning, by=coordinator)
    twinnings.start_twinning(twinning=twinning, by=teachers[0].user)
    for index, (school, teacher, pupils) in enumerate(zip(schools, teachers, classes, strict=True)):
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]).update(consent_face=True)
        classes[index] = pupils = list(Pupil.objects.filter(pk__in=[p.pk for p in pupils]).order_by("pk"))
        twinnings.add_pupils(twinning=twinning, row=twinning.schools.get(school=school), pupils=pupils, by=teacher.user)
    twinning.moderate_pupils = False
    twinning.save(update_fields=["moderate_pupils"])
    return twinning, teachers, classes


def stored(twinning, by, school, data: bytes, title: str) -> MediaItem:
    """A photo row and its file, written as an upload that passed its checks leaves them."""
    name = default_storage.save(f"workspace/{twinning.pk}/{uuid.uuid4().hex}.png", ContentFile(data))
    return MediaItem.objects.create(
        twinning=twinning,
        uploader=by,
        kind="photo",
        title=title,
        file=name,
        content_type="image/png",
        size=len(data),
        original_name=f"{title}.png",
        school=school,
    )


def fill(twinning, teacher, pupil, classmates, offset: int) -> float:
    """The pupil's 200 uploads, 200 photos they appear in, 40 posts; seconds taken to write them."""
    # One upload through the real checks, so the rows are the ones the site makes.
    workspace.upload_media(
        twinning=twinning, by=pupil.user, upload=SimpleUploadedFile("first.png", png(offset)), title="First"
    )
    start = time.perf_counter()
    with transaction.atomic():
        thread = workspace.start_thread(twinning=twinning, by=teacher.user, title="Our rivers", body="Tell us")
        for i in range(POSTS):
            workspace.reply(thread=thread, by=pupil.user, body=f"Message {i} about the river")
        for i in range(UPLOADED - 1):
            stored(twinning, pupil.user, pupil.school, png(offset + i + 1), f"Drawing {i}")
        for i in range(APPEARS_IN):
            item = stored(twinning, teacher.user, teacher.school, png(offset + 1000 + i), f"Class photo {i}")
            item.pupils.add(pupil, *classmates[:2])
    return time.perf_counter() - start


def files_of(pupil) -> list[str]:
    rows = MediaItem.objects.filter(uploader=pupil.user) | MediaItem.objects.filter(pupils=pupil)
    return list(rows.distinct().values_list("file", flat=True))


def plain_delete(pupil) -> None:
    """The least an erasure does: the rows and the files, with no register, scan or audit."""
    names = files_of(pupil)
    with transaction.atomic():
        MediaItem.objects.filter(pk__in=MediaItem.objects.filter(uploader=pupil.user).values("pk")).delete()
        MediaItem.objects.filter(pk__in=MediaItem.objects.filter(pupils=pupil).values("pk")).delete()
        Post.objects.filter(author=pupil.user).update(author=None, body="")
        pupil.user.delete()
    media = Path(os.environ["TWINNING_MEDIA_ROOT"])
    for name in names:
        (media / name).unlink()


def main() -> None:
    _setup.migrate()
    with emails_muted():
        twinning, teachers, classes = network()
        israeli, jordanian = classes[0], classes[1]
        created_a = fill(twinning, teachers[0], israeli[0], israeli[1:], 0)
        created_b = fill(twinning, teachers[1], jordanian[0], jordanian[1:], 5000)
    erased, plain = israeli[0], jordanian[0]
    names = files_of(erased)
    media = Path(os.environ["TWINNING_MEDIA_ROOT"])
    assert all((media / name).exists() for name in names) and len(names) == UPLOADED + APPEARS_IN

    start = time.perf_counter()
    privacy.erase_person(person=privacy.person_for(erased.user), by=teachers[0].user)
    erasure = time.perf_counter() - start
    left = sum((media / name).exists() for name in names)

    start = time.perf_counter()
    plain_delete(plain)
    reference = time.perf_counter() - start

    print(f"erasure: a pupil with {UPLOADED} uploads, {APPEARS_IN} photos they appear in, {POSTS} posts")
    print(f"  writing the same rows and files:               {created_a:7.3f} s  (the second pupil: {created_b:.3f} s)")
    print(f"  plain queryset deletes of the same rows+files: {reference:7.3f} s")
    print(f"  erase_person through the privacy register:     {erasure:7.3f} s")
    print(f"  erasure / plain delete: {erasure / reference:5.1f}x   erasure / creation: {erasure / created_a:6.3f}")
    print(f"  files left after erasure: {left} of {len(names)}")


if __name__ == "__main__":
    try:
        main()
    finally:
        _setup.remove(WORK)
