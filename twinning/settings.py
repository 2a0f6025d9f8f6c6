"""Settings for Twinning.

Everything that differs between the demo on a laptop and a production deployment comes from
environment variables. With none set, the project runs as a local demo: SQLite file under
``var/``, e-mails printed to the console, DEBUG on. ``TWINNING_ENV=production`` switches on the
production baseline (no DEBUG, secure cookies, HSTS, SSL redirect) and then *requires* a real
secret key and allowed hosts instead of silently using demo values.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TWINNING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = os.environ.get("TWINNING_ENV", "demo") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when TWINNING_ENV=production.")
    # Only ever used by the local demo; production refuses to start without its own key.
    SECRET_KEY = "demo-only-insecure-key-9f3b1c7e2a0d4b6f8e1c3a5d7f9b2e4c6a8d0f1e3b5c7d9"  # nosec B105  # demo only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when TWINNING_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front of the site (addresses or networks such as 10.0.0.0/8). Only a request
# from one of them has its X-Forwarded-For believed (see common.net.client_address); with none
# listed, the client's address is the connection's own.
TRUSTED_PROXIES = env_list("TWINNING_TRUSTED_PROXIES", [])

# The public address of the site, used in links inside e-mails sent outside a request.
SITE_URL = os.environ.get("TWINNING_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Second factor: devices for authenticator apps (TOTP) and recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "twinning.common",
    "twinning.accounts",
    "twinning.schools",
    "twinning.matching",
    "twinning.onboarding",
    "twinning.twinnings",
    "twinning.consent",
    "twinning.workspace",
    "twinning.meetings",
    "twinning.coordination",
    "twinning.library",
    "twinning.reporting",
    "twinning.learning",
    "twinning.recognition",
    "twinning.communities",
    "twinning.showcase",
    "twinning.retention",
    # The top layer: the front page and the dashboard (it reads the apps below it; none reads it).
    "twinning.home",
    # The JSON API (/api/v1/), on top with the dashboard: it reads and writes through every app.
    "twinning.api",
    # Django Ninja: the API's schema from the code, and its documentation page served from here.
    "ninja",
    # The demo network (load_demo, demo_code), also at the top: it writes through every app below.
    "twinning.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses text responses on their way out, after every middleware below has written them.
    "twinning.common.middleware.TextCompressionMiddleware",
    "twinning.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session's middleware, so that saving a session does not count as a write.
    *(["twinning.common.replicas.ReplicaMiddleware"] if os.environ.get("DATABASE_REPLICA_URL") else []),
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    "twinning.common.middleware.PersonPreferencesMiddleware",
    "twinning.common.middleware.DataSaverMiddleware",
    # Before anything reads the body (the CSRF check does), and after the language is known.
    "twinning.common.uploads.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle sessions first, then holds a signed-in person at the second step (or at setting one
    # up, when their role needs it) until it is passed: every page, the admin site included.
    "twinning.accounts.middleware.SessionTimeoutMiddleware",
    "twinning.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "twinning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "twinning.common.context_processors.site",
                "twinning.accounts.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "twinning.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'twinning.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request reuses it: after a database restart the
        # first requests reconnect instead of failing on a dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A busy demo has a web process (threaded) and a worker writing to one file: wait instead of
    # failing. A transaction takes the write lock when it begins (IMMEDIATE), so two that read and
    # then write wait for each other rather than one failing with "database is locked"; WAL lets
    # pages read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A PostgreSQL read replica (streaming replication), optional: with DATABASE_REPLICA_URL set, a GET or
# HEAD from a browser that has not written lately reads from it; writes, transactions, every other
# request, background jobs and management commands use the primary (common/replicas.py). A browser
# whose request wrote reads from the primary for DATABASE_REPLICA_PIN_SECONDS after: set it a few
# seconds above the replica's usual lag. Without DATABASE_REPLICA_URL nothing of this is installed.
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests read the test database through this alias instead of a copy of their own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["twinning.common.replicas.ReplicaRouter"]

# PostgreSQL's JIT compiler, off: it compiles any statement the planner thinks costly before running it, which
# for the site's short reads costs more than it saves (an NSO's validation count: 754 ms of compiling for 50 ms of
# work, at 200,000 schools, docs/large-network.md). DATABASE_JIT=server leaves the server's own setting, for a
# pooler that refuses the startup option (set `ALTER ROLE … SET jit = off` there instead, docs/scaling.md).
if os.environ.get("DATABASE_JIT", "off") == "off":
    for _alias in DATABASES.values():
        if _alias["ENGINE"] == "django.db.backends.postgresql":
            _options = _alias.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

# Behind PgBouncer in transaction pooling, server-side cursors (QuerySet.iterator on PostgreSQL) cannot
# be carried from one transaction to the next: turn them off (docs/scaling.md).
if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Looks people up by e-mail or pupil username (accounts.models.UserManager) and throttles
    # password checks per account and per client address (accounts.throttle).
    "twinning.accounts.backends.SignInBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name", "username")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (accounts.throttle). An account, however its e-mail or username is spelled and
# wherever the guesses come from, gets ACCOUNT_FAILURES password checks; then it is paused for
# FIRST_DELAY seconds, twice as long after each further pause, at most MAX_DELAY, until a correct
# password. Pauses are short on purpose: a classmate who types a pupil's username wrongly delays
# that pupil by a minute, not a lesson. One client address may fail ADDRESS_FAILURES times within
# ADDRESS_WINDOW seconds, across all accounts, before it is paused the same way.
SIGNIN_THROTTLE = {
    "ACCOUNT_FAILURES": int(os.environ.get("TWINNING_SIGNIN_ACCOUNT_FAILURES", "5")),
    "ADDRESS_FAILURES": int(os.environ.get("TWINNING_SIGNIN_ADDRESS_FAILURES", "30")),
    "ADDRESS_WINDOW": 15 * 60,
    "FIRST_DELAY": 60,
    "MAX_DELAY": 15 * 60,
    # After a day without a failure, earlier pauses are forgotten.
    "FORGET_AFTER": 24 * 3600,
    # Sign-ups one address may send an hour (a school's staff room shares one address).
    "SIGNUPS_PER_HOUR": int(os.environ.get("TWINNING_SIGNUPS_PER_HOUR", "20")),
}

# Sessions: how long a session may sit unused, by who holds it, and how long any session lasts.
# Pupils use shared classroom computers: their session also ends when the browser closes.
SESSION_IDLE_LIMITS = {
    "pupil": int(os.environ.get("TWINNING_IDLE_PUPIL", str(30 * 60))),
    # Platform admins, NSO staff and coordinators (the roles that need a second factor).
    "staff": int(os.environ.get("TWINNING_IDLE_STAFF", str(2 * 3600))),
    "adult": int(os.environ.get("TWINNING_IDLE_ADULT", str(8 * 3600))),
}
SESSION_MAX_AGE = int(os.environ.get("TWINNING_SESSION_MAX_AGE", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_MAX_AGE

# Second factor (django-otp): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Twinning"
# django-otp's admin pages are not registered (accounts.admin): keys are never shown there either.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in with a school's account (OpenID Connect, accounts.oidc). TWINNING_OIDC_PROVIDERS names the
# providers (default "google,microsoft"); each NAME is on when TWINNING_OIDC_<NAME>_CLIENT_ID and
# _CLIENT_SECRET are set, with _ISSUER (Google's is known; Microsoft's is built from _TENANT) and an
# optional _LABEL for the button. With none on, no button appears anywhere.
_OIDC_KNOWN = {
    "google": ("Google", "https://accounts.google.com"),
    "microsoft": ("Microsoft", ""),
}


def _oidc_provider(name: str) -> dict | None:
    prefix = f"TWINNING_OIDC_{name.upper()}_"
    label, issuer = _OIDC_KNOWN.get(name, (name.capitalize(), ""))
    if name == "microsoft" and os.environ.get(prefix + "TENANT"):
        issuer = f"https://login.microsoftonline.com/{os.environ[prefix + 'TENANT']}/v2.0"
    config = {
        "label": os.environ.get(prefix + "LABEL", label),
        "issuer": os.environ.get(prefix + "ISSUER", issuer).rstrip("/"),
        "client_id": os.environ.get(prefix + "CLIENT_ID", ""),
        "client_secret": os.environ.get(prefix + "CLIENT_SECRET", ""),
    }
    return config if config["issuer"] and config["client_id"] and config["client_secret"] else None


OIDC_PROVIDERS = {
    name: config
    for name in os.environ.get("TWINNING_OIDC_PROVIDERS", "google,microsoft").replace(" ", "").lower().split(",")
    if name and (config := _oidc_provider(name)) is not None
}
# How long a person has at the provider before coming back (seconds), and each call to it.
OIDC_FLOW_MAX_AGE = int(os.environ.get("TWINNING_OIDC_FLOW_MAX_AGE", "600"))
OIDC_TIMEOUT = float(os.environ.get("TWINNING_OIDC_TIMEOUT", "5"))

# How long an e-mail confirmation link stays valid.
EMAIL_CONFIRMATION_MAX_AGE = int(os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", str(3 * 24 * 3600)))

# The languages are data: every form that takes a text in each language, the language menu, the catalogues
# `make messages` writes and the e-mails follow this list (docs/recipes.md: adding a language).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("he", "עברית"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "twinning" / "locale"]
# Date and time formats where Django's locale has none (Arabic date-times): twinning/common/formats.
FORMAT_MODULE_PATH = ["twinning.common.formats"]
# Written right to left (`common.i18n.direction`, Django's `get_language_bidi`): Django's list, and Yiddish.
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "yi"]
LANGUAGE_COOKIE_NAME = "twinning_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
# collectstatic target in production; the demo serves files straight from the apps instead.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static")) if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("TWINNING_MEDIA_ROOT", VAR_DIR / "media"))
# Media on object storage instead of MEDIA_ROOT: TWINNING_MEDIA_STORAGE=s3 with a private bucket of any
# S3-compatible service (common/storage.py). Files stay private: written with no ACL (the bucket's own,
# which must block public access), never linked or signed for a browser, sent only by the app's
# access-checked views. Reading a file for a backup or a job spills to a temporary file past 2.5 MB.
MEDIA_STORAGE = os.environ.get("TWINNING_MEDIA_STORAGE", "filesystem").strip().lower()
if MEDIA_STORAGE == "s3":
    if not os.environ.get("TWINNING_S3_BUCKET"):
        raise ImproperlyConfigured("Set TWINNING_S3_BUCKET when TWINNING_MEDIA_STORAGE=s3.")
    STORAGES["default"] = {
        "BACKEND": "twinning.common.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["TWINNING_S3_BUCKET"],
            # Unset: the provider's own address (AWS); set for any other S3-compatible service.
            "endpoint_url": os.environ.get("TWINNING_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("TWINNING_S3_REGION") or None,
            # Unset: boto3 finds credentials itself (instance role, ~/.aws, AWS_* variables).
            "access_key": os.environ.get("TWINNING_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("TWINNING_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("TWINNING_S3_PREFIX", ""),
            "addressing_style": os.environ.get("TWINNING_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # A name already taken gets another, as on a disk: nothing is overwritten by a save.
            "file_overwrite": False,
            "max_memory_size": 2_621_440,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("TWINNING_MEDIA_STORAGE is either filesystem (the default) or s3.")

# Uploads (twinning/common/uploads/). Set here rather than left to Django's defaults: form fields
# other than files are held in memory up to 2.5 MB; an uploaded file above 2.5 MB goes to a
# temporary file on disk as it arrives, never to memory; at most 20 files a request. A body larger
# than the largest upload kind (200 MB video) plus the form's fields is answered 413 before it is
# read (RequestSizeLimitMiddleware); a proxy in front should refuse it even earlier.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Spreadsheets of schools and teachers (onboarding): 40 MiB holds some 150,000 rows of CSV. Invitations
# to set a password, sent to imported teachers, stay valid this many days (sending again renews them).
ONBOARDING_MAX_FILE_BYTES = int(os.environ.get("TWINNING_ONBOARDING_MAX_FILE_BYTES", str(40 * 1024 * 1024)))
ONBOARDING_INVITATION_DAYS = int(os.environ.get("TWINNING_ONBOARDING_INVITATION_DAYS", "14"))
# A file of more schools and teachers than this is imported by the job queue (its page shows when it is
# done); a smaller one at once, within the request.
ONBOARDING_INLINE_ROWS = int(os.environ.get("TWINNING_ONBOARDING_INLINE_ROWS", "1000"))
# Where uploads are streamed and checked; the system's temporary folder when unset.
FILE_UPLOAD_TEMP_DIR = os.environ.get("TWINNING_UPLOAD_TEMP_DIR") or None
# Video and sound are checked and remuxed by ffmpeg (installed by `make system-deps`); without it
# they are refused, never kept unchecked.
FFMPEG_BINARY = os.environ.get("TWINNING_FFMPEG", "ffmpeg")
FFPROBE_BINARY = os.environ.get("TWINNING_FFPROBE", "ffprobe")

# Cache: each process's memory by default; Redis when TWINNING_CACHE_URL is set (shared by all
# processes). The cache is an optimisation only: when Redis is gone, reads miss and writes are
# dropped (common/cache.py), with short time-outs so an outage never holds a page up.
CACHE_URL = os.environ.get("TWINNING_CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "twinning.common.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions live in the database only: signing in never depends on the cache (one indexed query a request).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Partner search maps the index a worker job builds in this folder (one per machine, shared by its
# web processes; see docs/architecture.md "Partner search index"), and looks for a new build and for
# schools changed since at most this often (seconds).
MATCHING_INDEX_DIR = Path(os.environ.get("TWINNING_SEARCH_INDEX_DIR", VAR_DIR / "search-index"))
MATCHING_INDEX_MAX_AGE = int(os.environ.get("TWINNING_SEARCH_INDEX_MAX_AGE", "5"))

# Background jobs: rows in the database (common/jobs), drained by `manage.py run_worker` on any
# number of machines. A claimed job's lease is renewed while it runs; when a worker dies, its jobs
# are taken again once the lease has run out.
# The hour, in each reader's own time zone, at which daily digests go (and weekly ones, on Mondays).
DIGEST_HOUR = int(os.environ.get("TWINNING_DIGEST_HOUR", "7"))
JOBS_IMMEDIATE = env_bool("TWINNING_JOBS_IMMEDIATE", False)  # run jobs in the process that queues them (debugging)
JOBS_LEASE_SECONDS = int(os.environ.get("TWINNING_JOBS_LEASE_SECONDS", "60"))
JOBS_POLL_SECONDS = float(os.environ.get("TWINNING_JOBS_POLL_SECONDS", "1"))
# The readiness page (/ready/) reports the queue as late when its oldest due job has waited longer.
JOBS_LATE_SECONDS = int(os.environ.get("TWINNING_JOBS_LATE_SECONDS", "600"))

# Video rooms of live meetings (meetings/rooms/): the provider each programme uses, and each
# provider's address and secret. Without any, every programme keeps the link a teacher types.
# TWINNING_VIDEO_PROVIDER_PROGRAMMES overrides the default per programme: "slug=jitsi,other=bigbluebutton".
# The join button shows from this many minutes before a meeting starts until it ends.
VIDEO_JOIN_BEFORE_MINUTES = int(os.environ.get("TWINNING_VIDEO_JOIN_BEFORE_MINUTES", "15"))
VIDEO_PROVIDERS = {
    "default": os.environ.get("TWINNING_VIDEO_PROVIDER", "link").strip() or "link",
    "programmes": {
        slug.strip(): kind.strip()
        for slug, _, kind in (item.partition("=") for item in env_list("TWINNING_VIDEO_PROVIDER_PROGRAMMES", []))
        if kind.strip()
    },
    "timeout": float(os.environ.get("TWINNING_VIDEO_TIMEOUT", "5")),  # seconds for each call to the provider
    "bigbluebutton": {
        "url": os.environ.get("TWINNING_BBB_URL", ""),
        "secret": os.environ.get("TWINNING_BBB_SECRET", ""),
        "checksum": os.environ.get("TWINNING_BBB_CHECKSUM", "sha1"),
    },
    "jitsi": {
        "domain": os.environ.get("TWINNING_JITSI_DOMAIN", ""),
        "app_id": os.environ.get("TWINNING_JITSI_APP_ID", ""),
        "secret": os.environ.get("TWINNING_JITSI_SECRET", ""),
        "audience": os.environ.get("TWINNING_JITSI_AUDIENCE", "jitsi"),
    },
}

# E-mail: every message is queued (common/mail.py) and delivered by the worker through
# EMAIL_DELIVERY_BACKEND: printed to the console in the demo, SMTP from the environment in production.
EMAIL_BACKEND = "twinning.common.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail server counts as failed (the send is then tried again later).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Twinning <no-reply@twinning.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cookies and headers. Production gets the full baseline; the demo runs on plain http://127.0.0.1.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# An expired form gets a translated page that keeps the text typed into it (common/drafts.js).
CSRF_FAILURE_VIEW = "twinning.common.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# Outside production, serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "twinning" / "common" / "public"

# The JSON API: personal access tokens last at most this many days; each token may make this many
# requests a minute (then 429 with Retry-After); a page of a list holds at most API_PAGE_MAX items.
TWINNING_API_TOKEN_MAX_DAYS = int(os.environ.get("TWINNING_API_TOKEN_MAX_DAYS", "365"))
TWINNING_API_RATE_PER_MINUTE = int(os.environ.get("TWINNING_API_RATE_PER_MINUTE", "120"))
# How long a token an NSO's system gets with its OAuth 2 client credentials works, in seconds.
TWINNING_API_CLIENT_TOKEN_SECONDS = int(os.environ.get("TWINNING_API_CLIENT_TOKEN_SECONDS", "3600"))
API_PAGE_MAX = 200
NINJA_PAGINATION_MAX_LIMIT = API_PAGE_MAX
