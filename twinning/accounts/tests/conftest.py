import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from twinning.accounts.tests import oidc_support


@pytest.fixture(scope="session")
def oidc_server():
    """The real OpenID Connect provider, started once for the session on 127.0.0.1."""
    redirect_uri = django_settings.SITE_URL + reverse("accounts:oidc_return", args=[oidc_support.NAME])
    running = oidc_support.start(redirect_uri)
    yield running
    oidc_support.stop(running)


@pytest.fixture
def oidc_provider(oidc_server, settings):
    """The provider configured as the site's only one, as the environment would configure it."""
    settings.OIDC_PROVIDERS = oidc_server.settings()
    return oidc_server


@pytest.fixture(scope="module")
def browser_provider(live_server):
    """A provider of its own for a module of browser tests, whose client sends people back to the live server."""
    running = oidc_support.start(live_server.url + reverse("accounts:oidc_return", args=[oidc_support.NAME]))
    yield running
    oidc_support.stop(running)
