"""A search result written in Python (`matching.results`) is what `matching/_result.html` writes."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from twinning import testing
from twinning.matching.explain import Reason, reasons_html
from twinning.matching.results import ResultWriter
from twinning.matching.tests.conftest import make_profile
from twinning.schools.queries import Responsiveness
from twinning.testing import as_

pytestmark = pytest.mark.django_db

TOKEN = "Zq8" * 21 + "x"
MESSAGE = mark_safe('<div class="field">\n  <textarea name="message"></textarea>\n</div>\n')  # as the view renders it
VISIONS = [
    "Letters and a video meeting each term.",
    "שירים, מכתבים ו<script>alert('x')</script> & \"ציטוט\" " + "מילה " * 60,
    "",
    "رسائل بين الصفوف. " * 30,
]
RESPONSIVENESS = [None, Responsiveness(5.0, None), Responsiveness(None, None), Responsiveness(50.0, None)]


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_result_html_writes_what_the_template_writes(cast, language):
    names = ["Reali School", 'O\'Brien & "Sons" <School>', "בית ספר אור", "مدرسة النور"]
    for n, (vision, responsiveness) in enumerate(zip(VISIONS, RESPONSIVENESS, strict=True)):
        school = testing.make_school(country=(cast.israel, cast.uk)[n % 2], name=names[n])
        profile = make_profile(school)
        profile.vision = vision
        if responsiveness is not None and n == 3:
            responsiveness = Responsiveness(50.0, timezone.now() - timedelta(days=3))
        reasons = [Reason("ages", "Ages", 100, 20, "The classes share 3 years <of> age.")]
        result = {
            "profile": profile,
            "school_url": f"/schools/{school.pk}/?a=1&b=2",
            "request_url": f"/matching/request/{profile.pk}/",
            "responsiveness": responsiveness,
            "score": (84, 100, 0, 1234)[n],
            "reasons_html": reasons_html(reasons),
        }
        with translation.override(language):
            written = ResultWriter(csrf_token=TOKEN, message_field=MESSAGE).html(result)
            template = render_to_string(
                "matching/_result.html", {"result": result, "message_field": MESSAGE, "csrf_token": TOKEN}
            )
        assert written == template


def test_search_page_draws_each_result_card(client, cast):
    make_profile(cast.school_a, languages={"he": 3, "en": 2})
    for n in range(3):
        make_profile(testing.make_school(country=cast.uk, name=f"Card <{n}>"))
    response = as_(client, cast.teacher_a.user).get("/matching/search/")
    html = response.content.decode()
    for result in response.context["results"]:
        assert str(result["html"]) in html
        assert '<input type="hidden" name="csrfmiddlewaretoken" value="' in result["html"]
    assert html.count('data-testid="result"') == 3 and "Card &lt;1&gt;" in html
