"""The teacher's courses, events and certificates, shown on their profile page (accounts does not
import this app: the profile template includes `learning/_on_profile.html`)."""

from django import template
from django.utils.html import format_html

from twinning.common.clock import clock
from twinning.learning import queries, rules

register = template.Library()


@register.inclusion_tag("learning/_profile.html", takes_context=True)
def my_learning(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not rules.can_read(user):
        return {"show": False}
    mine = queries.learning_of(user)
    return {"show": True, "request": request, **mine}


@register.filter
def when(value) -> str:
    """A time of day, as meeting pages show it (see twinning.common.clock)."""
    return clock(value)


@register.filter
def isolate(value) -> str:
    """The text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (U+2068, U+2069).

    For the certificate: WeasyPrint ignores `<bdi>` and `unicode-bidi`, but Pango honours these
    characters, so a Latin name or a date keeps its own order inside a Hebrew or Arabic sentence.
    """
    return f"\u2068{value}\u2069"


@register.filter
def ltr(value) -> str:
    """Left-to-right inside any sentence (LEFT-TO-RIGHT ISOLATE … POP): codes and addresses."""
    return f"\u2066{value}\u2069"


@register.filter
def clock_range(start, end) -> str:
    """10:45–13:45 as one left-to-right piece, safe to pass into a translated sentence."""
    return format_html('<span class="ltr">{}–{}</span>', clock(start), clock(end))
