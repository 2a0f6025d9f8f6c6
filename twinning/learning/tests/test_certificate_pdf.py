"""The certificate PDF, looked at as a picture: rendered to PNG with pdftoppm (poppler-utils, from
`make system-deps`), because text extracted from a PDF does not round-trip Arabic."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from twinning.learning import certificates
from twinning.learning.models import Certificate, Registration
from twinning.learning.tests.conftest import attend, into_the_past, make_offering, register
from twinning.testing import as_

pytestmark = pytest.mark.django_db

INK = 110  # a pixel darker than this in all three channels is text (the blue band and the issuer are not)


def certificate_for(client, cast, *, language: str, name: str) -> Certificate:
    holder = cast.teacher_a.user
    holder.full_name, holder.preferred_language = name, language
    holder.save(update_fields=["full_name", "preferred_language"])
    offering = make_offering(cast, capacity=5, sessions=2, required=2)
    register(client, holder, offering)
    into_the_past(offering)
    for session in offering.sessions.all():
        attend(client, cast.nso_il, session, Registration.objects.filter(offering=offering))
    return Certificate.objects.get(offering=offering, holder=holder)


def page_one(client, user, certificate: Certificate, tmp_path: Path, language: str = "") -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: `make system-deps` installs poppler-utils"
    url = f"/learning/certificates/{certificate.pk}/pdf/" + (f"?language={language}" if language else "")
    response = as_(client, user).get(url)
    assert response.status_code == 200
    pdf = tmp_path / f"{certificate.code}-{language or 'own'}.pdf"
    pdf.write_bytes(response.content)
    subprocess.run([pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))], check=True)
    return Image.open(next(tmp_path.glob(f"{pdf.stem}*.png"))).convert("RGB")


def layout(image: Image.Image) -> dict:
    """Where the blue band is, and the left and right edges of the text above the footer."""
    width, height = image.size
    pixels = image.load()

    def blue(x: int) -> float:
        column = [pixels[x, y] for y in range(0, height, 4)]
        return sum(1 for r, g, b in column if b > 120 and r < 60) / len(column)

    ink_xs = [x for y in range(0, int(height * 0.7)) for x in range(width) if max(pixels[x, y]) < INK]
    return {
        "width": width,
        "band": "left" if blue(5) > 0.9 else "right" if blue(width - 6) > 0.9 else "none",
        "left": min(ink_xs),
        "right": max(ink_xs),
        "centre": sum(ink_xs) / len(ink_xs),
    }


def test_learning_certificate_in_arabic_is_laid_out_right_to_left(client, cast, tmp_path):
    certificate = certificate_for(client, cast, language="ar", name="ليلى حداد")
    with translation.override("ar"):
        html = render_to_string("learning/certificate.html", certificates.context(certificate, "ar"))
    assert '<html lang="ar" dir="rtl">' in html
    arabic = layout(page_one(client, cast.teacher_a.user, certificate, tmp_path))
    english = layout(page_one(client, cast.teacher_a.user, certificate, tmp_path, language="en"))
    width = english["width"]
    # English: the band on the left and the text flush with it; Arabic: the mirror image.
    assert (english["band"], arabic["band"]) == ("left", "right")
    assert english["centre"] < width * 0.45 < width * 0.55 < arabic["centre"]
    start_margin_en, start_margin_ar = english["left"], width - 1 - arabic["right"]
    assert abs(start_margin_en - start_margin_ar) <= 3, (start_margin_en, start_margin_ar)


def test_learning_certificate_in_hebrew_is_right_to_left_and_the_same_every_time(client, cast, tmp_path):
    certificate = certificate_for(client, cast, language="he", name="נועה כהן")
    hebrew = layout(page_one(client, cast.teacher_a.user, certificate, tmp_path))
    assert hebrew["band"] == "right" and hebrew["centre"] > hebrew["width"] * 0.55
    url = f"/learning/certificates/{certificate.pk}/pdf/"
    first = as_(client, cast.teacher_a.user).get(url).content
    assert as_(client, cast.teacher_a.user).get(url).content == first
