"""`{% address 'app:name' arg %}`: the `{% url %}` tag's address, reversed once and kept (common.addresses)."""

from django import template

from twinning.common.addresses import address as kept_address

register = template.Library()


@register.simple_tag
def address(name: str, *args) -> str:
    return kept_address(name, *args)
