"""Lists newly paged by key, in a real browser: the twinnings list, the communities' listing and a teacher's history on
the validation page. The next page's link points and sits the reader's way (to the left in Hebrew and Arabic), on a
wide and a narrow screen, and following it shows other rows."""

import os

import pytest

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.communities.tests.conftest import make as make_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("TWINNING_SCREENSHOTS", "")  # a folder to keep the screenshots in, when set


@pytest.fixture
def listed(cast):
    from django.contrib.contenttypes.models import ContentType

    testing.restore_reference_data()  # the communities' subjects, after another browser test's flush

    for n in range(32):  # two pages of thirty
        testing.approved_twinning_with_new_partner(
            cast, name=["Ort Braude", "مدرسة الزيتون", "École Molière"][n % 3] + f" {n}"
        )
    for n in range(23):  # two pages of twenty
        make_community(cast, name=["Science teachers", "מורים למדעים", "معلمو العلوم"][n % 3] + f" {n}")
    kind = ContentType.objects.get_for_model(cast.pending_il)
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=cast.nso_il, action="teacher.updated", target_type=kind, target_id=cast.pending_il.pk)
        for _ in range(55)
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


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 390), ("he", 1280), ("ar", 390)])
@pytest.mark.parametrize("which", ["twinnings", "communities", "history"])
def test_the_next_page_link_sits_and_points_the_readers_way(page, live_server, listed, language, width, which):
    user, url, row = {
        "twinnings": (listed.admin, "/twinnings/", "[data-testid=twinning] h2"),
        "communities": (listed.coordinator, "/communities/", "[data-testid=community] h3"),
        "history": (listed.nso_il, f"/validation/teachers/{listed.pending_il.pk}/", "ul.history li"),
    }[which]
    _open(page, live_server, user, url, language=language, width=width)
    first = page.locator(row).all_inner_texts()
    _shoot(page, f"{which}-{language}-{width}")
    page.locator("nav.pagination a[rel=next]").first.click()
    page.wait_for_url("**after=**")
    later = page.locator(row).all_inner_texts()
    _shoot(page, f"{which}-{language}-{width}-next")

    assert first and later and first != later
    back = page.locator("nav.pagination a[rel=prev]").first
    arrow = back.locator("span[aria-hidden]").inner_text()
    assert arrow == ("←" if language == "en" else "→")  # back is to the left in English, to the right in RTL
