"""What `notify` costs: its row, and only the look-ups the person's e-mail choice needs (their settings unless
the kind is an alert, their roles only for an activity kind they chose nothing for, nothing while e-mails are
muted); and the frequencies it reads that way are those the full rule gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.accounts.models import Pupil, Role
from twinning.common import mail_choices
from twinning.common.models import Email, MailSettings, Notification
from twinning.common.notifications import emails_muted, notify, notify_many

pytestmark = pytest.mark.django_db

# One kind of each class: an alert (always at once), a direct kind (at once by default, whoever one is) and an
# activity kind (daily for teachers, weekly for those who oversee many).
ALERT, DIRECT, ACTIVITY = "twinning_to_approve", "role_granted_coordinator", "community_reply"


def _sql(captured) -> list[str]:
    """Each query as its verb and the first table of ours it names (PostgreSQL brackets a union's parts)."""
    return [query["sql"].lstrip("(").split(" ", 1)[0] + " " + _table(query["sql"]) for query in captured]


def _table(sql: str) -> str:
    for word in ("common_mailsettings", "accounts_role", "common_notification", "common_email", "common_job"):
        if word in sql:
            return word
    return ""


@pytest.mark.parametrize(
    ("kind", "looked_up"),
    [
        (ALERT, []),
        (DIRECT, ["SELECT common_mailsettings"]),
        (ACTIVITY, ["SELECT common_mailsettings", "SELECT accounts_role"]),  # one union of the three role tables
    ],
)
def test_notify_reads_only_what_the_persons_choice_needs(cast, kind, looked_up):
    teacher = cast.teacher_a.user
    mail_choices.settings_for(teacher)  # their settings exist, as after their first e-mail
    with CaptureQueriesContext(connection) as captured:
        notification = notify(user=teacher, kind=kind, scope="Israel NSO", name="Maya")
    expected = [*looked_up, "INSERT common_notification"]
    if notification.mail == Notification.Mail.SENT:  # the e-mail, in its savepoint, with its delivery job
        expected += ["SAVEPOINT ", "INSERT common_email", "INSERT common_job", "RELEASE "]
    assert _sql(captured) == expected
    assert notification.mail == {ALERT: "sent", DIRECT: "sent", ACTIVITY: "pending"}[kind]


def test_a_notification_made_while_e_mails_are_muted_costs_its_row_alone(cast):
    with emails_muted(), CaptureQueriesContext(connection) as captured:
        notification = notify(user=cast.coordinator, kind=ALERT, scope="Israel NSO")
    assert _sql(captured) == ["INSERT common_notification"]
    assert notification.mail == Notification.Mail.SKIPPED and not Email.objects.exists()


def test_a_choice_made_spares_the_roles_and_the_e_mail_reuses_the_settings_read(cast):
    teacher = cast.teacher_a.user
    mail_choices.set_choices(user=teacher, choices={ACTIVITY: mail_choices.IMMEDIATE})
    with CaptureQueriesContext(connection) as captured:
        notification = notify(user=teacher, kind=ACTIVITY, name="Maya")
    assert _sql(captured)[:2] == ["SELECT common_mailsettings", "INSERT common_notification"]
    assert [sql for sql in _sql(captured) if sql.startswith("SELECT")] == ["SELECT common_mailsettings"]
    # The unsubscribe link was signed with the salt of the settings read once.
    email = Email.objects.get(key=f"notification:{notification.pk}")
    token = mail_choices.unsubscribe_token(
        user_id=teacher.pk, kind=ACTIVITY, salt=mail_choices.settings_for(teacher).salt
    )
    assert token in email.headers["List-Unsubscribe"]


def test_the_frequencies_read_with_fewer_queries_are_those_of_the_full_rule(cast):
    pupil_user = testing.make_person(name="Maya K.", email="", username="mayak")
    Pupil.objects.create(user=pupil_user, school=cast.school_a, display_name="Maya K.")
    principal_and_teacher = cast.teacher_b.user
    testing.grant(principal_and_teacher, Role.Kind.PRINCIPAL, school=cast.school_b)
    chooser = cast.nso_uk
    mail_choices.set_choices(user=chooser, choices={ACTIVITY: mail_choices.DAILY, DIRECT: mail_choices.OFF})
    mail_choices.settings_for(cast.nso_il)
    MailSettings.objects.filter(user=cast.nso_il).update(choices={ACTIVITY: "hourly"})  # not a frequency: the default
    people = [cast.teacher_a.user, pupil_user, principal_and_teacher, cast.coordinator, chooser, cast.nso_il]
    ids = [person.pk for person in people]
    kinds = [ALERT, DIRECT, ACTIVITY]

    with CaptureQueriesContext(connection) as captured:
        found = mail_choices.choices_for_people(ids, kinds)

    assert len(captured) == 2  # everyone's settings, and the roles of those who chose nothing for the activity
    roles = mail_choices.roles_of(ids)
    rows = mail_choices.settings_by_user(ids)
    assert found == {
        (pk, kind): mail_choices.choice(kind, chosen=rows[pk].choices if pk in rows else {}, roles=roles[pk])
        for pk in ids
        for kind in kinds
    }
    assert roles[pupil_user.pk] == {"pupil"} and roles[principal_and_teacher.pk] == {"teacher", "principal"}
    assert [found[(pk, ACTIVITY)] for pk in ids] == ["daily", "weekly", "daily", "weekly", "daily", "weekly"]
    assert found[(chooser.pk, DIRECT)] == "off" and {found[(pk, ALERT)] for pk in ids} == {"immediate"}
    with CaptureQueriesContext(connection) as captured:
        assert set(mail_choices.choices_for_people(ids, [ALERT]).values()) == {"immediate"}
    assert len(captured) == 0


def test_many_notifications_cost_the_same_few_look_ups_for_many_people(cast):
    teachers = [testing.make_teacher(school=cast.school_a, name=f"Teacher {n}").user for n in range(30)]
    with CaptureQueriesContext(connection) as captured:
        rows = notify_many([(user, ACTIVITY, "/communities/", {"name": "Maya"}) for user in teachers])
    assert [sql for sql in _sql(captured) if sql.startswith("SELECT")] == [
        "SELECT common_mailsettings",
        "SELECT accounts_role",
    ]
    assert {row.mail for row in rows} == {Notification.Mail.PENDING}
