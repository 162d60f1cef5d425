"""Settings for the City Practice Portal.

One module, read from the environment. Local development opts in with DJANGO_DEBUG=1
(`make run` does); anything else is treated as production and refuses to start without
the values production needs.
"""

import datetime
import os
import tomllib
from importlib import metadata
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.database_settings import add_replicas, with_session_options
from portal.env import env_bool, env_int, env_list, env_rate

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random value; for local "
            "development set DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
elif not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Give the host names this site answers to, "
        "comma-separated, e.g. DJANGO_ALLOWED_HOSTS=practices.example.eu"
    )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")


def portal_version():
    """The installed package's version; from pyproject.toml when run from a checkout
    that was never installed (pip install writes the metadata both commands use)."""
    try:
        return metadata.version("city-practice-portal")
    except metadata.PackageNotFoundError:
        with open(BASE_DIR / "pyproject.toml", "rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]


# Reported in export headers so a file says which portal produced it.
PORTAL_VERSION = portal_version()
# After how many months without a check a record is flagged "may be out of date".
PORTAL_STALE_MONTHS = env_int("DJANGO_STALE_MONTHS", 24)
# Whole anonymous pages kept per content version (sources/pages.py); 0 turns it off.
# Keys move on with every write, so this only bounds how long an unread page holds memory.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)

INSTALLED_APPS = [
    # First: its ready() adds the per-language columns the admin and reversion must see.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "taggit",
    "reversion",
    "reversion_compare",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_ratelimit",
    "portal",
    "sources",
    "cities",
    "practices",
    "benchmarks",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the database: decides where this request's reads go.
    "portal.dbrouter.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL prefix (English unprefixed); then the first visit's
    # Accept-Language redirect, before anything reads the database.
    "django.middleware.locale.LocaleMiddleware",
    "portal.languages.first_visit_language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.permissions_policy",
    # Reads the content version at most once a request (cache keys, ETags).
    "sources.versioning.ContentVersionMiddleware",
    "api.middleware.cors",
    # Last, as django-axes requires: it answers a locked-out sign-in itself.
    "axes.middleware.AxesMiddleware",
]

# ----- E-mail ------------------------------------------------------------------------
# Only password resets send mail. Without DJANGO_EMAIL_HOST there is no way to send one,
# so the reset pages say so instead of pretending a message went out.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
if EMAIL_HOST and "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DJANGO_DEFAULT_FROM_EMAIL must be an e-mail address when DJANGO_EMAIL_HOST is set"
    )

# ----- Sign-in throttling (django-axes) ------------------------------------------------
# Failures are counted per username and client address together, so that someone else's
# wrong passwords from another address never lock a user out. The admin and
# /accounts/login/ both authenticate through the axes backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the TLS proxy the client's address is the proxy's X-Forwarded-For (its first
# entry); without one, a forged header must not choose whose failures count.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False)
    else ["REMOTE_ADDR"]
)

# ----- Content-Security-Policy (django-csp) and Permissions-Policy -----------------------
# Scripts only from the portal's own static files, never inline. Styles allow inline
# attributes, which the admin's widgets set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)

# ----- Fair use: rate limits (django-ratelimit) and export slots --------------------------
# Anonymous exports and API calls are counted per client address; staff are exempt.
# Rates are "<count>/<s|m|h|d>".


FAIR_USE_EXPORT_RATE = env_rate("DJANGO_EXPORT_RATE_LIMIT", "30/h")
FAIR_USE_API_RATE = env_rate("DJANGO_API_RATE_LIMIT", "120/m")
# Exports streaming at once in one server process; 0 for no cap.
FAIR_USE_EXPORT_CONCURRENCY = env_int("DJANGO_EXPORT_CONCURRENCY", 2)
FAIR_USE_BEHIND_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
RATELIMIT_IP_META_KEY = "portal.fairuse.client_address"
# A cache that cannot count lets requests through: the public API and exports must not
# go down with the cache.
RATELIMIT_FAIL_OPEN = True

