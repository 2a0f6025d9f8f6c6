"""A programme's page and a programme questionnaire's results on a phone and a desktop, left to right and right
to left: the page itself never scrolls sideways (only the wide tables and charts, in their own boxes)."""

import pytest
from django.conf import settings

from twinning import testing
from twinning.reporting.tests.conftest import programme_with_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_programme_pages_fit_a_phone_and_a_desktop(page, live_server, cast, twinning, language):
    testing.restore_reference_data()
    coordinator, survey = programme_with_answers(cast, twinning)
    type(coordinator).objects.filter(pk=coordinator.pk).update(preferred_language=language)
    key = testing.signed_in_session(coordinator)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/reports/programmes/bridges/", f"/reports/surveys/{survey.pk}/results/"):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200
            assert page.evaluate(OVERFLOW) <= 0, (path, width)
            assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    # The results show the twinning's five pupils on their own, start against end, and both countries' charts.
    assert page.locator("[data-testid='twinning-pupils'] tbody[data-key]").count() == 1
    page.goto(f"{live_server.url}/reports/programmes/bridges/")
    assert page.locator("svg.bar-chart").count() == 5
