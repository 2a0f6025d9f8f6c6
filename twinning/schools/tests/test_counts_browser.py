"""The staff's figures in a real browser: the validation queue and the dashboard say when the totals were counted, in
the reader's language, on a wide and a narrow screen, without the line running off the page."""

import os

import pytest

from twinning import testing
from twinning.schools import services
from twinning.schools.models import ValidationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("TWINNING_SCREENSHOTS", "")  # a folder to keep the screenshots in, when set
SAID = {"en": "counted again every", "he": "נספרים מחדש", "ar": "تُعَدّ من جديد"}


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 390), ("he", 1280), ("ar", 390)])
@pytest.mark.parametrize("url", ["/validation/", "/dashboard/"])
def test_the_totals_say_when_they_were_counted(page, live_server, cast, language, width, url):
    for n in range(3):
        testing.make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, name=f"דנה לוי {n}")
    services.count_figures()
    user = cast.nso_il
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page.context.add_cookies([{"name": "sessionid", "value": testing.signed_in_session(user), "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{url}")
    said = page.locator("[data-testid=counted-at]")
    assert SAID[language] in said.inner_text()
    assert said.locator("time").count() == 1
    box = said.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"counts{url.replace('/', '-')}{language}-{width}.png"), full_page=True
        )
