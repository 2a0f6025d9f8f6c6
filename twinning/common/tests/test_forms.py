"""The translated-text field: one input per language of the settings, cleaned into {code: text}."""

import re

import pytest
from django import forms
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from twinning.common.forms import TranslatedTextField

WITH_FRENCH = [*settings.LANGUAGES, ("fr", "Français")]


class Titled(forms.Form):
    title = TranslatedTextField(label="Title", max_length=20)
    description = TranslatedTextField(label="Description", rows=3, required=False)


class MainLanguageFirst(forms.Form):
    name = TranslatedTextField(label="Name", require_default=True)


def inputs(html: str) -> list[tuple[str, str, str]]:
    """(name, lang, dir) of each input and text area, in the order of the page."""
    found = re.findall(r'<(?:input|textarea)[^>]*name="([^"]+)"[^>]*>', html)
    tags = re.findall(r"<(?:input|textarea)[^>]*>", html)
    return [
        (name, re.search(r'lang="([^"]+)"', tag).group(1), re.search(r'dir="([^"]+)"', tag).group(1))
        for name, tag in zip(found, tags, strict=True)
    ]


def values(html: str) -> dict[str, str | None]:
    """Each input's name and value (None when it has none)."""
    out = {}
    for tag in re.findall(r"<input[^>]*>", html):
        value = re.search(r'value="([^"]*)"', tag)
        out[re.search(r'name="([^"]+)"', tag).group(1)] = value.group(1) if value else None
    return out


def test_translated_text_renders_an_input_per_language_with_its_lang_and_dir():
    html = Titled()["title"].as_widget()
    assert inputs(html) == [("title_en", "en", "ltr"), ("title_he", "he", "rtl"), ("title_ar", "ar", "rtl")]
    assert re.findall(r'<label for="(id_title_\w+)">(\w+)</label>', html) == [
        ("id_title_en", "English"),
        ("id_title_he", "Hebrew"),
        ("id_title_ar", "Arabic"),
    ]
    assert html.count('maxlength="20"') == 3


def test_translated_text_names_the_languages_in_the_readers_language():
    with translation.override("he"):
        html = Titled()["title"].as_widget()
    assert re.findall(r"<label[^>]*>([^<]+)</label>", html) == ["אנגלית", "עברית", "ערבית"]


def test_translated_text_long_text_is_a_text_area_per_language():
    html = Titled()["description"].as_widget()
    assert [name for name, _lang, _dir in inputs(html)] == ["description_en", "description_he", "description_ar"]
    assert html.count("<textarea") == 3 and html.count('rows="3"') == 3


def test_translated_text_cleans_into_the_languages_written_each_stripped():
    form = Titled({"title_he": " הערים שלנו ", "title_ar": "  ", "description_en": "Maps"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": {"he": "הערים שלנו"}, "description": {"en": "Maps"}}


def test_translated_text_required_in_at_least_one_language():
    form = Titled({"title_en": "   ", "title_he": ""})
    assert form.errors == {"title": ["Write it in at least one language."]}


def test_translated_text_not_required_cleans_into_an_empty_dict():
    form = Titled({"title_ar": "مدننا"})
    assert form.is_valid()
    assert form.cleaned_data["description"] == {}


def test_translated_text_required_in_the_main_language():
    form = MainLanguageFirst({"name_he": "שם"})
    assert form.errors == {"name": ["It is needed in the main language of the site: English."]}
    assert MainLanguageFirst({"name_en": "Name"}).is_valid()
    html = MainLanguageFirst()["name"].as_widget()
    assert re.findall(r"<input[^>]*name=\"(\w+)\"[^>]*required", html) == ["name_en"]


def test_translated_text_too_long_says_in_which_language():
    form = Titled({"title_en": "Short", "title_ar": "ا" * 21})
    assert form.errors == {"title": ["Arabic: Ensure this value has at most 20 characters (it has 21)."]}


def test_translated_text_shows_what_is_kept_when_editing():
    html = Titled(initial={"title": {"en": "Our towns", "ar": "مدننا"}})["title"].as_widget()
    assert values(html) == {"title_en": "Our towns", "title_he": None, "title_ar": "مدننا"}


def test_translated_text_what_was_typed_stays_after_an_error():
    form = Titled({"title_en": "x" * 21, "title_he": "עברית"})
    assert not form.is_valid()
    html = form["title"].as_widget()
    assert values(html) == {"title_en": "x" * 21, "title_he": "עברית", "title_ar": None}
    assert html.count('aria-invalid="true"') == 3


@override_settings(LANGUAGES=WITH_FRENCH)
def test_translated_text_a_language_added_to_the_settings_is_offered_and_kept():
    # The form class was declared before the setting changed: its languages are read when it is made.
    html = Titled()["title"].as_widget()
    assert [name for name, _lang, _dir in inputs(html)] == ["title_en", "title_he", "title_ar", "title_fr"]
    assert ("title_fr", "fr", "ltr") in inputs(html)
    assert re.search(r'<label for="id_title_fr">French</label>', html)
    form = Titled({"title_fr": "Nos villes", "description_fr": "Des cartes"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": {"fr": "Nos villes"}, "description": {"fr": "Des cartes"}}


@pytest.mark.parametrize("languages", [[("en", "English")], [("en", "English"), ("he", "עברית")]])
def test_translated_text_follows_fewer_languages_too(languages):
    with override_settings(LANGUAGES=languages):
        html = Titled()["title"].as_widget()
        assert [code for _name, code, _dir in inputs(html)] == [code for code, _name in languages]
        assert Titled({"title_ar": "مدننا"}).errors == {"title": ["Write it in at least one language."]}
