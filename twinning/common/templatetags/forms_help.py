"""``{% load forms_help %}``: what the shared form templates need to point at a field."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def input_id(field: BoundField) -> str:
    """The id of the element a link to the field should move to: its input, or a group's first choice."""
    if field.id_for_label:
        return field.id_for_label
    subwidgets = field.subwidgets
    if subwidgets and subwidgets[0].id_for_label:
        return subwidgets[0].id_for_label
    return field.auto_id or field.html_name
