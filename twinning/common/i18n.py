"""Helpers for text that exists in several languages."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
RTL_LANGUAGES = frozenset({"he", "ar", "fa", "ur", "yi"})


def pick(names: dict[str, str], language: str | None = None) -> str:
    """The text in ``language`` (the active one by default), else English, else any."""
    if not names:
        return ""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return names.get(language) or names.get(settings.LANGUAGE_CODE) or next(iter(names.values()))


class NamedInLanguages(models.Model):
    """Reference data (countries, languages, subjects…) named in each interface language.

    The names live in the row, not in the gettext catalogues, so an NSO can add a country or a
    subject without a release.
    """

    names = models.JSONField(_("names"), default=dict, help_text=_('For example {"en": "Israel", "he": "ישראל"}'))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.names)


def direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"
