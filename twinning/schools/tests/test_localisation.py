import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("language", "month"), [("en", "March"), ("he", "מרץ"), ("ar", "مارس")])
def test_dates_are_in_the_readers_language_and_time_zone(client, cast, language, month):
    cast.pending_il.submitted_at = datetime(2026, 3, 15, 22, 30, tzinfo=UTC)
    cast.pending_il.save(update_fields=["submitted_at"])
    cast.nso_il.preferred_language = language
    cast.nso_il.time_zone = "Asia/Jerusalem"
    cast.nso_il.save(update_fields=["preferred_language", "time_zone"])
    client.force_login(cast.nso_il)

    body = client.get(reverse("schools:teacher_validation", args=[cast.pending_il.pk])).content.decode()

    # 22:30 UTC is already the 16th, at 00:30, in Jerusalem.
    assert month in body
    assert re.search(r"16\D[^<]*(00|12):30", body) or re.search(r"(00|12):30[^<]*16\D", body)
