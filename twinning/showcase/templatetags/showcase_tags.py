from django import template

from twinning.common.school_year import school_year_label

register = template.Library()


@register.filter
def school_year(year: int) -> str:
    """2026 as "2026–2027"."""
    return school_year_label(year)
