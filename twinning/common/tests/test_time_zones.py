"""Time zones offered in forms and accepted in rows: the IANA database's, UTC first."""

import pytest
from django.core.exceptions import ValidationError

from twinning.common.time_zones import time_zone_choices, validate_time_zone


def test_time_zone_choices_start_with_utc_and_name_cities_with_spaces():
    choices = time_zone_choices()
    zones = {zone: label for _country, group in choices[1:] for zone, label in group}
    assert choices[0] == ("UTC", "UTC")
    assert (zones["Asia/Jerusalem"], zones["America/New_York"]) == ("Jerusalem", "New York")
    assert [zone for zone in zones if zone.startswith(("Etc/", "SystemV/"))] == []


def test_time_zone_unknown_is_refused_by_name():
    validate_time_zone("Asia/Hebron")
    with pytest.raises(ValidationError) as refused:
        validate_time_zone("Mars/Olympus_Mons")
    assert refused.value.messages == ["“Mars/Olympus_Mons” is not a time zone we know."]
