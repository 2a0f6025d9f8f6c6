"""Programmes are boundaries: one programme's staff never read another programme's twinnings.

Two programmes connect the same countries (Israel and the United Kingdom) and share one school. Each
has twinnings with pupils, posts, pages, a guidance note, a meeting and a health record, all marked
with a text of their own (``SECRET_P_*``, ``SECRET_Q_*``). Each programme's coordinator and
administrator then walk every page reachable from their dashboard (every link of every page, the
downloads too, XLSX files read inside) and ask directly for the other programme's twinnings' pages:
no answer, and no e-mail sent to them while the network was made and walked, shows the other's
markers. The shared school's teacher sees both of its twinnings.

What is the network's and not a programme's stays visible to every signed-in adult: the directory of
schools (a school's name, city and validated teachers) and awarded quality labels.
"""

import io
import re
import zipfile
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Role
from twinning.accounts.pupils import create_pupils
from twinning.common.school_year import current_school_year
from twinning.coordination import services as coordination_services
from twinning.coordination.models import GuidanceEntry
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.schools import services as school_services
from twinning.schools.models import Programme, ValidationStatus
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace_services

pytestmark = pytest.mark.django_db

# Pages the walk does not follow: signing out ends the session; the others show what the page they
# come from shows, week after week (a twinning's meeting planner), or are files with no text (photos).
SKIP = re.compile(r"^/(accounts/logout|accounts/signout|static/|media/|i18n/)|[?&]week=|\.ics$|/file/|/thumb/")
LIMIT = 400


def _twinning(*, programme, left, right, by_left, by_right, approver, title):
    twinning = twinning_services.propose_twinning(
        from_school=left,
        to_schools=[right],
        by=by_left.user,
        school_year=current_school_year(),
        titles={"en": title},
        programme=programme,
    )
    row = twinning.schools.get(school=right)
    twinning_services.answer_invitation(twinning=twinning, row=row, by=by_right.user, accept=True)
    twinning_services.approve_twinning(twinning=twinning, by=approver)
    twinning_services.start_twinning(twinning=twinning, by=by_left.user)
    return twinning


def _fill(twinning, *, teacher, pupil_school, pupil_name, marker, coordinator):
    """Pupils, a thread with a pupil's post, a page, a meeting and a guidance note, each carrying `marker`."""
    row = twinning.schools.get(school=pupil_school)
    ((pupil, _password),) = create_pupils(school=pupil_school, by=teacher.user, names=[pupil_name])
    twinning_services.add_pupils(twinning=twinning, row=row, pupils=[pupil], by=teacher.user)
    thread = workspace_services.start_thread(
        twinning=twinning, by=teacher.user, title=f"{marker}-thread", body=f"{marker}-teacher-post"
    )
    post = workspace_services.reply(thread=thread, by=pupil.user, body=f"{marker}-pupil-post")
    workspace_services.moderate(item=post, by=teacher.user, approve=True)
    workspace_services.save_page(twinning=twinning, by=teacher.user, title=f"{marker}-page", source="A map.")
    workspace_services.plan_activity(
        twinning=twinning,
        by=teacher.user,
        title=f"{marker}-plan",
        starts_on=timezone.localdate() + timedelta(days=7),
    )
    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        twinning=twinning,
        title=f"{marker}-meeting",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        status=Meeting.Status.CONFIRMED,
        video_link=f"https://meet.example.org/{marker}",
        proposed_by=teacher.user,
    )
    for school_row in twinning.schools.all():
        MeetingSchool.objects.create(
            meeting=meeting, school_id=school_row.school_id, answer=MeetingSchool.Answer.ACCEPTED
        )
    coordination_services.add_guidance(
        twinning=twinning,
        by=coordinator,
        kind=GuidanceEntry.Kind.NOTE,
        text=f"{marker}-guidance",
        happened_on=timezone.localdate(),
    )
    return pupil


