"""Erasing many pupils at once (`erase_people`, the nightly retention job's way) leaves exactly what
erasing them one after the other (`erase_person`) leaves: every table's rows and the files removed, a
refused pupil kept; and its statements do not grow with the pupils beyond each person's own steps."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.accounts import pupils as pupil_service
from twinning.accounts.models import Pupil, User
from twinning.accounts.tests.photos import png, upload
from twinning.common import privacy
from twinning.common.errors import ServiceError
from twinning.common.models import AuditEntry, DataExport, Email, Notification
from twinning.consent import services as consent
from twinning.consent.models import ConsentAnswer, Use
from twinning.workspace import services as workspace
from twinning.workspace.models import MediaItem, Post

pytestmark = pytest.mark.django_db

NAMES = ["Maya K.", "Noa L.", "Yosef M.", "Sara A.", "Adam B.", "Lina C.", "Omer D.", "Dana E."]


def _class_of(client, cast, twinning, names: list[str]) -> list[Pupil]:
    testing.create_pupils_on_the_page(client, cast.teacher_a, names)
    made = list(Pupil.objects.filter(school=cast.school_a).order_by("pk"))
    testing.as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/members/", {"pupil": [pupil.pk for pupil in made]}
    )
    return made


@pytest.fixture
def varied_class(client, cast, twinning, media_root, django_capture_on_commit_callbacks):
    """Eight pupils of school A in the twinning, each with a different share of everything erasure
    touches: posts (quoted by the partner teacher), their own thread, drawings they uploaded, class
    photos several of them appear in, consent links and signed paper forms with scans, full names
    (in the audit log and the consent texts), notifications to them and naming them, e-mails and the
    admin site's history naming them, a session. The sixth has a copy of their data waiting to be
    downloaded: refused."""
    teacher = cast.teacher_a.user
    pupils = _class_of(client, cast, twinning, NAMES)
    thread = workspace.start_thread(twinning=twinning, by=teacher, title="Our towns", body="Hello all")
    for n, pupil in enumerate(pupils):
        if n % 2 == 0:
            post = workspace.reply(thread=thread, by=pupil.user, body=f"My town, by {pupil.display_name}")
            workspace.moderate(item=post, by=teacher, approve=True)
            workspace.reply(thread=thread, by=cast.teacher_b.user, body="Lovely!", quote=post)
        if n % 3 == 0:
            workspace.start_thread(twinning=twinning, by=pupil.user, title=f"Football {n}", body="Who plays?")
        if n % 3 == 1:
            drawing = upload(twinning, pupil.user, title=f"Drawing {n}")
            workspace.moderate(item=drawing, by=teacher, approve=True)
        if n % 2 == 1:
            consent.send_consent_link(pupil=pupil, by=teacher, email=f"family{n}@example.org", language="he")
        if n < 5 or n % 2 == 0:  # the first five may appear in photos: their families agreed to everything
            consent.record_paper_answers(
                pupil=pupil,
                by=teacher,
                answers={use: n < 5 or (n + i) % 2 == 0 for i, use in enumerate(Use.values)},
                language="ar" if n % 2 else "he",
                scan=SimpleUploadedFile("signed-form.png", png((20, 20, 200 - n))),
            )
        if n in (0, 3, 5):
            pupil.refresh_from_db()
            if pupil.consent_full_name:
                pupil_service.set_names(
                    pupil=pupil, by=teacher, display_name=pupil.display_name, full_name=f"{pupil.display_name}aleh"
                )
        Notification.objects.create(recipient=pupil.user, kind="workspace_post_held", params={})
        if n % 2 == 0:
            Notification.objects.create(
                recipient=cast.teacher_b.user, kind="workspace_post_held", params={"name": pupil.display_name}
            )
            Email.objects.create(
                message_id=f"<{n}@x>", from_email="site@x", to=[teacher.email], subject="Hi", body=pupil.display_name
            )
        if n == 4:
            LogEntry.objects.create(
                user=cast.admin,
                content_type=ContentType.objects.get_for_model(Pupil),
                object_id=str(pupil.pk),
                object_repr=pupil.display_name,
                action_flag=ADDITION,
            )
    # Class photos: several pupils in each, one pupil in two (a row of several people, deleted once).
    upload(twinning, teacher, title="Class photo", pupils=pupils[:3])
    upload(twinning, teacher, title="Trip", pupils=pupils[2:5])
    upload(twinning, teacher, title="The school garden")
    for pupil in pupils[:2]:
        signed_in = testing.Client()
        signed_in.force_login(pupil.user)
    with django_capture_on_commit_callbacks(execute=True):  # the copy is built by a job once asked
        testing.as_(client, teacher).post(f"/accounts/pupils/{pupils[5].pk}/data/")
    assert DataExport.objects.filter(subject=pupils[5].user).exists()
    assert ConsentAnswer.objects.filter(request__pupil__in=pupils).exists()
    assert MediaItem.objects.filter(pupils__in=pupils).count() > 3
    return pupils


def _snapshot() -> dict[str, list[str]]:
    """Every table's rows, as sorted JSON lines. Audit entries without their key and time: the batch
    writes its erasure entries after every pupil's rows are gone, one by one each after its own."""
    found = {}
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        if model is AuditEntry:
            columns = [name for name in columns if name not in ("id", "at")]
        rows = model._default_manager.order_by().values(*columns)
        found[model._meta.label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    return found


def _after(erase, monkeypatch) -> tuple[dict[str, list[str]], list[str]]:
    """The rows left and the files that would be removed once `erase` commits, then rolled back."""
    removed: list[str] = []
    with transaction.atomic():
        start = len(connection.run_on_commit)
        erase()
        rows = _snapshot()
        with monkeypatch.context() as patch:
            patch.setattr(default_storage, "delete", removed.append)
            for _savepoints, callback, _robust in connection.run_on_commit[start:]:
                callback()
        transaction.set_rollback(True)
    return rows, sorted(removed)


def test_erasing_pupils_in_a_batch_leaves_what_erasing_them_in_turn_leaves(cast, varied_class, monkeypatch):
    people = [privacy.person_for(pupil.user) for pupil in varied_class]
    before = _snapshot()
    refused: list = []

    def in_a_batch():
        refused.extend(privacy.erase_people(people=people, by=cast.teacher_a.user))

    def in_turn():
        for person in people:
            try:
                privacy.erase_person(person=person, by=cast.teacher_a.user)
            except ServiceError:
                continue

    batch_rows, batch_files = _after(in_a_batch, monkeypatch)
    assert _snapshot() == before  # rolled back: the second way starts from the same rows
    turn_rows, turn_files = _after(in_turn, monkeypatch)

    assert [(person.user.pk, len(reasons)) for person, reasons in refused] == [(varied_class[5].user_id, 1)]
    assert batch_rows == turn_rows
    assert batch_files == turn_files
    # Something was erased, and the refused pupil was not.
    assert len(batch_files) >= 8
    assert len(batch_rows["accounts.User"]) == len(before["accounts.User"]) - 7
    assert len(batch_rows["common.AuditEntry"]) == len(before["common.AuditEntry"]) + 7
    erased = [json.loads(row) for row in batch_rows["common.AuditEntry"] if "privacy.pupil_erased" in row]
    assert len(erased) == 7 and all(entry["target_id"] is None for entry in erased)
    # A photo several of them appear in is counted once, for the first (as one after the other).
    gone = [pupil for n, pupil in enumerate(varied_class) if n != 5]
    theirs = MediaItem.objects.filter(Q(pupils__in=gone) | Q(uploader__in=[p.user for p in gone])).distinct()
    assert sum(entry["data"]["rows"].get("workspace.MediaItem", 0) for entry in erased) == theirs.count() == 5


def test_a_refused_pupil_is_kept_and_the_others_erased(cast, varied_class):
    people = [privacy.person_for(pupil.user) for pupil in varied_class]
    refused = privacy.erase_people(people=people, by=None)
    assert [person.user.pk for person, _reasons in refused] == [varied_class[5].user_id]
    assert "has not been downloaded yet" in refused[0][1][0]
    assert list(Pupil.objects.filter(school=cast.school_a)) == [varied_class[5]]
    assert Post.objects.filter(author=varied_class[5].user).count() == 0  # the sixth wrote nothing
    assert User.objects.filter(pk=varied_class[5].user_id).exists()
    assert AuditEntry.objects.filter(action="privacy.pupil_erased").count() == 7


# Each person's own statements, at most, for the pupils below: the two refusal checks (an export
# waiting, an only contact in an open twinning) 2, the hand-over step's read of a teacher profile 1,
# their audit entry 1, and the entries with their own `erase_with`: the audit log 4 (entries about
# them, entries naming them, emptying the author, emptying the texts), notifications 3 (naming them,
# theirs, deleting theirs), e-mails 1-3 (naming them; deleting those), consent 4-6 (the answers read
# and deleted, the texts naming them; deleting those), sessions 1, throttles 1, the admin site's
# history 2. Everything else is a statement (or a few) per register entry, whatever the number.
PER_PERSON = 24


def _statements(client, cast, twinning, names: list[str]) -> int:
    teacher = cast.teacher_a.user
    pupils = _class_of(client, cast, twinning, names)
    thread = workspace.start_thread(twinning=twinning, by=teacher, title="Our towns", body="Hello all")
    for pupil in pupils:
        post = workspace.reply(thread=thread, by=pupil.user, body="My town")
        workspace.moderate(item=post, by=teacher, approve=True)
        Notification.objects.create(recipient=pupil.user, kind="workspace_post_held", params={})
        consent.send_consent_link(pupil=pupil, by=teacher, email="family@example.org", language="he")
        consent.record_paper_answers(pupil=pupil, by=teacher, answers=dict.fromkeys(Use.values, True), language="he")
    pupils = list(Pupil.objects.filter(pk__in=[p.pk for p in pupils]))
    upload(twinning, teacher, title="Class photo", pupils=pupils)
    people = [privacy.person_for(pupil.user) for pupil in pupils]
    with CaptureQueriesContext(connection) as queries:
        assert privacy.erase_people(people=people, by=teacher) == []
    assert not Pupil.objects.filter(pk__in=[p.pk for p in pupils]).exists()
    return len(queries)


@pytest.mark.parametrize("count", [20])
def test_statements_do_not_grow_with_the_pupils(client, cast, twinning, media_root, count):
    one = _statements(client, cast, twinning, ["Maya K."])
    many = _statements(client, cast, twinning, [f"Pupil {n}" for n in range(count)])
    assert one < many <= one + (count - 1) * PER_PERSON
