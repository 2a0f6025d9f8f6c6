"""Time zones as people, schools and profiles choose them: any zone of the IANA database."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    """UTC, then every "Region/City" zone by its name (legacy "Etc/" and "SystemV/" aliases left out)."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [("UTC", "UTC"), *[(z, z.replace("_", " ")) for z in zones]]