@pytest.fixture
def network(cast, django_capture_on_commit_callbacks):
    n = cast
    with django_capture_on_commit_callbacks(execute=True):
        n.p = Programme.objects.create(slug="jewish-agency", names={"en": "School twinning"})
        n.q = Programme.objects.create(slug="etwinning-il", names={"en": "eTwinning Israel"}, nso=n.il_nso)
        for programme in (n.p, n.q):
            programme.countries.set([n.israel, n.uk])
        # P: A (Israel) and B (the UK); Q: C (the UK); S (Israel) is in both.
        n.school_c = testing.make_school(country=n.uk, name="Queen's Park School")
        n.teacher_c = testing.make_teacher(school=n.school_c, name="Colin Quayle")
        n.school_s = testing.make_school(country=n.israel, name="Shared Hills School")
        n.teacher_s = testing.make_teacher(school=n.school_s, name="Shira Shared")
        for school in (n.school_a, n.school_b, n.school_s):
            school.programmes.add(n.p)
        for school in (n.school_c, n.school_s):
            school.programmes.add(n.q)
        n.staff = {}
        for key, programme in (("p", n.p), ("q", n.q)):
            coordinator = testing.make_person(name=f"Coordinator {key.upper()}")
            testing.grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
            admin = testing.make_person(name=f"Administrator {key.upper()}")
            testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
            n.staff[key] = {"coordinator": coordinator, "admin": admin}
        # P's twinnings: A with B, and S with B. Q's: S with C.
        n.t_p = _twinning(
            programme=n.p,
            left=n.school_a,
            right=n.school_b,
            by_left=n.teacher_a,
            by_right=n.teacher_b,
            approver=n.staff["p"]["coordinator"],
            title="SECRET_P_ONE-title",
        )
        n.t_ps = _twinning(
            programme=n.p,
            left=n.school_s,
            right=n.school_b,
            by_left=n.teacher_s,
            by_right=n.teacher_b,
            approver=n.staff["p"]["coordinator"],
            title="SECRET_P_SHARED-title",
        )
        n.t_qs = _twinning(
            programme=n.q,
            left=n.school_s,
            right=n.school_c,
            by_left=n.teacher_s,
            by_right=n.teacher_c,
            approver=n.staff["q"]["coordinator"],
            title="SECRET_Q_SHARED-title",
        )
        _fill(
            n.t_p,
            teacher=n.teacher_a,
            pupil_school=n.school_a,
            pupil_name="Pnina SECRET_P_ONE",
            marker="SECRET_P_ONE",
            coordinator=n.staff["p"]["coordinator"],
        )
        _fill(
            n.t_ps,
            teacher=n.teacher_s,
            pupil_school=n.school_s,
            pupil_name="Peleg SECRET_P_SHARED",
            marker="SECRET_P_SHARED",
            coordinator=n.staff["p"]["coordinator"],
        )
        _fill(
            n.t_qs,
            teacher=n.teacher_s,
            pupil_school=n.school_s,
            pupil_name="Quinn SECRET_Q_SHARED",
            marker="SECRET_Q_SHARED",
            coordinator=n.staff["q"]["coordinator"],
        )
        # Each programme has a school waiting for its decision (not yet validated: in no directory).
        for key, programme in (("P", n.p), ("Q", n.q)):
            waiting = testing.make_school(
                country=n.uk, name=f"SECRET_{key}_REQUEST Academy", status=ValidationStatus.PENDING
            )
            testing.make_teacher(school=waiting, status=ValidationStatus.PENDING)
            school_services.request_membership(school=waiting, programme=programme, by=n.admin)
        coordination_services.compute_health()
    return n


def _text(response) -> str:
    """What a person reads in an answer: the page, or the cells and names inside a downloaded file."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind or "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".json", ".csv", ".txt", ".html", ".md"))
            )
    if kind.startswith(("image/", "video/", "audio/", "application/pdf")):
        return ""
    return body.decode("utf-8", "replace")


LINK = re.compile(r"""(?:href|hx-get)="([^"#]+)""")


