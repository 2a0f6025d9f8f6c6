"""Arabic: day first, the 24-hour clock the schools' timetables use, the week from Saturday.

The right-to-left marks (U+200F) after each day and month keep "06/12/2026" in that order inside a
right-to-left line, as Django's own Arabic ``SHORT_DATE_FORMAT`` does.
"""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
FIRST_DAY_OF_WEEK = 6  # Saturday
