"""The directory and the validation queue in a real browser, paged by key: the next page's link points and sits the
reader's way (to the left in Hebrew and Arabic), on a wide and a narrow screen, and following it shows the next rows."""

import os

import pytest

from twinning import testing
from twinning.schools.models import ValidationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("TWINNING_SCREENSHOTS", "")  # a folder to keep the screenshots in, when set

NAMES = [
    ("Reali School", "בֵּית סֵפֶר רֵאָלִי", "Haifa"),
    ("Al-Amal School", "مدرسة الأَمَل", "Nazareth"),
    ("École Molière", "", "Lyon"),
    ("Ort Braude", "אורט בראודה", "Karmiel"),
    ("Al-Zaytoun School", "مدرسة الزيتون", "Akko"),
]


@pytest.fixture
def listed(cast):
    for n in range(60):  # three pages: the middle one links both ways
        name, native, city = NAMES[n % len(NAMES)]
        testing.make_school(country=cast.israel, name=f"{name} {n:02}", native_name=native, city=city)
        testing.make_teacher(
            school=cast.school_a, status=ValidationStatus.PENDING, name=["דנה לוי", "Huda Nasser", "Jan Nowak"][n % 3]
        )
    return cast


def _open(page, live_server, user, url, *, language: str, width: int):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page.context.add_cookies([{"name": "sessionid", "value": testing.signed_in_session(user), "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{url}")


def _shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("he", 390), ("ar", 390)])
@pytest.mark.parametrize(
    ("who", "url", "row"), [("teacher", "/schools/", "tbody tr"), ("nso", "/validation/", "[data-testid=queue-item]")]
)
def test_the_next_page_link_sits_and_points_the_readers_way(page, live_server, listed, language, width, who, url, row):
    user = listed.teacher_a.user if who == "teacher" else listed.nso_il
    _open(page, live_server, user, url, language=language, width=width)
    first = page.locator(row).all_inner_texts()
    _shoot(page, f"{url.strip('/')}-{language}-{width}")
    following = page.locator("nav.pagination a[rel=next]")
    following.click()
    page.wait_for_url("**after=**")
    back = page.locator("nav.pagination a[rel=prev]")
    later = page.locator(row).all_inner_texts()
    _shoot(page, f"{url.strip('/')}-{language}-{width}-next")

    assert first and later and not set(first) & set(later)
    arrow = page.locator("nav.pagination a[rel=prev] span[aria-hidden]").inner_text()
    assert arrow == ("←" if language == "en" else "→")  # back is to the left in English, to the right in RTL
    ahead, behind = page.locator("nav.pagination a[rel=next]").bounding_box(), back.bounding_box()
    assert (ahead["x"] > behind["x"]) == (language == "en")
