"""Parts of a page that are the same for everyone reading in one language, rendered once and kept.

Every page draws the same layout around its content: links to the style sheets and scripts, the
texts the scripts show (offline notices, drafts), the footer. Those are some forty sentences to
translate and a dozen addresses to build, identical for every reader of a language, on every page.
``{% per_language a b %}…{% end_per_language %}`` renders what it encloses from the named variables
only (``a``, ``b``; nothing else of the page's context is visible inside) and keeps the text, keyed
by those values, the language, the address prefix and the URL configuration. As nothing else is
visible inside, a kept text cannot carry anyone's data that is not in its key: a variable the block
uses but does not name renders empty every time, which the layout's tests catch (they compare the
page with the one rendered without keeping, in the full context).

With DEBUG on (templates edited while the server runs) nothing is kept; a changed setting (tests
change the languages, the URLs, the static files' storage) forgets everything kept.
"""

import itertools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Kept texts per block: a few per language (its named values vary little); bounded all the same.
MAX_KEPT = 256
# Bumped when a setting changes: every text kept before is forgotten.
_generation = itertools.count()
_current = [next(_generation)]
# Tests hold the blocks to the page rendered without them: on, a block renders in the page's full
# context and keeps nothing (see common/tests/test_fragments.py).
PASS_THROUGH = False


class PerLanguageNode(template.Node):
    def __init__(self, nodelist, names: list[str]):
        self.nodelist = nodelist
        self.names = names
        self.variables = [template.Variable(name) for name in names]
        self.kept: dict[tuple, SafeString] = {}

    def render(self, context) -> str:
        if PASS_THROUGH:
            return self.nodelist.render(context)
        values = {}
        for name, variable in zip(self.names, self.variables, strict=True):
            try:
                values[name] = variable.resolve(context)
            except template.VariableDoesNotExist:
                values[name] = None
        if settings.DEBUG:
            return self._render(context, values)
        key = (_current[0], get_language(), get_script_prefix(), get_urlconf(), *values.values())
        text = self.kept.get(key)
        if text is None:
            text = self._render(context, values)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = text
        return text

    def _render(self, context, values: dict) -> SafeString:
        # Only the named values are visible inside (Context.new keeps autoescape and localisation).
        # Rendered by the template engine, escaped there: safe as it is.
        return mark_safe(self.nodelist.render(context.new(values)))  # noqa: S308  # nosec B308, B703


@register.tag("per_language")
def per_language(parser, token):
    names = token.split_contents()[1:]
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist, names)


def _forget(**kwargs) -> None:
    _current[0] = next(_generation)


setting_changed.connect(_forget)
