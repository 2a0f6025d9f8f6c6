"""The layout's parts kept per language (common/templatetags/fragments.py): every page is byte for
byte the page the layout draws without keeping anything, in each language, for each reader, and a
kept part shows nobody's data but the values it is keyed by."""

import re

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from twinning.common.templatetags import fragments
from twinning.testing import as_


def without_tokens(page: bytes) -> str:
    # The form token is masked afresh on every response: the one part two renderings never share.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', page.decode())


def drawn_both_ways(client, url: str) -> tuple[str, str]:
    """The page as served (kept parts, from a second view so they come from memory), and as the
    layout draws it in the page's full context with nothing kept."""
    client.get(url)
    kept = without_tokens(client.get(url).content)
    fragments.PASS_THROUGH = True
    try:
        drawn = without_tokens(client.get(url).content)
    finally:
        fragments.PASS_THROUGH = False
    return kept, drawn


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_pages_are_the_ones_the_layout_draws_in_each_language(client, cast, twinning, language):
    teacher = as_(client, cast.teacher_b.user, language=language)
    for url in (f"/twinnings/{twinning.pk}/workspace/", "/dashboard/", "/notifications/"):
        kept, drawn = drawn_both_ways(teacher, url)
        assert kept == drawn
        assert f'<html lang="{language}" dir="{"ltr" if language == "en" else "rtl"}">' in kept
    client.logout()
    kept, drawn = drawn_both_ways(client, "/")
    assert kept == drawn and "data-drafts-keep" in kept


def test_each_reader_sees_their_own_time_zone_and_device_key(client, cast, twinning):
    for user, zone in ((cast.teacher_a.user, "Asia/Jerusalem"), (cast.teacher_b.user, "Europe/London")):
        user.time_zone = zone
        user.save(update_fields=["time_zone"])
    israel = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    britain = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    assert 'data-time-zone="Asia/Jerusalem"' in israel and 'data-time-zone="Europe/London"' in britain
    key = re.compile(r'data-offline-key="([^"]+)"')
    assert key.search(israel).group(1) != key.search(britain).group(1)


def test_a_block_sees_only_the_values_it_names_and_keeps_one_text_per_value_and_language():
    page = Template(
        "{% load i18n fragments %}{% per_language shown %}{{ shown }}|{{ hidden }}|"
        '{% translate "Sign in" %}{% end_per_language %}'
    )
    node = next(n for n in page.nodelist if isinstance(n, fragments.PerLanguageNode))
    node.kept.clear()
    with translation.override("en"):
        assert page.render(Context({"shown": "A", "hidden": "secret"})) == "A||Sign in"
        assert page.render(Context({"shown": "B", "hidden": "secret"})) == "B||Sign in"
    with translation.override("he"):
        hebrew = page.render(Context({"shown": "A"}))
    assert hebrew.startswith("A||") and "Sign in" not in hebrew
    assert len(node.kept) == 3
    with override_settings(DEBUG=True):  # templates edited while the server runs: nothing kept
        node.kept.clear()
        with translation.override("en"):
            assert page.render(Context({"shown": "C"})) == "C||Sign in"
        assert node.kept == {}


def test_a_changed_setting_forgets_the_kept_texts(settings):
    page = Template("{% load static fragments %}{% per_language %}{% static 'common/site.css' %}{% end_per_language %}")
    before = page.render(Context({}))
    settings.STATIC_URL = "/elsewhere/"
    after = page.render(Context({}))
    assert before != after and after.startswith("/elsewhere/")