# ----- The read API (Django REST Framework, drf-spectacular) ----------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Read-only: a signed-in curator sees drafts as on the site; CORS never sends cookies.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.FairUseThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # ?format= is the exports' parameter; the API speaks JSON only.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "City Practice Portal API",
    "DESCRIPTION": (
        "Read-only JSON over the knowledge base: the practice browser's filters, facets "
        "and order, with cursor pagination. Anonymous callers see published records only."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Anonymous by design: a curator's session is not something to document or try out.
    "AUTHENTICATION_WHITELIST": [],
    # Three models have a "kind": each its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PracticeKindEnum": "practices.models.PracticeKind",
        "OrganisationKindEnum": "cities.models.Organisation.Kind",
        "SourceKindEnum": "sources.models.SourceDocument.Kind",
    },
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.password_reset",
                "portal.context_processors.languages",
            ],
        },
    },
]

# SQLite by default so a fresh machine needs nothing but Python; PostgreSQL (full-text
# search with a GIN index) whenever DATABASE_URL says so.
try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Pages read straight from the OS page cache (memory-mapped, up to 1 GiB) instead of
    # being copied into each new connection's 2 MB cache: a search reading 27,000
    # practice rows spent 25 ms in read() calls. Costs no private memory (the mapping
    # is the page cache, shared), but `ps` counts the mapped pages in a process's RSS.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA mmap_size=1073741824;"

# ----- Read replicas (portal/dbrouter.py) ----------------------------------------------
# Hot standbys (comma-separated URLs) for anonymous public reads; see there for the rest.
DATABASE_REPLICAS = add_replicas(
    DATABASES,
    env_list("DATABASE_REPLICA_URLS"),
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    connect_timeout=env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2),
)
DATABASE_ROUTERS = ["portal.dbrouter.PrimaryReplicaRouter"]
with_session_options(DATABASES)  # the primary and every replica
# A replica further behind than this (or not answering) serves no reads until the next
# check, which each server process makes at most every DATABASE_REPLICA_CHECK_SECONDS.
DATABASE_REPLICA_MAX_LAG_MS = env_int("DATABASE_REPLICA_MAX_LAG_MS", 1000)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 2)
# After a write, the writer reads from the primary this long (a cookie): read-your-writes.
DATABASE_PIN_SECONDS = env_int("DATABASE_PIN_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ----- Cache -------------------------------------------------------------------------
# Facet counts and other derived figures, keyed on the content version (so a write is
# never followed by a stale read). Production shares one Redis between app servers
# (REDIS_URL, e.g. redis://127.0.0.1:6379/0); without it each process keeps its own
# small in-memory cache, which is right for `make run` and for tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be a redis://, rediss:// or unix:// URL; got {REDIS_URL!r}"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, with every failure a miss (portal/cache.py): pages
            # render, slower, while Redis is away.
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 3600,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry_after": env_int("REDIS_RETRY_SECONDS", 2),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Fair use counts in the same cache (see the fair-use settings above).
RATELIMIT_USE_CACHE = os.environ.get("DJANGO_RATELIMIT_CACHE", "default")
if RATELIMIT_USE_CACHE in CACHES and CACHES[RATELIMIT_USE_CACHE]["BACKEND"].endswith(
    ".locmem.LocMemCache"
):
    # django-ratelimit refuses a per-process cache (E003) and warns on any backend it does
    # not list (W001). Without REDIS_URL (make run, tests) each server process counts on
    # its own: a client may reach the limit once per process. README says so.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
elif CACHES[RATELIMIT_USE_CACHE]["BACKEND"].endswith("RedisCache"):
    # Django's own Redis backend counts atomically (INCR); django-ratelimit's list of
    # backends predates it, hence W001.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface in five languages (README "Languages"). Catalogues in locale/, compiled
# by `make install`; English is the source language and needs no catalogue.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the active language (Django's locale formats); English keeps
# the portal's day-month-year (portal/formats/en).
FORMAT_MODULE_PATH = ["portal.formats"]
# Only stops the first-visit redirect once a language was chosen; nothing secret in it.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
# Curated text in the interface's languages, English where untranslated (README
# "Content translations"); old versions revert without wiping them (version_json.py).
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE  # and the fallback, by default
SERIALIZATION_MODULES = {"json": "sources.version_json"}
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TAGGIT_CASE_INSENSITIVE = True

# Production hardening. With DEBUG on (local only) these would get in the way of
# http://127.0.0.1, so they follow DEBUG; `check --deploy` runs with DEBUG off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
