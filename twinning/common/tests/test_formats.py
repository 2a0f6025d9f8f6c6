"""Dates and times read naturally in every language: day first and the 24-hour clock in he and ar."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format

from twinning.common.clock import clock

EVENING = datetime(2026, 12, 6, 23, 9, tzinfo=ZoneInfo("UTC"))
RLM = "\u200f"


def render(template: str, language: str) -> str:
    with translation.override(language), timezone.override(ZoneInfo("UTC")):
        return Template("{% load i18n %}" + template).render(Context({"moment": EVENING}))


@pytest.mark.parametrize("language", ["he", "ar"])
def test_short_date_time_puts_the_day_first_and_uses_the_24_hour_clock(language):
    shown = render('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', language).replace(RLM, "")
    assert shown == "06/12/2026 23:09"


@pytest.mark.parametrize("language", ["he", "ar"])
def test_short_date_puts_the_day_first(language):
    assert render('{{ moment|date:"SHORT_DATE_FORMAT" }}', language).replace(RLM, "") == "06/12/2026"


@pytest.mark.parametrize("language", ["he", "ar"])
def test_long_date_time_names_the_month_and_uses_the_24_hour_clock(language):
    shown = render('{{ moment|date:"DATETIME_FORMAT" }}', language)
    with translation.override(language):
        december = date_format(EVENING, "F")
    assert december in shown and december != "December"
    assert "23:09" in shown
    assert shown.index("6") < shown.index(december) < shown.index("2026")


@pytest.mark.parametrize("language", ["he", "ar"])
def test_times_of_day_are_on_the_24_hour_clock(language):
    with translation.override(language):
        assert time_format(time(23, 9)) == "23:09"
        assert clock(time(23, 9)) == "23:09"


def test_english_keeps_its_own_formats():
    assert render('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', "en") == "12/06/2026 11:09 p.m."
