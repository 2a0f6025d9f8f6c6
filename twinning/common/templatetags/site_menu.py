"""The signed-in part of the site's main menu, rendered once per kind of person and kept in memory.

Every page draws the menu: a dozen addresses to reverse and twenty labels to translate, the same
for everyone with the same roles. ``{% main_menu %}`` renders ``common/main_menu.html`` from a few
yes/no values only (which roles, whether a pupil, whether a teacher who seeks partners, whether the
page is the dashboard), and keeps the result keyed by those values, the language and the address
prefix: the cached text holds no one's data, only what their set of roles shows, and a person
whose roles change is drawn from the key of their new roles on their next page. With DEBUG on
(development, where templates are edited while the server runs) nothing is kept.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override

register = template.Library()

# What the menu template reads of the person's roles (``accounts.rules.Roles``).
ROLE_FLAGS = ("admin", "nso_staff", "coordinator", "principal", "programme_admin", "programme_staff", "appoints")


def menu_key(context) -> tuple:
    """Everything the menu's text depends on, as plain values."""
    roles = context.get("roles")
    match = getattr(context.get("request"), "resolver_match", None)
    return (
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        getattr(match, "url_name", None) == "dashboard",
        bool(context.get("is_pupil")),
        bool(context.get("can_seek_partners")),
        tuple(bool(getattr(roles, flag, False)) for flag in ROLE_FLAGS),
    )


def render_menu(key: tuple) -> SafeString:
    language, _prefix, _urlconf, dashboard_current, is_pupil, can_seek_partners, flags = key
    with override(language):
        html = render_to_string(
            "common/main_menu.html",
            {
                "dashboard_current": dashboard_current,
                "is_pupil": is_pupil,
                "can_seek_partners": can_seek_partners,
                "roles": dict(zip(ROLE_FLAGS, flags, strict=True)),
            },
        )
    # Rendered by the template engine, escaped there: safe as it is (rstrip would lose the mark).
    return mark_safe(html.rstrip())  # noqa: S308  # nosec B308, B703


# A few dozen keys in practice (languages × kinds of person × dashboard or not); bounded all the same.
_cached_menu = lru_cache(maxsize=512)(render_menu)


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    key = menu_key(context)
    return render_menu(key) if settings.DEBUG else _cached_menu(key)


def _forget(*, setting, **kwargs) -> None:
    # Tests change the languages or the URLs: the menus drawn before are no longer right.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "ROOT_URLCONF", "INSTALLED_APPS", "TEMPLATES", "DEBUG"}:
        _cached_menu.cache_clear()


setting_changed.connect(_forget)
