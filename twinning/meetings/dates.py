"""A Gregorian date shown in the Hebrew and the Hijri calendar, in English, Hebrew or Arabic.

Schools on either side plan by their own calendar (the Hebrew one in Israel, the Hijri one for Muslim
schools), so a meeting date reads better with its date there beside the Gregorian one. Plain Python:
no Django, no database.

- Hebrew calendar: pyluach (arithmetic, any date).
- Hijri calendar: hijridate, Umm al-Qura, the tabulated calendar of Saudi Arabia. It covers only
  1924-08-01..2077-11-16 (hijridate 2.6); outside that, "" is shown rather than a wrong date. Where a
  country fixes a month's start by sighting the moon, its date may differ from Umm al-Qura by a day.

Digits are Western (0-9) in every language; the Hebrew calendar in Hebrew uses Hebrew numerals, as it
is written there.
"""

from datetime import date

from hijridate import Gregorian
from pyluach.dates import GregorianDate
from pyluach.hebrewcal import Year

HEBREW = "hebrew"
HIJRI = "hijri"
CALENDARS = (HEBREW, HIJRI)

ENGLISH = "en"
HEBREW_LANGUAGE = "he"
ARABIC = "ar"

# Hebrew months by pyluach's numbering: 1 is Nisan, 7 is Tishrei, 12 is Adar (Adar I in a leap
# year), 13 is Adar II (leap years only). pyluach's own English names are Ashkenazi ("Teves",
# "Adar 1"); these are the spellings Israeli and most English calendars use.
_HEBREW_MONTHS_EN = {
    1: "Nisan",
    2: "Iyar",
    3: "Sivan",
    4: "Tammuz",
    5: "Av",
    6: "Elul",
    7: "Tishrei",
    8: "Cheshvan",
    9: "Kislev",
    10: "Tevet",
    11: "Shevat",
    12: "Adar",
    13: "Adar II",
}
_HEBREW_MONTHS_AR = {
    1: "نيسان",
    2: "أيار",
    3: "سيفان",
    4: "تموز",
    5: "آب",
    6: "أيلول",
    7: "تشري",
    8: "حشفان",
    9: "كسلو",
    10: "طيفت",
    11: "شباط",
    12: "آذار",
    13: "آذار الثاني",
}
# Month 12 in a leap year: Adar I.
_ADAR_I = {ENGLISH: "Adar I", ARABIC: "آذار الأول"}

_HIJRI_MONTHS = {
    ENGLISH: (
        "Muharram",
        "Safar",
        "Rabi' al-Awwal",
        "Rabi' al-Thani",
        "Jumada al-Ula",
        "Jumada al-Akhirah",
        "Rajab",
        "Sha'ban",
        "Ramadan",
        "Shawwal",
        "Dhu al-Qa'dah",
        "Dhu al-Hijjah",
    ),
    ARABIC: (
        "محرم",
        "صفر",
        "ربيع الأول",
        "ربيع الثاني",
        "جمادى الأولى",
        "جمادى الآخرة",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذو القعدة",
        "ذو الحجة",
    ),
    # Hebrew transliteration of the Arabic names, with the geresh (׳, U+05F3) for ج ث خ ذ, as in
    # the era's name "להג׳רה" and in pyluach's "אדר א׳".
    HEBREW_LANGUAGE: (
        "מוחרם",
        "צפר",
        "רביע אל-אוול",
        "רביע א-ת׳אני",
        "ג׳ומאדא אל-אולא",
        "ג׳ומאדא אל-אח׳רה",
        "רג׳ב",
        "שעבאן",
        "רמדאן",
        "שוואל",
        "ד׳ו אל-קעדה",
        "ד׳ו אל-חג׳ה",
    ),
}
_HIJRI_ERA = {ENGLISH: "AH", ARABIC: "هـ", HEBREW_LANGUAGE: "להג׳רה"}


def _language(language: str) -> str:
    """ "en", "he" or "ar"; anything else is shown in English."""
    return language if language in (ENGLISH, HEBREW_LANGUAGE, ARABIC) else ENGLISH


def hebrew_date(day: date, language: str) -> str:
    """The day in the Hebrew calendar: "25 Kislev 5787", "כ״ה בכסלו תשפ״ז", "25 كسلو 5787".

    In Hebrew, the form written in Israel: day and year in Hebrew numerals (gershayim ״ and geresh ׳),
    the year without its thousands, the month with the prefix ב ("on the 25th of Kislev").
    pyluach's hebrew_date_string() leaves out that ב, so the string is put together here from its
    parts. In a leap year month 12 is Adar I and month 13 Adar II; in a common year, plain Adar.
    """
    hebrew = GregorianDate.from_pydate(day).to_heb()
    language = _language(language)
    if language == HEBREW_LANGUAGE:
        return f"{hebrew.hebrew_day()} ב{hebrew.month_name(hebrew=True)} {hebrew.hebrew_year()}"
    if hebrew.month == 12 and Year(hebrew.year).leap:
        month = _ADAR_I[language]
    else:
        month = (_HEBREW_MONTHS_AR if language == ARABIC else _HEBREW_MONTHS_EN)[hebrew.month]
    return f"{hebrew.day} {month} {hebrew.year}"


def hijri_date(day: date, language: str) -> str:
    """The day in the Hijri calendar (Umm al-Qura): "4 Jumada al-Akhirah 1448 AH",
    "4 جمادى الآخرة 1448 هـ", "4 ג׳ומאדא אל-אח׳רה 1448 להג׳רה".

    "" for a day outside the range hijridate tabulates (1924-08-01..2077-11-16): a blank is better
    there than an error in the middle of a page or a guessed date.
    """
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    language = _language(language)
    return f"{hijri.day} {_HIJRI_MONTHS[language][hijri.month - 1]} {hijri.year} {_HIJRI_ERA[language]}"


def other_date(day: date, calendar: str, language: str) -> str:
    """The day in `calendar` (HEBREW or HIJRI); "" for any other calendar, so that a school whose
    setting names none (or one not supported) just shows no second date."""
    if calendar == HEBREW:
        return hebrew_date(day, language)
    if calendar == HIJRI:
        return hijri_date(day, language)
    return ""
