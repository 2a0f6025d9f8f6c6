"""The site's languages, and text that exists in several of them.

The languages are data: ``settings.LANGUAGES`` lists them, ``settings.LANGUAGE_CODE`` is the main one,
and ``settings.LANGUAGES_BIDI`` (Django's own setting) says which are written right to left. Everything
here reads the settings when it is called, so a language added there reaches every form and page.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def language_codes() -> tuple[str, ...]:
    """The codes of the site's languages, in the order of ``settings.LANGUAGES`` (the main one first)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Hebrew", "עברית", "العبرية"), for a label.

    Django names the languages it knows in each of its own catalogues; any other is named as
    ``settings.LANGUAGES`` names it."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return dict(settings.LANGUAGES).get(code, code)


def current_language() -> str:
    """The active language's code without its region ("he" for "he-il"), or the main language."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def direction(language: str) -> str:
    """ "rtl" for a language written right to left, else "ltr"."""
    language = language.lower()
    rtl = settings.LANGUAGES_BIDI
    return "rtl" if language in rtl or language.split("-")[0] in rtl else "ltr"


def pick(names: dict[str, str], language: str | None = None) -> str:
    """The text in ``language`` (the active one by default), else in the main language, else any."""
    if not names:
        return ""
    language = (language or current_language()).split("-")[0]
    return names.get(language) or names.get(settings.LANGUAGE_CODE) or next(iter(names.values()))


def clean_texts(texts: dict[str, str] | None) -> dict[str, str]:
    """``{code: text}`` as it is stored: the site's languages only, each text stripped, empty ones left out."""
    codes = language_codes()
    return {code: text.strip() for code, text in (texts or {}).items() if code in codes and text and text.strip()}


class NamedInLanguages(models.Model):
    """Reference data (countries, languages, subjects…) named in each interface language.

    The names live in the row, not in the gettext catalogues, so an NSO can add a country or a
    subject without a release.
    """

    names = models.JSONField(_("names"), default=dict, help_text=_('For example {"en": "Israel", "he": "ישראל"}'))
    # Rows read once per process and kept (`common.reference`): for small tables every form lists.
    kept_in_memory = False

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.names)
