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
    "axes",
    "twinning.common",
    "twinning.accounts",
    "twinning.schools",
    "twinning.matching",
    "twinning.twinnings",
    "twinning.workspace",
    "twinning.meetings",
    "twinning.coordination",
    "twinning.library",
    "twinning.reporting",
    "twinning.learning",
    "twinning.recognition",
    "twinning.communities",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "twinning.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twinning.common.middleware.PersonPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the failed logins of the views above it.
    "axes.middleware.AxesMiddleware",
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
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A busy demo has a web process and a worker writing to one file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Looks people up by e-mail or pupil username: see accounts.models.UserManager.
    "django.contrib.auth.backends.ModelBackend",
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

# Login throttling: five failures for one account from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# How long an e-mail confirmation link stays valid.
EMAIL_CONFIRMATION_MAX_AGE = int(os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", str(3 * 24 * 3600)))

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("he", "עברית"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "twinning" / "locale"]
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

# Cache: each process's memory by default; Redis when TWINNING_CACHE_URL is set (shared by all processes).
CACHE_URL = os.environ.get("TWINNING_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions live in the database and are read through the cache: most requests skip the session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Partner search keeps an in-memory index per process; it looks for changes at most this often (seconds).
MATCHING_INDEX_MAX_AGE = int(os.environ.get("TWINNING_SEARCH_INDEX_MAX_AGE", "30"))

# Background jobs (Huey). Embedded: a SQLite file beside the database, and one worker
# (`manage.py run_huey`, which `make run` starts). Production: TWINNING_QUEUE_URL=redis://host:6379/0.
# `immediate` is always set explicitly: djhuey would otherwise run tasks inside requests when DEBUG is on.
QUEUE_URL = os.environ.get("TWINNING_QUEUE_URL", "")
QUEUE_IMMEDIATE = env_bool("TWINNING_QUEUE_IMMEDIATE", False)
if QUEUE_URL.startswith("redis"):
    HUEY = {"huey_class": "huey.RedisHuey", "name": "twinning", "url": QUEUE_URL, "immediate": QUEUE_IMMEDIATE}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "twinning",
        "filename": str(VAR_DIR / "queue.sqlite3"),
        "immediate": QUEUE_IMMEDIATE,
    }

# E-mail: printed to the console in the demo; SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Twinning <no-reply@twinning.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cookies and headers. Production gets the full baseline; the demo runs on plain http://127.0.0.1.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
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
