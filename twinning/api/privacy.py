"""Personal data held by the API: each person's access tokens (their names, scopes and use), and who
made an NSO's OAuth clients, declared in the privacy register (`common.privacy`). No token or secret
is ever kept, only a digest of it."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import NOT_THEIRS, UNTIL_CLOSED, Basis, Erase, PersonalData, Retention, register

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
    PersonalData(
        "api.OAuthClient",
        fields=("name", "created_at", "last_used_at", "revoked_at"),
        purpose=_("Letting an NSO's own system work with the platform as the NSO's staff may, through the API."),
        basis=Basis.PROGRAMME,
        retention=Retention(
            _("As long as the NSO keeps the client; the link to who made it is removed when their account is closed.")
        ),
        # The client's own account (its service identity) is no person's; who made it is.
        subject=("identity",),
        links=("created_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("OAuth clients of an NSO"),
    ),
)
