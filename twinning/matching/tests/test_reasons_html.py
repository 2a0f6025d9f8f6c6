"""The reasons of a search result written in Python are what `matching/_reasons.html` writes."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from twinning.matching.explain import Reason, reasons_html

REASONS = [
    Reason(
        "objectives", "Objectives", 83, 30, "Shared objectives: festivals, heritage. Your visions say much the same."
    ),
    Reason("language", "שפת עבודה", 100, 20, "עברית: שתי הכיתות ברמה טובה."),
    Reason("themes", "المواضيع", 0, 10, "لا موضوع مشترك."),
    Reason("preferences", 'Country <wishes> & "more"', 1234, 5, "Tom & Jerry's <script>"),
]


@pytest.mark.parametrize("language", ["en", "he", "ar"])
@pytest.mark.parametrize("reasons", [REASONS, REASONS[:1], []], ids=["four", "one", "none"])
def test_reasons_html_writes_what_the_template_writes(language, reasons):
    with translation.override(language):
        assert reasons_html(reasons) == render_to_string("matching/_reasons.html", {"reasons": reasons})