def walk(client, start: list[str]) -> dict[str, str]:
    """Every page reachable from `start` by its links (GET only, this site only): path → text."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            seen[url] = ""
            queue.append(response["Location"])
            continue
        seen[url] = text = _text(response) if response.status_code == 200 else ""
        for link in LINK.findall(text):
            link = link.replace("&amp;", "&")
            parts = urlsplit(urljoin(url, link))
            if parts.netloc and parts.netloc != "testserver":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return seen


def _markers(text: str) -> set[str]:
    return set(re.findall(r"SECRET_[PQ]_[A-Z]+", text))


def _other_twinning_urls(twinning) -> list[str]:
    pk = twinning.pk
    return [
        f"/twinnings/{pk}/",
        f"/twinnings/{pk}/workspace/",
        f"/twinnings/{pk}/forum/",
        f"/twinnings/{pk}/media/",
        f"/twinnings/{pk}/plan/",
        f"/twinnings/{pk}/pages/",
        f"/twinnings/{pk}/members/",
        f"/twinnings/{pk}/export/",
        f"/twinnings/{pk}/meetings/",
        f"/coordination/{pk}/",
    ]


@pytest.mark.parametrize("side", ["p", "q"])
@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_a_programmes_staff_never_read_the_other_programmes_twinnings(client, network, side, kind, mailoutbox):
    n = network
    person = n.staff[side][kind]
    other = "Q" if side == "p" else "P"
    mine = "P" if side == "p" else "Q"
    client.force_login(person)

    pages = walk(
        client,
        [
            "/dashboard/",
            "/membership-requests/",
            "/coordination/",
            "/reports/",
            "/matching/cohorts/",
            "/twinnings/rematch/",
        ],
    )

    assert len(pages) > 15, "the walk must reach the staff's pages"
    leaks = {url: sorted(m for m in _markers(text) if m.startswith(f"SECRET_{other}")) for url, text in pages.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    their = [n.t_qs] if side == "p" else [n.t_p, n.t_ps]
    for twinning in their:
        for url in _other_twinning_urls(twinning):
            response = client.get(url)
            assert response.status_code == 404, url
    if kind == "coordinator":
        # The walk reached their own programme's twinnings: the check above means something.
        seen = set().union(*(_markers(text) for text in pages.values()))
        assert {f"SECRET_{mine}_SHARED", f"SECRET_{mine}_REQUEST"} <= seen
    # Nothing the network or the walk sent this person names the other programme's twinnings.
    for message in mail.outbox:
        if person.email in message.to:
            body = message.body + "".join(part for part, _kind in message.alternatives)
            assert not any(m.startswith(f"SECRET_{other}") for m in _markers(message.subject + body))


def test_the_shared_schools_teacher_sees_both_of_its_twinnings(client, network):
    n = network
    client.force_login(n.teacher_s.user)
    for twinning, marker in ((n.t_ps, "SECRET_P_SHARED"), (n.t_qs, "SECRET_Q_SHARED")):
        assert marker in client.get(f"/twinnings/{twinning.pk}/").content.decode()
        assert f"{marker}-thread" in client.get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    # But not P's other twinning, between two schools it is not.
    assert client.get(f"/twinnings/{n.t_p.pk}/").status_code == 404


def test_no_e_mail_names_a_programmes_twinnings_to_anyone_outside_it(network, mailoutbox):
    n = network
    outside_q = {n.teacher_a.user.email, n.teacher_b.user.email} | {p.email for p in n.staff["p"].values()}
    outside_p = {n.teacher_c.user.email} | {p.email for p in n.staff["q"].values()}
    assert mailoutbox, "the network sends e-mails: the check means something"
    for message in mailoutbox:
        found = _markers(message.subject + message.body + "".join(part for part, _kind in message.alternatives))
        if any(m.startswith("SECRET_Q") for m in found):
            assert not set(message.to) & outside_q, message.subject
        if any(m.startswith("SECRET_P") for m in found):
            assert not set(message.to) & outside_p, message.subject
