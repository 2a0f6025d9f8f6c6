from django import template

from twinning.common.i18n import direction
from twinning.common.school_year import school_year_label

register = template.Library()


@register.filter
def school_year(year: int) -> str:
    """2026 as "2026–2027"."""
    return school_year_label(year)


@register.filter
def text_direction(language: str) -> str:
    """ "rtl" or "ltr": a story is laid out in its own language's direction, whatever the page's."""
    return direction(language)
