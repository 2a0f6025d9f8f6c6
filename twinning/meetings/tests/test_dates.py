"""Hebrew and Hijri dates: known answers (holidays whose dates are fixed in those calendars), checked
as well against the holidays package's tables for Israel and Palestine; ranges, fallbacks."""

from datetime import date, timedelta

import holidays
import pytest

from twinning.meetings.dates import CALENDARS, HEBREW, HIJRI, hebrew_date, hijri_date, other_date

# -- Hebrew calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "english"),
    [
        (date(2026, 9, 21), "10 Tishrei 5787"),  # Yom Kippur 5787
        (date(2024, 10, 3), "1 Tishrei 5785"),  # Rosh Hashanah 5785
        (date(2026, 9, 12), "1 Tishrei 5787"),  # Rosh Hashanah 5787
        (date(2026, 12, 5), "25 Kislev 5787"),  # first day of Hanukkah 5787
        (date(2026, 4, 2), "15 Nisan 5786"),  # Pesach 5786
        (date(2026, 5, 22), "6 Sivan 5786"),  # Shavuot 5786
        (date(2023, 3, 7), "14 Adar 5783"),  # Purim 5783, a common year: plain Adar
        (date(2026, 1, 1), "12 Tevet 5786"),
    ],
)
def test_hebrew_date_english_known_holidays(day, english):
    assert hebrew_date(day, "en") == english


def test_hebrew_date_leap_year_adar_i_spans_10_february_to_10_march_2024():
    # 5784 is a leap year: Adar I has 30 days, 1 Adar I = 2024-02-10, 30 Adar I = 2024-03-10.
    assert hebrew_date(date(2024, 2, 9), "en") == "30 Shevat 5784"
    assert hebrew_date(date(2024, 2, 10), "en") == "1 Adar I 5784"
    assert hebrew_date(date(2024, 2, 23), "en") == "14 Adar I 5784"  # Purim Katan
    assert hebrew_date(date(2024, 3, 10), "en") == "30 Adar I 5784"
    assert hebrew_date(date(2024, 3, 11), "en") == "1 Adar II 5784"
    assert hebrew_date(date(2024, 3, 24), "en") == "14 Adar II 5784"  # Purim is kept in Adar II


def test_hebrew_date_leap_year_adar_in_hebrew_and_arabic():
    assert hebrew_date(date(2024, 2, 10), "he") == "א׳ באדר א׳ תשפ״ד"
    assert hebrew_date(date(2024, 3, 11), "he") == "א׳ באדר ב׳ תשפ״ד"
    assert hebrew_date(date(2024, 2, 10), "ar") == "1 آذار الأول 5784"
    assert hebrew_date(date(2024, 3, 11), "ar") == "1 آذار الثاني 5784"
    assert hebrew_date(date(2023, 3, 7), "ar") == "14 آذار 5783"
    assert hebrew_date(date(2023, 3, 7), "he") == "י״ד באדר תשפ״ג"


@pytest.mark.parametrize(
    ("day", "hebrew"),
    [
        (date(2026, 9, 21), "י׳ בתשרי תשפ״ז"),  # Yom Kippur 5787
        (date(2026, 12, 5), "כ״ה בכסלו תשפ״ז"),  # Hanukkah 5787
        (date(2024, 10, 3), "א׳ בתשרי תשפ״ה"),  # Rosh Hashanah 5785
        (date(2026, 4, 2), "ט״ו בניסן תשפ״ו"),  # 15 is ט״ו, not י״ה
        (date(2026, 1, 5), "ט״ז בטבת תשפ״ו"),  # 16 is ט״ז, not י״ו
        (date(2026, 4, 22), "ה׳ באייר תשפ״ו"),  # Independence Day 5786 (a Wednesday: not moved)
    ],
)
def test_hebrew_date_hebrew_traditional_form(day, hebrew):
    assert hebrew_date(day, "he") == hebrew


@pytest.mark.parametrize(
    ("day", "arabic"),
    [
        (date(2026, 9, 21), "10 تشري 5787"),
        (date(2026, 12, 5), "25 كسلو 5787"),
        (date(2026, 11, 1), "21 حشفان 5787"),
        (date(2026, 1, 1), "12 طيفت 5786"),
        (date(2026, 2, 1), "14 شباط 5786"),
        (date(2026, 4, 2), "15 نيسان 5786"),
        (date(2026, 8, 23), "10 أيلول 5786"),
    ],
)
def test_hebrew_date_arabic_digits_and_transliterated_month(day, arabic):
    assert hebrew_date(day, "ar") == arabic


def test_hebrew_date_matches_israel_holiday_tables_1950_to_2100():
    """An independent source: the holidays package's Israeli Rosh Hashanah and Yom Kippur."""
    israel = holidays.Israel(years=range(1950, 2101), language="en_US")
    for name, day_month in (("Rosh Hashanah", "1 Tishrei "), ("Yom Kippur", "10 Tishrei ")):
        days = {day for day, names in israel.items() if name in names.split("; ")}
        firsts = sorted(day for day in days if day - timedelta(days=1) not in days)
        assert len(firsts) == 151, name
        for day in firsts:
            assert hebrew_date(day, "en") == f"{day_month}{day.year + 3761}", (name, day)


