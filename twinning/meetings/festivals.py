"""Religious festivals a school keeps on top of its country's holidays. Plain Python, no Django.

- Jewish: the festival days on which work is forbidden (Rosh Hashanah, Yom Kippur, the first and
  last days of Sukkot and Passover, Shemini Atzeret, Simchat Torah, Shavuot), from `pyluach`,
  as kept in the diaspora (two days) or in Israel (one).
- Muslim: the first two days of Eid al-Fitr (1–2 Shawwal) and of Eid al-Adha (10–11 Dhu al-Hijjah),
  from `hijridate` (the Umm al-Qura calendar; the local moon sighting may move them by a day).
- Christian (Western): Good Friday, Easter Monday, Ascension Day, Whit Monday, Christmas Day and
  St Stephen's Day, from the date of Easter.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter
from hijridate import Gregorian, Hijri
from pyluach import dates as hebrew_dates

JEWISH, MUSLIM, CHRISTIAN = "jewish", "muslim", "christian"
KINDS = (JEWISH, MUSLIM, CHRISTIAN)

# pyluach's (Ashkenazi) spellings, and the names shown.
_JEWISH_NAMES = {
    "Rosh Hashana": "Rosh Hashanah",
    "Yom Kippur": "Yom Kippur",
    "Succos": "Sukkot",
    "Shmini Atzeres": "Shemini Atzeret",
    "Simchas Torah": "Simchat Torah",
    "Pesach": "Passover",
    "Shavuos": "Shavuot",
}


def jewish(first: date, last: date, *, israel: bool = False) -> dict[date, str]:
    out: dict[date, str] = {}
    day = first
    while day <= last:
        name = hebrew_dates.GregorianDate.from_pydate(day).festival(israel=israel, include_working_days=False)
        if name:
            out[day] = _JEWISH_NAMES.get(name, name)
        day += timedelta(days=1)
    return out


def muslim(first: date, last: date) -> dict[date, str]:
    out: dict[date, str] = {}
    hijri_years = {Gregorian.fromdate(first).to_hijri().year, Gregorian.fromdate(last).to_hijri().year}
    for year in range(min(hijri_years), max(hijri_years) + 1):
        for month, day, name in ((10, 1, "Eid al-Fitr"), (12, 10, "Eid al-Adha")):
            start = date(*Hijri(year, month, day).to_gregorian().datetuple())
            for n in range(2):
                if first <= start + timedelta(days=n) <= last:
                    out[start + timedelta(days=n)] = name
    return out


def christian(first: date, last: date) -> dict[date, str]:
    out: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        sunday = easter(year)
        for day, name in (
            (sunday - timedelta(days=2), "Good Friday"),
            (sunday + timedelta(days=1), "Easter Monday"),
            (sunday + timedelta(days=39), "Ascension Day"),
            (sunday + timedelta(days=50), "Whit Monday"),
            (date(year, 12, 25), "Christmas Day"),
            (date(year, 12, 26), "St Stephen's Day"),
        ):
            if first <= day <= last:
                out[day] = name
    return out


def festivals(kinds: tuple[str, ...], first: date, last: date, *, israel: bool = False) -> dict[date, str]:
    """The festivals of the given kinds over [first, last] (local dates), with their English names."""
    out: dict[date, str] = {}
    if JEWISH in kinds:
        out.update(jewish(first, last, israel=israel))
    if MUSLIM in kinds:
        out.update(muslim(first, last))
    if CHRISTIAN in kinds:
        out.update(christian(first, last))
    return out
