"""Times of day as the pages show them (meetings, courses and events alike)."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.formats import date_format

from twinning.common.i18n import current_language, direction


def clock(value: datetime | time) -> str:
    """The reader's time format in left-to-right languages; 24-hour digits in Hebrew and Arabic.

    Ranges are shown left to right (10:45–13:45) in every language, as clocks and timetables are;
    Arabic's 12-hour markers (ص/م) inside such a range would be reordered by the bidirectional
    algorithm, so right-to-left languages get the 24-hour clock their schools' timetables use.
    """
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if direction(current_language()) == "rtl":
        return value.strftime("%H:%M")
    return date_format(value, "TIME_FORMAT")