# -- Hijri calendar --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "english", "arabic", "hebrew"),
    [
        # 1 Ramadan 1447 and 1 Shawwal 1447 (Eid al-Fitr), Umm al-Qura.
        (date(2026, 2, 18), "1 Ramadan 1447 AH", "1 رمضان 1447 هـ", "1 רמדאן 1447 להג׳רה"),
        (date(2026, 3, 19), "30 Ramadan 1447 AH", "30 رمضان 1447 هـ", "30 רמדאן 1447 להג׳רה"),
        (date(2026, 3, 20), "1 Shawwal 1447 AH", "1 شوال 1447 هـ", "1 שוואל 1447 להג׳רה"),
        # Eid al-Adha 1447: 10 Dhu al-Hijjah.
        (date(2026, 5, 27), "10 Dhu al-Hijjah 1447 AH", "10 ذو الحجة 1447 هـ", "10 ד׳ו אל-חג׳ה 1447 להג׳רה"),
        # Islamic New Year 1448.
        (date(2026, 6, 16), "1 Muharram 1448 AH", "1 محرم 1448 هـ", "1 מוחרם 1448 להג׳רה"),
        (date(2026, 11, 14), "4 Jumada al-Akhirah 1448 AH", "4 جمادى الآخرة 1448 هـ", "4 ג׳ומאדא אל-אח׳רה 1448 להג׳רה"),
    ],
)
def test_hijri_date_known_days_in_each_language(day, english, arabic, hebrew):
    assert hijri_date(day, "en") == english
    assert hijri_date(day, "ar") == arabic
    assert hijri_date(day, "he") == hebrew


def test_hijri_date_eid_al_fitr_2026_agrees_with_palestine_holiday_table():
    """An independent source: the holidays package's Palestinian Eid al-Fitr and Eid al-Adha for 2026."""
    palestine = holidays.country_holidays("PS", years=2026, language="en_US")
    eid_al_fitr = min(day for day, name in palestine.items() if name == "Eid al-Fitr")
    eid_al_adha = min(day for day, name in palestine.items() if name == "Eid al-Adha")
    assert (eid_al_fitr, eid_al_adha) == (date(2026, 3, 20), date(2026, 5, 27))
    assert hijri_date(eid_al_fitr, "en") == "1 Shawwal 1447 AH"
    assert hijri_date(eid_al_adha, "en") == "10 Dhu al-Hijjah 1447 AH"


def test_hijri_date_all_twelve_months_named_in_hebrew():
    # 1 of each month of 1448 AH (Umm al-Qura), in order.
    firsts = [
        date(2026, 6, 16),
        date(2026, 7, 15),
        date(2026, 8, 14),
        date(2026, 9, 12),
        date(2026, 10, 12),
        date(2026, 11, 11),
        date(2026, 12, 10),
        date(2027, 1, 9),
        date(2027, 2, 8),
        date(2027, 3, 9),
        date(2027, 4, 8),
        date(2027, 5, 7),
    ]
    months = [hijri_date(day, "he").removeprefix("1 ").removesuffix(" 1448 להג׳רה") for day in firsts]
    assert months == [
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
    ]


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(1924, 7, 31), date(2077, 11, 17), date(2100, 1, 1)])
def test_hijri_date_out_of_range_is_blank(day):
    assert hijri_date(day, "en") == ""
    assert other_date(day, HIJRI, "ar") == ""


def test_hijri_date_range_edges_are_shown():
    assert hijri_date(date(1924, 8, 1), "en") == "1 Muharram 1343 AH"
    assert hijri_date(date(2077, 11, 16), "en").endswith(" 1500 AH")


# -- Dispatch and fallbacks ------------------------------------------------------------------------


def test_other_date_dispatches_by_calendar():
    day = date(2026, 9, 21)
    assert CALENDARS == (HEBREW, HIJRI)
    assert other_date(day, HEBREW, "he") == "י׳ בתשרי תשפ״ז"
    assert other_date(day, HIJRI, "en") == hijri_date(day, "en") == "10 Rabi' al-Thani 1448 AH"


@pytest.mark.parametrize("calendar", ["", "gregorian", "chinese", "Hebrew", "HIJRI"])
def test_other_date_unknown_calendar_is_blank(calendar):
    assert other_date(date(2026, 9, 21), calendar, "en") == ""


@pytest.mark.parametrize("language", ["fr", "", "EN", "he-IL", "xx"])
def test_language_unsupported_falls_back_to_english(language):
    day = date(2026, 9, 21)
    assert hebrew_date(day, language) == "10 Tishrei 5787"
    assert hijri_date(day, language) == "10 Rabi' al-Thani 1448 AH"
    assert other_date(day, HEBREW, language) == "10 Tishrei 5787"


def test_digits_are_western_in_every_language():
    day = date(2026, 11, 14)
    for language in ("en", "he", "ar"):
        text = hijri_date(day, language)
        assert "4" in text and "1448" in text
        assert not any("\u0660" <= char <= "\u0669" or "\u06f0" <= char <= "\u06f9" for char in text)
    assert hebrew_date(day, "ar") == "4 كسلو 5787"
