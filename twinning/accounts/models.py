from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Also the path the initial migrations of accounts, schools and matching name this validator by.
from twinning.common.search import Searchable
from twinning.common.time_zones import validate_time_zone


def normalise_login(login: str | None) -> str:
    """The one spelling of what a person types to sign in: ``ADMIN@x.org `` and ``admin@x.org`` are one."""
    return (login or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, login: str):
        # Teachers and staff sign in with their e-mail, pupils (who have none) with a username.
        login = normalise_login(login)
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(username__iexact=login)

    def create_user(self, email=None, password=None, **fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email=email, password=password, **fields)


class User(Searchable, AbstractBaseUser, PermissionsMixin):
    """A person: teacher, principal, NSO staff, coordinator, pupil or platform administrator.

    Roles are not columns here: a person holds any number of them (see ``Role`` and
    ``schools.TeacherProfile``). Platform administrators are ``is_superuser``. People are searched by
    name and e-mail address through their folded copy (``search_text``, see ``common.search``).
    """

    SEARCHED = ("full_name", "email")

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Pupils sign in with a username, because they have no e-mail address."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    # On: no autoplay, photos only on tap, the feed as text. None: as the browser asks (Save-Data).
    data_saver = models.BooleanField(_("data saver"), null=True, blank=True, default=None)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(username__isnull=False), name="user_has_a_login"
            ),
            # Addresses are stored lower-case by the services; this also holds for the admin site.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ignoring_case"),
        ]
        indexes = [
            # The few with an address not yet confirmed (those signing up): the teachers waiting for validation who
            # cannot be validated yet are found from here, not by looking up each person waiting.
            models.Index(
                fields=["id"],
                condition=Q(email_confirmed_at__isnull=True, email__isnull=False),
                name="user_address_unconfirmed",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.username or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Role(models.Model):
    """A role a person holds in one scope: NSO staff of an NSO, coordinator of an NSO or a programme,
    school principal, programme administrator.

    Teachers are described by ``schools.TeacherProfile`` (it carries their validation), and
    platform administrators by ``User.is_superuser``. Roles are given and taken away on the roles
    page (``accounts.services.grant_role``/``remove_role``), which records who, when and why.
    """

    class Kind(models.TextChoices):
        NSO_STAFF = "nso_staff", _("NSO staff")
        COORDINATOR = "coordinator", _("Pedagogic coordinator")
        PRINCIPAL = "principal", _("School principal")
        PROGRAMME_ADMIN = "programme_admin", _("Programme administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    nso = models.ForeignKey("schools.NSO", null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    programme = models.ForeignKey(
        "schools.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        indexes = [models.Index(fields=["kind", "nso"]), models.Index(fields=["kind", "school"])]
        constraints = [
            models.CheckConstraint(
                name="role_scope_fits_kind",
                condition=(
                    Q(kind="nso_staff", nso__isnull=False, programme__isnull=True, school__isnull=True)
                    | Q(kind="coordinator", school__isnull=True)
                    & (Q(nso__isnull=False, programme__isnull=True) | Q(nso__isnull=True, programme__isnull=False))
                    | Q(kind="principal", school__isnull=False, nso__isnull=True, programme__isnull=True)
                    | Q(kind="programme_admin", programme__isnull=False, nso__isnull=True, school__isnull=True)
                ),
            ),
            # A person holds a role once in a scope (exactly one of the three is set, see above).
            models.UniqueConstraint(
                fields=["user", "kind", "nso"], condition=Q(nso__isnull=False), name="role_once_per_nso"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "programme"],
                condition=Q(programme__isnull=False),
                name="role_once_per_programme",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school"], condition=Q(school__isnull=False), name="role_once_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.scope}"

    @property
    def scope(self):
        """The NSO, programme or school the role is held in."""
        return self.nso or self.programme or self.school


class Pupil(models.Model):
    """A pupil's account, made by a teacher of their school: a username, no e-mail.

    Others only ever see the display name (a first name and an initial, or a pseudonym); the
    full name is kept only with consent to show it. The consents say what may be shared of the
    pupil in a twinning's workspace.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pupil")
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="pupils"
    )
    display_name = models.CharField(
        _("name shown"), max_length=60, help_text=_("A first name and an initial, or a pseudonym.")
    )
    full_name = models.CharField(
        _("full name"), max_length=200, blank=True, help_text=_("Kept and shown only with consent to show it.")
    )
    consent_face = models.BooleanField(_("may appear in photos"), default=False)
    consent_video = models.BooleanField(_("may appear in video clips"), default=False)
    consent_voice = models.BooleanField(_("may be heard in audio and video clips"), default=False)
    consent_full_name = models.BooleanField(_("full name may be shown"), default=False)
    # Photos showing the pupil may appear on their programme's public page (no name), apart from
    # the twinning's own photo consent above.
    consent_public = models.BooleanField(_("may appear in photos on the programme's public page"), default=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["display_name", "pk"]
        indexes = [models.Index(fields=["school", "display_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def shown_name(self) -> str:
        return self.full_name if self.consent_full_name and self.full_name else self.display_name


class Throttle(models.Model):
    """Failed attempts counted for one key in one scope, and the pause they have earned.

    Scopes: an account's failed sign-ins (keyed by the person, or by the normalised login when no
    account has it), a client address's failed sign-ins across accounts, a client address's
    sign-ups, and the e-mails telling an account's owner that someone signed up with their address.
    ``strikes`` is how many pauses came one after another: each one lasts twice as long.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("client address")
        SIGNUP = "signup", _("sign-ups from an address")
        SIGNUP_NOTICE = "signup_notice", _("sign-up notices to an account")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=300)
    failures = models.PositiveIntegerField(default=0)
    strikes = models.PositiveSmallIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("throttle")
        verbose_name_plural = _("throttles")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="throttle_one_row_per_key")]
        indexes = [models.Index(fields=["last_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class LinkedIdentity(models.Model):
    """An account at an OpenID Connect provider (a school's Google or Microsoft account) that the
    person linked to theirs, and may sign in with. ``subject`` is the provider's own stable id for
    the account (the ID token's ``sub``); the address is what the provider said when it was linked,
    shown so the person knows which account it is."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="linked_identities")
    provider = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(_("account at the provider"), max_length=255)
    email = models.EmailField(_("e-mail at the provider"), blank=True)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used to sign in"), null=True, blank=True)

    class Meta:
        verbose_name = _("linked account")
        verbose_name_plural = _("linked accounts")
        ordering = ["provider", "linked_at"]
        constraints = [
            # One account at a provider opens one account here, and a person links one account per provider.
            models.UniqueConstraint(fields=["provider", "subject"], name="linked_identity_once"),
            models.UniqueConstraint(fields=["user", "provider"], name="linked_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.email or self.subject}"

    @property
    def label(self) -> str:
        """The provider's name for the page; a provider no longer configured keeps its code name."""
        config = settings.OIDC_PROVIDERS.get(self.provider)
        return config["label"] if config else self.provider
