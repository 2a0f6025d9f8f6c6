"""Checking a twinning's health now and marking a next step done, each at its own address."""

from datetime import date

from twinning.common.models import AuditEntry
from twinning.coordination import services as coordination_services
from twinning.coordination.models import GuidanceEntry, TwinningHealth
from twinning.testing import as_


def test_action_urls_check_now_computes_the_twinnings_health_for_overseers_only(client, cast, twinning):
    url = f"/coordination/{twinning.pk}/recompute/"
    page = as_(client, cast.coordinator).get(f"/coordination/{twinning.pk}/").content.decode()
    assert f'action="{url}"' in page
    assert as_(client, cast.teacher_a.user).post(url).status_code == 404
    assert not TwinningHealth.objects.filter(twinning=twinning).exists()
    response = as_(client, cast.coordinator).post(url, follow=True)
    assert "The twinning&#x27;s health is up to date." in response.content.decode()
    assert TwinningHealth.objects.filter(twinning=twinning).count() == 1
    assert as_(client, cast.coordinator).get(url).status_code == 405


def test_action_urls_a_next_step_is_marked_done_from_the_guidance_log(client, cast, twinning):
    coordination_services.add_guidance(
        twinning=twinning, by=cast.coordinator, kind="next_step", text="Call the school", happened_on=date(2026, 11, 20)
    )
    entry = GuidanceEntry.objects.get()
    page = as_(client, cast.nso_il).get(f"/coordination/{twinning.pk}/").content.decode()
    assert f'action="/coordination/{twinning.pk}/guidance/done/"' in page
    response = as_(client, cast.nso_il).post(f"/coordination/{twinning.pk}/guidance/done/", {"entry": entry.pk})
    assert response["Location"] == f"/coordination/{twinning.pk}/"
    entry.refresh_from_db()
    assert entry.done
    assert AuditEntry.objects.filter(action="guidance.done", actor=cast.nso_il).count() == 1
