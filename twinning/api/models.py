"""Personal access tokens: how another system (an NSO's school register, a funder's dashboard) calls
the API on a person's behalf.

A token is made by its person on the tokens page, named, given scopes and an expiry date, and shown
once. Only a prefix (to find it) and a SHA-256 digest of the whole (to check it) are kept: the
token is 32 random bytes, so a fast digest is enough, as for a password it would not be.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80, help_text=_("What uses it, e.g. “Our school register”."))
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A token an NSO's system got with its client credentials (short-lived, many at once); else personal.
    client = models.ForeignKey(
        "api.OAuthClient", null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True, client__isnull=True),
                name="token_name_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class OAuthClient(models.Model):
    """An NSO's own system (its school register), calling the API with OAuth 2 client credentials
    (RFC 6749 §4.4): it trades its id and secret for short-lived tokens at ``/api/oauth/token``.

    The client acts through its own service identity: an account with no password and no address,
    holding the NSO staff role of the client's NSO, so every operation asks the same ``rules.py`` as
    for the NSO's staff and nothing more. Only a digest of the secret is kept; it is shown once.
    """

    nso = models.ForeignKey("schools.NSO", on_delete=models.CASCADE, related_name="+", verbose_name=_("NSO"))
    name = models.CharField(_("name"), max_length=80, help_text=_("What uses it, e.g. “Our school register”."))
    client_id = models.CharField(_("client id"), max_length=40, unique=True)
    secret_digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    identity = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oauth_client", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("OAuth client")
        verbose_name_plural = _("OAuth clients")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nso", "name"], condition=models.Q(revoked_at__isnull=True), name="client_name_once_per_nso"
            )
        ]

    def __str__(self) -> str:
        return self.name
