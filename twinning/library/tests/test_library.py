"""The activity library through the client: writing, review, versions, search, and one-step reuse."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from twinning import testing
from twinning.common.models import Notification
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.library.models import Activity, Attachment, Use, Version
from twinning.library.tests.conftest import text, write
from twinning.testing import as_
from twinning.workspace.models import Activity as PlanStep

pytestmark = pytest.mark.django_db


def publish(client, reviewer, activity, number=1, note=""):
    return as_(client, reviewer).post(f"/library/{activity.pk}/versions/{number}/publish/", {"note": note})


def published(client, cast, **overrides) -> Activity:
    activity = write(client, cast.teacher_a.user, **overrides)
    assert publish(client, cast.coordinator, activity).status_code == 302
    activity.refresh_from_db()
    return activity


def titles_found(client, user, query: str = "") -> list[str]:
    page = as_(client, user).get(f"/library/?{query}").content.decode()
    return re.findall(r'data-testid="library-result">\s*<h3><a [^>]*>([^<]+)</a>', page)


def test_library_activity_is_reviewed_before_anyone_else_finds_it(client, cast, django_capture_on_commit_callbacks):
    activity = write(client, cast.teacher_a.user)
    version = activity.versions.get()
    assert (activity.status, version.state) == (Activity.Status.DRAFT, Version.State.SUBMITTED)
    # Not published: the partner teacher neither finds nor opens it; its author and a reviewer do.
    assert titles_found(client, cast.teacher_b.user) == []
    assert as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/").status_code == 404
    assert as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/versions/1/").status_code == 404
    assert as_(client, cast.teacher_a.user).get(f"/library/{activity.pk}/versions/1/").status_code == 200
    queue = as_(client, cast.coordinator).get("/library/review/").content.decode()
    assert queue.count('data-testid="queue-row"') == 1
    # The author cannot publish it; a coordinator can.
    assert publish(client, cast.teacher_a.user, activity).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(client, cast.coordinator, activity, note="Lovely").status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.published.number) == (Activity.Status.PUBLISHED, 1)
    assert titles_found(client, cast.teacher_b.user) == ["Our streets, our stories"]
    assert Notification.objects.get(recipient=cast.teacher_a.user).kind == "library_published"
    assert [m.to for m in mail.outbox] == [[cast.teacher_a.user.email]]


def test_library_reviewer_never_publishes_their_own_version(client, cast):
    other_coordinator = testing.make_person(name="Second Coordinator")
    testing.grant(other_coordinator, "coordinator", nso=cast.il_nso)
    activity = write(client, cast.coordinator)
    assert as_(client, cast.coordinator).get("/library/review/").content.decode().count('data-testid="queue-row"') == 0
    assert publish(client, cast.coordinator, activity).status_code == 404
    assert activity.versions.get().state == Version.State.SUBMITTED
    assert publish(client, other_coordinator, activity).status_code == 302


def test_library_return_needs_a_note_and_the_author_sends_it_again(client, cast):
    activity = write(client, cast.teacher_a.user)
    url = f"/library/{activity.pk}/versions/1/return/"
    response = as_(client, cast.coordinator).post(url, {"note": ""})
    assert "Tell the author what to change." in response.content.decode()
    assert activity.versions.get().state == Version.State.SUBMITTED
    as_(client, cast.coordinator).post(url, {"note": "Add a step for the reply."})
    version = activity.versions.get()
    assert (version.state, version.review_note) == (Version.State.RETURNED, "Add a step for the reply.")
    assert Notification.objects.get(recipient=cast.teacher_a.user).kind == "library_returned"
    edit = as_(client, cast.teacher_a.user).get(f"/library/{activity.pk}/edit/").content.decode()
    assert "Add a step for the reply." in edit
    steps = "Walk the street\nTake three photographs\nWrite a caption for each\nPost them\nAnswer the partners"
    as_(client, cast.teacher_a.user).post(f"/library/{activity.pk}/submit/", text(steps=steps))
    version.refresh_from_db()
    assert (version.number, version.state, version.lines("steps")[-1]) == (1, "submitted", "Answer the partners")


def test_library_new_version_waits_for_review_while_the_published_one_stays(client, cast):
    activity = published(client, cast)
    form = text(
        title="Our streets, our stories (with a map)", goals="Describe a place\nRead a map", change_note="A map"
    )
    as_(client, cast.teacher_a.user).post(f"/library/{activity.pk}/submit/", form)
    assert list(activity.versions.values_list("number", "state")) == [(2, "submitted"), (1, "published")]
    # Everybody else still reads version 1; version 2 is for the author and the reviewers.
    page = as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/").content.decode()
    assert "<h1><bdi>Our streets, our stories</bdi></h1>" in page
    assert as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/versions/2/").status_code == 404
    review = as_(client, cast.coordinator).get(f"/library/{activity.pk}/versions/2/").content.decode()
    assert '<li class="diff-removed">' in review and "Read a map</li>" in review
    assert publish(client, cast.coordinator, activity, number=2).status_code == 302
    assert list(activity.versions.values_list("number", "state")) == [(2, "published"), (1, "superseded")]
    page = as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/").content.decode()
    assert "<h1><bdi>Our streets, our stories (with a map)</bdi></h1>" in page
    # The history shows what each version changed from the one before it.
    history = as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/versions/2/").content.decode()
    assert "Changes from the version before" in history and '<li class="diff-added">' in history
    # Earlier versions stay readable in the history.
    assert as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/versions/1/").status_code == 200
    # Another teacher uses it as it is: no editing.
    assert as_(client, cast.teacher_b.user).get(f"/library/{activity.pk}/edit/").status_code == 404


def test_library_search_filters_combine(client, cast):
    published(client, cast, title="Streets", occasions=["hanukkah"], age_from="8", age_to="10", duration_minutes="45")
    published(
        client,
        cast,
        title="Lights of winter",
        summary="Festivals of light in both towns.",
        themes=["history"],
        occasions=["hanukkah", "ramadan"],
        duration_minutes="180",
    )
    published(client, cast, title="Water", themes=["science"], languages=["he", "en"], age_from="12", age_to="16")
    reader = cast.teacher_b.user
    assert sorted(titles_found(client, reader)) == ["Lights of winter", "Streets", "Water"]
    assert titles_found(client, reader, "occasion=hanukkah&sort=title") == ["Lights of winter", "Streets"]
    assert titles_found(client, reader, "occasion=ramadan") == ["Lights of winter"]
    assert titles_found(client, reader, "theme=science") == ["Water"]
    assert titles_found(client, reader, "language=he") == ["Water"]
    assert titles_found(client, reader, "age=9&sort=title") == ["Streets"]
    assert titles_found(client, reader, "age=12&sort=title") == ["Lights of winter", "Water"]
    assert titles_found(client, reader, "longest=90&sort=title") == ["Streets", "Water"]
    assert titles_found(client, reader, "q=light+towns") == ["Lights of winter"]
    assert titles_found(client, reader, "q=light&theme=science") == []
    # Nonsense in the address is a form message, not an error page.
    response = as_(client, reader).get("/library/?age=abc&theme=nonsense&sort=evil")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_library_withdrawn_activity_leaves_the_search_but_not_the_plans(client, cast, twinning):
    activity = published(client, cast)
    as_(client, cast.teacher_a.user).post(
        f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "2026-12-01"}
    )
    assert (
        as_(client, cast.teacher_b.user).post(f"/library/{activity.pk}/withdraw/", {"reason": "x"}).status_code == 404
    )
    as_(client, cast.coordinator).post(f"/library/{activity.pk}/withdraw/", {"reason": "Copied from a textbook"})
    activity.refresh_from_db()
    assert activity.status == Activity.Status.WITHDRAWN
    assert titles_found(client, cast.teacher_b.user) == []
    assert PlanStep.objects.filter(twinning=twinning).count() == 1
    response = as_(client, cast.teacher_a.user).post(
        f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "2026-12-01"}
    )
    assert response.status_code == 400
    assert "Only a published activity can be added to a plan." in response.content.decode()


def test_library_add_to_plan_is_one_step_and_counts_each_twinning_once(client, cast, twinning):
    activity = published(client, cast)
    other = testing.approved_twinning_with_new_partner(cast, name="Leeds Grammar")
    teacher = as_(client, cast.teacher_a.user)
    page = teacher.get(f"/library/{activity.pk}/?twinning={twinning.pk}").content.decode()
    assert f'<option value="{twinning.pk}" selected>' in page
    response = teacher.post(
        f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "2026-12-01", "due_on": ""}
    )
    step = PlanStep.objects.get(twinning=twinning)
    assert response.url == f"/twinnings/{twinning.pk}/plan/#activity-{step.pk}"
    assert (step.title, step.description, str(step.starts_on)) == (
        "Our streets, our stories",
        "Each class photographs its street and writes to the partner class about it.",
        "2026-12-01",
    )
    assert Use.objects.get().version.number == 1
    teacher.post(f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "2027-03-01"})
    activity.refresh_from_db()
    assert (PlanStep.objects.filter(twinning=twinning).count(), activity.use_count) == (2, 1)
    teacher.post(f"/library/{activity.pk}/add-to-plan/", {"twinning": other.pk, "starts_on": "2026-12-01"})
    activity.refresh_from_db()
    assert activity.use_count == 2
    plan = teacher.get(f"/twinnings/{twinning.pk}/plan/").content.decode()
    assert plan.count(f'href="/library/{activity.pk}/">from the library</a>') == 2
    assert 'data-testid="use-count">Used in 2 twinnings' in teacher.get(f"/library/{activity.pk}/").content.decode()


def test_library_add_to_plan_refuses_other_twinnings_and_bad_dates(client, cast, twinning):
    activity = published(client, cast)
    outsider_school = testing.make_school(country=cast.uk, name="Far School")
    outsider = testing.make_teacher(school=outsider_school, name="Out Sider")
    # Not a member of the twinning: the choice is not theirs to make.
    response = as_(client, outsider.user).post(
        f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "2026-12-01"}
    )
    assert response.status_code == 400
    response = as_(client, cast.teacher_a.user).post(
        f"/library/{activity.pk}/add-to-plan/",
        {"twinning": twinning.pk, "starts_on": "2026-12-10", "due_on": "2026-12-01"},
    )
    assert "The activity cannot be due before it starts." in response.content.decode()
    response = as_(client, cast.teacher_a.user).post(
        f"/library/{activity.pk}/add-to-plan/", {"twinning": twinning.pk, "starts_on": "soon"}
    )
    assert "Enter a valid date." in response.content.decode()
    assert (PlanStep.objects.count(), Use.objects.count()) == (0, 0)


def test_library_is_not_for_pupils(client, cast, twinning, pupils):
    activity = published(client, cast)
    ours, _theirs = pupils
    for url in ("/library/", f"/library/{activity.pk}/", "/library/new/", f"/library/{activity.pk}/versions/1/"):
        assert as_(client, ours.user).get(url).status_code == 404, url


def test_library_bad_input_saves_nothing_and_says_why(client, cast):
    response = as_(client, cast.teacher_a.user).post("/library/new/", text(age_from="14", age_to="10", themes=[]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The oldest age cannot be below the youngest." in body
    assert "This field is required." in body
    assert Activity.objects.count() == 0
    # Pending teachers do not write (they read).
    assert as_(client, cast.pending_il.user).get("/library/new/").status_code == 404
    assert as_(client, cast.pending_il.user).get("/library/").status_code == 200


def test_library_hebrew_page_is_right_to_left_with_hebrew_tags(client, cast):
    published(client, cast, occasions=["hanukkah"])
    cast.teacher_b.user.preferred_language = "he"
    cast.teacher_b.user.save(update_fields=["preferred_language"])
    page = as_(client, cast.teacher_b.user).get("/library/").content.decode()
    assert '<html lang="he" dir="rtl">' in page
    assert '<span class="badge badge-ok">חנוכה</span>' in page


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_library_files_are_checked_carried_into_new_versions_and_hidden_in_drafts(client, cast, media_root):
    activity = write(client, cast.teacher_a.user, submit=False)
    author = as_(client, cast.teacher_a.user)
    author.post(f"/library/{activity.pk}/attachments/", {"file": SimpleUploadedFile("street.jpg", jpeg_with_gps())})
    refused = author.post(
        f"/library/{activity.pk}/attachments/", {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary")}
    )
    assert refused.status_code == 302
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}
    url = f"/library/{activity.pk}/attachments/{attachment.pk}/"
    assert as_(client, cast.teacher_b.user).get(url).status_code == 404
    as_(client, cast.teacher_a.user).post(f"/library/{activity.pk}/submit/", text())
    publish(client, cast.coordinator, activity)
    assert as_(client, cast.teacher_b.user).get(url).status_code == 200
    # A new version carries the file; removing it there keeps the published version's copy.
    author = as_(client, cast.teacher_a.user)
    author.post(f"/library/{activity.pk}/edit/", text(change_note="No photo"))
    carried = Attachment.objects.get(version__number=2)
    assert carried.file.name == attachment.file.name
    author.post(f"/library/{activity.pk}/attachments/{carried.pk}/remove/")
    assert list(Attachment.objects.values_list("version__number", flat=True)) == [1]
    assert attachment.file.storage.exists(attachment.file.name)
    # The published version's file cannot be removed through a tampered address.
    assert author.post(f"/library/{activity.pk}/attachments/{attachment.pk}/remove/").status_code == 404


def test_library_search_queries_do_not_grow_with_results(client, cast):
    published(client, cast, title="One")
    reader = as_(client, cast.teacher_b.user)
    reader.get("/library/")
    with CaptureQueriesContext(connection) as one:
        reader.get("/library/?sort=title")
    published(client, cast, title="Two", themes=["history", "science"], occasions=["ramadan"])
    published(client, cast, title="Three", occasions=["purim", "hanukkah"])
    reader = as_(client, cast.teacher_b.user)
    reader.get("/library/")
    with CaptureQueriesContext(connection) as three:
        body = reader.get("/library/?sort=title").content.decode()
    assert body.count('data-testid="library-result"') == 3
    assert len(three) == len(one)


def test_library_a_reviewer_cannot_rewrite_a_teachers_version_and_publish_it_alone(client, cast, media_root):
    activity = write(client, cast.teacher_a.user)
    reviewer = as_(client, cast.coordinator)
    assert reviewer.post(f"/library/{activity.pk}/edit/", text(title="Rewritten")).status_code == 404
    upload = {"file": SimpleUploadedFile("map.png", png_bytes())}
    assert reviewer.post(f"/library/{activity.pk}/attachments/", upload).status_code == 404
    # A review with no decision in it decides nothing.
    assert reviewer.post(f"/library/{activity.pk}/versions/1/", {"note": "?"}).status_code == 404
    version = activity.versions.get()
    assert (version.title, version.state, version.attachments.count()) == ("Our streets, our stories", "submitted", 0)


def test_library_one_mistyped_filter_keeps_the_others_and_odd_digits_are_no_error(client, cast):
    published(client, cast, title="Streets")
    reader = as_(client, cast.teacher_b.user)
    assert titles_found(client, cast.teacher_b.user, "q=nomatch&age=abc") == []
    assert reader.get(f"/library/{Activity.objects.get().pk}/?twinning=²").status_code == 200


def test_library_word_file_loses_its_author_and_a_zip_bomb_is_refused(client, cast, media_root):
    from twinning.common.uploads.tests import corpus

    activity = write(client, cast.teacher_a.user, submit=False)
    author = as_(client, cast.teacher_a.user)
    url = f"/library/{activity.pk}/attachments/"
    response = author.post(url, {"file": SimpleUploadedFile("plan.docx", corpus.docx_zip_bomb())}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "This document holds far more data than its size suggests, so it cannot be shared. "
        "Save it again from the program that made it."
    ]
    assert (Attachment.objects.count(), corpus.stored_files(media_root)) == (0, [])
    author.post(url, {"file": SimpleUploadedFile("plan.docx", corpus.docx_with_author())})
    body = Attachment.objects.get().file.read()
    assert (corpus.AUTHOR.encode() in body, corpus.COMPANY.encode() in body) == (False, False)
