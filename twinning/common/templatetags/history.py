"""``{% load history %}``: an audit entry's action as a sentence (``{{ entry.action|action_label }}``)."""

from django import template

from twinning.common import audit

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return audit.label(action)
