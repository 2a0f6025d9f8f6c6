"""Programme coordinators set their programme's silence limits on a page (no admin site needed)."""

import pytest

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.coordination.models import NudgePolicy
from twinning.schools.models import Programme
from twinning.testing import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(cast):
    gstn = Programme.objects.create(slug="gstn", names={"en": "Global School Twinning Network"})
    etw = Programme.objects.create(slug="etwinning", names={"en": "eTwinning"})
    manager = testing.make_person(name="Programme Manager")
    testing.grant(manager, "coordinator", programme=gstn)
    return gstn, etw, manager


def test_policy_page_sets_the_limits_the_nightly_job_reads(client, cast, programmes):
    gstn, _etw, manager = programmes
    page = as_(client, manager).get("/coordination/limits/").content.decode()
    assert page.count('data-testid="policy-row"') == 1
    assert "after 14 days" in page and "after 28 days" in page
    response = as_(client, manager).post(
        f"/coordination/limits/{gstn.pk}/", {"remind_after_days": "10", "alert_after_days": "21"}
    )
    assert response.status_code == 302
    policy = NudgePolicy.objects.get(programme=gstn)
    assert (policy.remind_after_days, policy.alert_after_days) == (10, 21)
    assert AuditEntry.objects.filter(action="coordination.policy").count() == 1


def test_policy_alert_must_come_after_the_reminder_and_nothing_is_saved(client, cast, programmes):
    gstn, _etw, manager = programmes
    NudgePolicy.objects.create(programme=gstn, remind_after_days=14, alert_after_days=28)
    for remind, alert, message in [
        ("20", "10", "The coordinator is alerted later than the school is reminded."),
        ("1", "10", "Ensure this value is greater than or equal to 3."),
        ("ten", "30", "Enter a whole number."),
    ]:
        response = as_(client, manager).post(
            f"/coordination/limits/{gstn.pk}/", {"remind_after_days": remind, "alert_after_days": alert}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    policy = NudgePolicy.objects.get(programme=gstn)
    assert (policy.remind_after_days, policy.alert_after_days) == (14, 28)


def test_policy_pages_are_only_for_the_programmes_own_coordinators(client, cast, programmes):
    gstn, etw, manager = programmes
    assert as_(client, manager).get(f"/coordination/limits/{etw.pk}/").status_code == 404
    assert (
        as_(client, manager)
        .post(f"/coordination/limits/{etw.pk}/", {"remind_after_days": "5", "alert_after_days": "9"})
        .status_code
        == 404
    )
    # NSO staff and a country's coordinator follow the programme's limits; they do not set them.
    for person in (cast.nso_il, cast.coordinator, cast.teacher_a.user):
        assert as_(client, person).get("/coordination/limits/").status_code == 404
    assert not NudgePolicy.objects.exists()
    admin_page = as_(client, cast.admin).get("/coordination/limits/").content.decode()
    assert admin_page.count('data-testid="policy-row"') == 2
