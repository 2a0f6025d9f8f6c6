"""The tokens page and the clients page have one shape: rows saying what each token or client may do, when it was
made and last used, with a button that revokes it while it is live; and a form that makes one more. The parts are
written once (``api/_use_cells.html``, ``api/_revoke_form.html``, ``api/_make_form.html``, ``views._make``,
``views._revoke``): each page must still show them, in the reader's language, for its own rows and addresses."""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from twinning import testing
from twinning.api import scopes, services
from twinning.api.models import AccessToken, OAuthClient

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    url: str
    row: str  # the rows' data-testid
    make: Any  # (cast, name, scopes) -> the token or client
    revoke: Any  # (cast, row) -> None
    heading_id: str
    heading: str
    button: str
    required: str  # what the form says when nothing was chosen
    already: str  # what revoking twice says


PAGES = {
    "tokens": Page(
        url="/api/tokens/",
        row="token-row",
        make=lambda cast, name, wanted: (
            services.create_token(user=cast.nso_il, name=name, scopes_wanted=wanted, days=30).token
        ),
        revoke=lambda cast, token: services.revoke_token(token=token, by=cast.nso_il),
        heading_id="new-token-heading",
        heading="Make a token",
        button="Make the token",
        required="Choose at least one thing the token may do.",
        already="This token was already revoked.",
    ),
    "clients": Page(
        url="/api/clients/",
        row="client-row",
        make=lambda cast, name, wanted: (
            services.create_client(by=cast.nso_il, nso=cast.il_nso, name=name, scopes_wanted=wanted).client
        ),
        revoke=lambda cast, client: services.revoke_client(client=client, by=cast.nso_il),
        heading_id="new-client-heading",
        heading="Make a client",
        button="Make the client",
        required="Choose at least one thing the client may do.",
        already="This client was already revoked.",
    ),
}


def _rows(html: str, testid: str) -> list[str]:
    return re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', html, flags=re.DOTALL)


@pytest.mark.parametrize("language", ["en", "he", "ar"])
@pytest.mark.parametrize("kind", ["tokens", "clients"])
def test_each_page_shows_its_rows_revoke_buttons_and_form_in_the_readers_language(client, cast, kind, language):
    page = PAGES[kind]
    live = page.make(cast, "Register <b>", ["schools:write", "reports:read"])
    gone = page.make(cast, "Old system", ["schools:read"])
    type(live).objects.filter(pk=live.pk).update(last_used_at=timezone.now() - timedelta(hours=2))
    page.revoke(cast, gone)

    html = testing.as_(client, cast.nso_il, language).get(page.url).content.decode()

    with translation.override(language):
        never, heading, button = gettext("Never"), gettext(page.heading), gettext(page.button)
        labels = {scope: escape(scopes.label(scope)) for scope in ("schools:write", "reports:read", "schools:read")}
        revoke = gettext('Revoke <span class="visually-hidden">“%(name)s”</span>')
    (live_row,) = [row for row in _rows(html, page.row) if "Register &lt;b&gt;" in row]
    (gone_row,) = [row for row in _rows(html, page.row) if "Old system" in row]
    # What each may do, and when it was last used.
    assert f"<li>{labels['schools:write']}</li>" in live_row and f"<li>{labels['reports:read']}</li>" in live_row
    assert f"<li>{labels['schools:read']}</li>" in gone_row
    assert never not in live_row and f"<td>{never}</td>" in gone_row
    # A live one has its revoke button, posted to its own address and named for screen readers; a revoked one none.
    action = f"{page.url}{live.pk}/revoke/"
    assert re.search(
        rf'<form method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken"', live_row
    )
    assert f'<button type="submit" class="secondary">{revoke % {"name": "Register &lt;b&gt;"}}</button>' in live_row
    assert "<form" not in gone_row
    # The form that makes one more, labelled by its heading.
    assert re.search(
        rf'<h2 id="{page.heading_id}">{re.escape(heading)}</h2>\s*<form method="post" action="{page.url}new/" '
        rf'class="stacked" novalidate aria-labelledby="{page.heading_id}">',
        html,
    )
    assert f'<div class="actions"><button type="submit">{button}</button></div>' in html
    if language != "en":
        assert (never, heading, button) != ("Never", page.heading, page.button)


@pytest.mark.parametrize("kind", ["tokens", "clients"])
def test_each_page_refuses_bad_input_keeps_it_and_says_what_was_revoked(client, cast, kind):
    page = PAGES[kind]
    reader = testing.as_(client, cast.nso_il, "he")
    refused = reader.post(f"{page.url}new/", {"name": "Kept name <i>", "scopes": []})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'value="Kept name &lt;i&gt;"' in html
    with translation.override("he"):
        assert gettext(page.required) in html
    assert (AccessToken.objects.filter(client__isnull=True).count(), OAuthClient.objects.count()) == (0, 0)

    made = page.make(cast, "Register", ["schools:read"])
    revoked = reader.post(f"{page.url}{made.pk}/revoke/", follow=True)
    again = reader.post(f"{page.url}{made.pk}/revoke/", follow=True)
    with translation.override("he"):
        said, already = gettext("“%(name)s” no longer works.") % {"name": "Register"}, gettext(page.already)
    assert revoked.redirect_chain == [(page.url, 302)] and escape(said) in revoked.content.decode()
    assert again.redirect_chain == [(page.url, 302)] and escape(already) in again.content.decode()
    assert escape(said) not in again.content.decode()
