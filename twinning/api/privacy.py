"""Personal data held by the API: each person's access tokens (their names, scopes and use), declared in
the privacy register (`common.privacy`). The token itself is never kept, only a digest of it."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import UNTIL_CLOSED, Basis, PersonalData, register

register(
    PersonalData(
        "api.AccessToken",
        fields=("name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"),
        purpose=_("Letting another system read or change what the person may, on their behalf, through the API."),
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("API tokens"),
    ),
)
