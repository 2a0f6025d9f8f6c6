"""A certificate as a PDF: an HTML template laid out by WeasyPrint, in the holder's language.

Right-to-left languages get `<html lang dir="rtl">` and the page mirrors through logical CSS
properties. Fonts are the machine's Noto families (Debian's fonts-noto-core); nothing is fetched
from anywhere, not even a local file. Everything printed comes from the certificate's own copy of
the facts, so the same certificate in the same language gives the same bytes every time.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from twinning.common.i18n import direction, language_codes, pick
from twinning.learning.models import Certificate, Offering

# Each language's own Noto family (Debian's fonts-noto-core), put before the families every certificate
# lists (the template's Noto Serif, Noto Serif Hebrew and Noto Naskh Arabic) for names written in another script.
FONTS = {"he": "Noto Serif Hebrew", "ar": "Noto Naskh Arabic"}
LONG_TITLE = 70
LONG_NAME = 40


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}{reverse('learning:verify_code', args=[certificate.code])}"


def long_date(day, language: str) -> str:
    """The language's own written date (15 בנובמבר 2026, 15 نوفمبر، 2026); English spells the month
    out in full, where its usual format would shorten it (Nov. 15, 2026)."""
    return date_format(day, "j F Y" if language == "en" else "DATE_FORMAT")


def context(certificate: Certificate, language: str) -> dict:
    """What the certificate says, in `language` (call inside translation.override(language))."""
    first = long_date(certificate.first_day, language)
    last = long_date(certificate.last_day, language)
    title = pick(certificate.titles, language)
    return {
        "certificate": certificate,
        "language": language,
        "direction": direction(language),
        "own_font": FONTS.get(language, ""),
        "title": title,
        # Smaller type for long ones, so that everything stays on the one page.
        "long_title": len(title) > LONG_TITLE,
        "long_name": len(certificate.holder_name) > LONG_NAME,
        "issuer": pick(certificate.issuer_names, language),
        "kind": Offering.Kind(certificate.kind).label,
        "completion": certificate.basis == Offering.Basis.COMPLETION,
        "first_day": first,
        "last_day": last if last != first else "",
        "issued_on": long_date(certificate.issued_on, language),
        "url": verification_url(certificate),
    }


def render_pdf(certificate: Certificate, *, language: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and only this download needs it.
    from weasyprint import HTML, URLFetcher

    if language not in language_codes():
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("learning/certificate.html", context(certificate, language))
    # No protocol allowed: the template needs nothing outside itself, and a name or a title
    # cannot make the renderer reach out.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
