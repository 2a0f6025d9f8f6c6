"""The school year: named by the calendar year it starts in, shown as "2026–2027"."""

from datetime import date

from django.utils import timezone

# From this month on, the new school year has begun: profiles, twinnings, label applications and
# questionnaires of the autumn are prepared over the summer.
FIRST_MONTH = 8


def current_school_year(today: date | None = None) -> int:
    """The school year under way on ``today`` (the local date by default)."""
    today = today or timezone.localdate()
    return today.year if today.month >= FIRST_MONTH else today.year - 1


def school_year_label(year: int) -> str:
    """ "2026–2027" for 2026, the same in every language (digits and an en dash)."""
    return f"{year}–{year + 1}"
