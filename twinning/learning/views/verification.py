"""Public verification: the page where anyone checks a certificate's code, without signing in."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from twinning.common.throttle import FailureLimit
from twinning.learning import services
from twinning.learning.forms import VerifyForm
from twinning.learning.models import Certificate

# Unknown codes one address (an IPv6 /64) may try in a quarter of an hour on the public page. Real
# codes cannot be guessed anyway (30^12 of them, see services.CODE_LENGTH): this only keeps a script
# from hammering the page. A code that exists is always answered, limit or not, so an employer or a
# school behind a shared address is never kept from checking a genuine certificate.
UNKNOWN_CODES = FailureLimit("learning-verify", limit=30, window=15 * 60)


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
    certificate = (
        Certificate.objects.filter(code=normal).only(*VERIFIED_FIELDS).first()
        if len(normal) == services.CODE_LENGTH
        else None
    )
    if certificate is None:
        if UNKNOWN_CODES.exceeded(request):
            response = _verify_page(
                request,
                form=VerifyForm(initial={"code": code}),
                result="busy",
                code=code,
                status=429,
                minutes=UNKNOWN_CODES.minutes,
            )
            response["Retry-After"] = str(UNKNOWN_CODES.window)
            return response
        UNKNOWN_CODES.record_failure(request)
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


def _verify_page(
    request, *, form, result: str = "", certificate=None, code: str = "", status: int = 200, minutes: int = 0
):
    response = render(
        request,
        "learning/verify.html",
        {"form": form, "result": result, "certificate": certificate, "code": code, "minutes": minutes},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
