"""``{% load forms_help %}``: what the shared form templates need to point at a field."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from twinning.common.forms import field_html

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


@register.simple_tag
def field(bound: BoundField) -> SafeString:
    """``{% field form.name %}``: ``common/field.html`` for the field, written in Python where it can be
    (`common.forms.field_html`)."""
    return field_html(bound)
