"""A partner search's result, as `matching/_result.html` writes it, written in Python.

The search shows twenty results, each with its school, fit, responsiveness, vision, reasons and request
form; drawn by the template, the result cards cost as much as the rest of the page. A test holds this
writing to the template's, which stays the reference for the markup.
"""

from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _shown(value) -> str:
    """A value as ``{{ value }}`` writes it in a template: localised, escaped unless already safe."""
    return conditional_escape(localize(value))


class ResultWriter:
    """Writes the results of one page, in one language: the words every card shares are translated once."""

    def __init__(self, *, csrf_token: str, message_field: str):
        self.csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(csrf_token)}">'
        self.message_field = conditional_escape(message_field)
        self.fit = _("Fit %(score)s%%")
        self.request = _shown(_("Request partnership"))

    def html(self, result: dict) -> SafeString:
        profile = result["profile"]
        school = profile.school
        responsiveness = result["responsiveness"]
        shown_responsiveness = (
            render_to_string("schools/_responsiveness.html", {"responsiveness": responsiveness})
            if responsiveness
            else ""
        )
        card = (
            '<article class="panel result" data-testid="result">\n'
            f'      <h3><a href="{_shown(result["school_url"])}"><bdi>{_shown(school.name)}</bdi></a>\n'
            f'        <span class="badge">{_shown(school.country.name)}</span>\n'
            f'        <span class="badge badge-ok">{self.fit % {"score": _shown(result["score"])}}</span></h3>\n'
            f"      {shown_responsiveness}\n"
            f'      <p dir="auto">{conditional_escape(truncatewords(profile.vision, 40))}</p>\n'
            f"      {conditional_escape(result['reasons_html'])}\n"
            f'      <form method="post" action="{_shown(result["request_url"])}" class="stacked">\n'
            f"        {self.csrf}\n"
            f"        {self.message_field}\n"
            f'        <div class="actions"><button type="submit">{self.request}</button></div>\n'
            "      </form>\n"
            "    </article>"
        )
        # Every value above went through the templates' own escaping, or is markup written by them.
        return mark_safe(card)  # noqa: S308  # nosec B308, B703
