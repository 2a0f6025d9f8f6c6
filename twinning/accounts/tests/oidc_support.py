"""A real OpenID Connect provider for the tests: ``oidc_provider.mjs`` (panva's oidc-provider) run
by node on 127.0.0.1, and a small browser made of ``requests`` that signs in and consents on its
development pages, as a person would, and hands back where the provider sends them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess  # nosec B404  # node, started by the tests only, with fixed arguments
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
NAME = "school"  # the provider's name in settings.OIDC_PROVIDERS for these tests
CLIENT_ID = "twinning-tests"
CLIENT_SECRET = "a-secret-only-the-tests-know"  # nosec B105  # a test client's secret on loopback


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def settings(self) -> dict:
        return {
            NAME: {
                "label": "School Account",
                "issuer": self.issuer,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            }
        }


def start(redirect_uri: str) -> RunningProvider:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed for the OpenID Connect tests: `make browser-deps` installs it")
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri]}
    process = subprocess.Popen(  # nosec B603  # fixed arguments
        [node, str(SCRIPT)],
        cwd=SCRIPT.parent,
        env={**os.environ, "OIDC_TEST_CLIENT": json.dumps(client)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first = process.stdout.readline() if process.stdout else ""
    found = re.fullmatch(r"listening (\d+)\s*", first)
    if found is None:
        process.kill()
        raise RuntimeError(f"the test OpenID Connect provider did not start: {first!r}")
    return RunningProvider(issuer=f"http://127.0.0.1:{found.group(1)}", process=process)


def stop(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.process.kill()


def at_provider(url: str, *, login: str, back_to: str, cancel: bool = False) -> str:
    """Follow the provider's pages from ``url`` as a person would: sign in as ``login`` (any password)
    and agree, or cancel. Returns the address it sends the person back to (under ``back_to``)."""
    browser = requests.Session()
    for _step in range(12):
        if url.startswith(back_to):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        page = response.text
        if cancel:
            url = urljoin(url, re.search(r'href="([^"]*/abort)"', page).group(1))
            continue
        prompt = re.search(r'name="prompt" value="(\w+)"', page)
        if prompt is None:
            raise AssertionError(f"unexpected page at the provider: {page[:500]}")
        form = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            form.update(login=login, password="any")  # nosec B105  # the dev login takes any password
        posted = browser.post(url, data=form, allow_redirects=False, timeout=10)
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider never sent the person back")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def through_provider_pages(page, login: str) -> None:
    """In a real browser (Playwright), on the provider's development pages: sign in with any password,
    then agree ("Continue": the client may read the e-mail and name)."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.click("button[type=submit]")
    page.wait_for_load_state()
