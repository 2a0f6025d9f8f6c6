"""Public verification: the page where anyone checks a certificate's code, without signing in."""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from twinning.common.net import client_address
from twinning.learning import services
from twinning.learning.forms import VerifyForm
from twinning.learning.models import Certificate

# Wrong codes one address may try per hour on the public page; real codes cannot be guessed
# anyway (see services.CODE_LENGTH), this only keeps a script from hammering the page.
VERIFY_FAILURES_PER_HOUR = 60


def _client(request) -> str:
    # The real client behind the site's reverse proxies, not the proxy itself.
    return client_address(request)


def verify(request):
    """The public page where anyone checks a certificate's code (no sign-in)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("learning:verify_code", code=code)
        form.add_error("code", _("Type the code printed on the certificate."))
    return _verify_page(request, form=form)


def verify_code(request, code: str):
    normal = services.normalise_code(code)
    if normal != code:
        return redirect("learning:verify_code", code=normal) if normal else redirect("learning:verify")
    key = f"learning-verify-failures:{_client(request)}"
    if (cache.get(key) or 0) >= VERIFY_FAILURES_PER_HOUR:
        return _verify_page(request, form=VerifyForm(), result="busy", status=429)
    certificate = (
        Certificate.objects.filter(code=normal).only(*VERIFIED_FIELDS).first()
        if len(normal) == services.CODE_LENGTH
        else None
    )
    if certificate is None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
        return _verify_page(request, form=VerifyForm(initial={"code": code}), result="unknown", code=code, status=404)
    result = "revoked" if certificate.is_revoked else "valid"
    return _verify_page(request, form=VerifyForm(), result=result, certificate=certificate, code=code)


# Only what the page shows is read: nothing about the holder beyond the name printed on it.
VERIFIED_FIELDS = (
    "code",
    "holder_name",
    "titles",
    "issuer_names",
    "kind",
    "basis",
    "first_day",
    "last_day",
    "hours",
    "issued_on",
    "revoked_at",
)


def _verify_page(request, *, form, result: str = "", certificate=None, code: str = "", status: int = 200):
    response = render(
        request,
        "learning/verify.html",
        {"form": form, "result": result, "certificate": certificate, "code": code},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
