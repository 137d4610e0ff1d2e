"""Boardwalk settings, driven by environment variables (see .env.example).

Without any environment the project runs on the embedded default: SQLite and Kombu's
filesystem transport under ``var/``, so ``make run`` needs no database or broker server.
DATABASE_URL and REDIS_URL (or CELERY_BROKER_URL) switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, WASM_UNSAFE_EVAL
from django.core.exceptions import ImproperlyConfigured

from conf.env import BASE_DIR, env_bool, env_int, env_list, env_str, var_dir

VAR_DIR = var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)


# One switch for every production default (HSTS, HTTPS redirect, secure cookies, a required
# SECRET_KEY); the Docker image sets it. Each default can still be overridden by its own variable.
PRODUCTION = env_bool("BOARDWALK_PRODUCTION", False)
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def _secret_key() -> str:
    """SECRET_KEY from the environment; else one generated once and kept in var/ (0600).
    In production the environment must supply a strong one: a generated file on one
    container's disk would differ between web replicas and vanish with the container."""
    key = env_str("SECRET_KEY")
    if PRODUCTION and (len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE):
        raise ImproperlyConfigured(
            f"BOARDWALK_PRODUCTION is on, so SECRET_KEY must be set in the environment: "
            f"at least {SECRET_KEY_MIN_LENGTH} characters with at least "
            f"{SECRET_KEY_MIN_UNIQUE} different ones (got "
            + (f"{len(key)} characters, {len(set(key))} different" if key else "none")
            + "). Generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Written whole under a temporary name, then linked into place (which fails when the
        # file exists): processes starting at once (gunicorn's workers) all read the first
        # writer's key, never an empty or half-written file.
        # mkstemp: a name no other process (another container's PID 1 on a shared var/)
        # can share, created 0600 before anything is written to it.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix="secret_key.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Badge QR tokens are an HMAC of a per-badge salt under this key; only their hash is stored.
# Changing it replaces every badge (printed ones then scan as "replaced").
BADGE_TOKEN_KEY = env_str("BADGE_TOKEN_KEY") or SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute links (badge QR codes, webcal feeds, password-reset mails). Unset, it follows the
# address `make run` serves on (HOST and PORT), so `PORT=8001 make run` links to port 8001.
SITE_URL = (
    env_str("SITE_URL") or f"http://{env_str('HOST') or '127.0.0.1'}:{env_int('PORT', 8000)}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "planner",
    "axes",  # after the apps whose logins it watches, as its docs ask
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so the PWA's files (sw.js, the manifest) carry the headers too.
    "planner.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Near the end: turns a lockout into planner.lockout's answer.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's error first: database down → 503.
    "planner.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "conf.urls"
WSGI_APPLICATION = "conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'boardwalk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so tests can close and reopen the connection like on PostgreSQL;
    # one per process, so two test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-boardwalk-{os.getpid()}.sqlite3")}
    # Web, worker and beat share one SQLite file: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable server (dropped packets) must not hold a request for minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- broker, results, cache ----------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Kombu's filesystem transport: one folder both ways, so web, worker and beat on one
    # machine share a queue without any server. Fine for a laptop, not for production.
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = (
        env_str("CELERY_RESULT_BACKEND") or f"file://{VAR_DIR / 'celery-results'}"
    )
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A request that enqueues must not hang when Redis is down: fail fast, the run is
        # in the database and the sweeper (planner.imports.dispatch_pending) sends it later.
        "socket_connect_timeout": 1,
        "socket_timeout": 3,  # above the worker's 1 s BRPOP
    }
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or CELERY_BROKER_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# One quick retry when publishing (a dropped connection), then give up: the caller records
# the work in the database and the sweeper dispatches it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SYNC_EVERY = 1  # write the schedule after each sent task: its mtime is beat's health
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "planner.health.heartbeat",
        "schedule": float(env_int("HEARTBEAT_SECONDS", 30)),
    },
    "refresh-schedule-sources": {
        "task": "planner.imports.refresh_sources",
        "schedule": 60.0,
    },
    # Import runs whose task could not be sent (broker down) or was lost: send them again.
    "dispatch-pending-imports": {
        "task": "planner.imports.dispatch_pending",
        "schedule": float(env_int("DISPATCH_SWEEP_SECONDS", 30)),
    },
    # Reminders are database rows swept here, never tasks scheduled ahead with an ETA.
    "dispatch-due-reminders": {
        "task": "planner.reminders.dispatch_due",
        "schedule": float(min(30, max(1, env_int("REMINDER_DISPATCH_SECONDS", 15)))),
        # A sweep that waited longer than one period is replaced by the next one.
        "options": {"expires": float(min(30, max(1, env_int("REMINDER_DISPATCH_SECONDS", 15))))},
    },
    # Evening digests: who reached their digest time (one query), written in bulk.
    "send-evening-digests": {
        "task": "planner.reminders.send_digests",
        "schedule": float(min(300, max(10, env_int("DIGEST_SWEEP_SECONDS", 120)))),
        "options": {"expires": float(min(300, max(10, env_int("DIGEST_SWEEP_SECONDS", 120))))},
    },
}
# Nothing is ever enqueued to run later than this (planner/celery_guard.py refuses it):
# Redis redelivers a message not acknowledged within its visibility timeout, so a long
# ETA/countdown runs twice.
CELERY_MAX_DELAY_SECONDS = 300

if REDIS_URL:
    # Django's RedisCache with short timeouts, answering as a miss while Redis is down
    # (planner/cache.py): bundles and feeds are computed, rate limits fail open.
    CACHES = {"default": {"BACKEND": "planner.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared between the web, worker and beat processes of `make run`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- auth --------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# Login lockout (django-axes; hooks in planner/lockout.py), for the admin and `auth/login`:
# per (account, client address) and per client address, never per account alone, so a
# stranger's guesses cannot lock the owner out. Counted in the database, not the cache, so it
# holds when Redis is down. A success clears that account's failures from that address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "planner.lockout.LoginLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURES_PER_ACCOUNT_AND_IP", 10)  # per (account, address)
# Per address over all accounts: generous, a venue puts many attendees behind one address.
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 200)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "planner.lockout.client_ip"  # the address DRF's throttles use
AXES_USERNAME_CALLABLE = "planner.lockout.login_username"
AXES_LOCKOUT_CALLABLE = "planner.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no forever-growing log of every successful login

# --- i18n / time -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
# What the server writes an attendee (reminders, alerts, digests, e-mails) is in their
# Attendee.language, one of these; the catalogue is planner/locale/<code>/LC_MESSAGES.
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "planner" / "locale"]
TIME_ZONE = "UTC"  # storage and default rendering; each conference renders in its own zone
USE_I18N = True
USE_TZ = True

# --- static files and the PWA --------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Conversation photos: refused above this many pixels (read from the header, before decoding;
# also Pillow's MAX_IMAGE_PIXELS), and scaled down to this longer edge when re-encoded.
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000)  # a 48 MP phone photo fits
PHOTO_MAX_EDGE = env_int("PHOTO_MAX_EDGE", 4096)
FRONTEND_DIST = Path(env_str("FRONTEND_DIST", str(BASE_DIR / "frontend" / "dist")))
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# The PWA build is served from the site root so its service worker controls `/`.
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
# Vite names built assets `name-<hash>.ext`; they never change and may be cached forever.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
WHITENOISE_IMMUTABLE_FILE_TEST = (
    r"^/?(assets/.+-[A-Za-z0-9_-]{8,}\.\w+|static/.+\.[0-9a-f]{12}\.\w+)$"
)
# The service worker and the shell it precaches are revalidated on every load, so a new build
# is seen at once (frontend/src/sw-register.ts then offers the update).
PWA_REVALIDATED_FILES = frozenset({"/sw.js", "/index.html"})


def _pwa_headers(headers, path: str, url: str) -> None:
    if url in PWA_REVALIDATED_FILES:
        headers["Cache-Control"] = "no-cache"


WHITENOISE_ADD_HEADERS_FUNCTION = _pwa_headers

# --- e-mail, push ----------------------------------------------------------------------

# `make run` sets EMAIL_BACKEND to the file backend and EMAIL_FILE_PATH to var/mail/.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Boardwalk <boardwalk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:boardwalk@localhost")
# Push endpoints are POSTed to from the server: public addresses only (planner/safe_fetch.py),
# except these host names (tests, a self-hosted push service on the local network).
PUSH_ALLOWED_HOSTS = env_list("PUSH_ALLOWED_HOSTS", [])
# A subscription that failed this many times in a row (not 404/410, which delete at once) goes.
PUSH_MAX_FAILURES = env_int("PUSH_MAX_FAILURES", 5)
# Push requests a sweep has in flight at once (threads, each with kept-alive connections).
PUSH_CONCURRENCY = max(1, env_int("PUSH_CONCURRENCY", 8))
# Reminder sweeps (planner/services/reminder_dispatch.py): rows claimed per batch, and how long
# a row may stay `sending` before the reconciler takes it back (its worker died). Tests and
# the fault-injection runs shorten the latter; production keeps minutes.
REMINDER_DISPATCH_BATCH = max(1, env_int("REMINDER_DISPATCH_BATCH", 200))
REMINDER_STUCK_AFTER_SECONDS = max(1, env_int("REMINDER_STUCK_AFTER_SECONDS", 300))
# Sweeps a sweep sends at once when more is due than one batch (a worker's other processes
# share the backlog): WORKER_CONCURRENCY - 1 is a good value; 0 turns it off.
REMINDER_DISPATCH_HELPERS = max(0, env_int("REMINDER_DISPATCH_HELPERS", 1))

# --- schedule imports from a URL (planner/safe_fetch.py) -------------------------------------

# Only public addresses are fetched; these host names (exact, e.g. "schedule.intranet") may
# resolve to private ones, for self-hosted deployments importing from their own network.
IMPORT_URL_ALLOWED_HOSTS = env_list("IMPORT_URL_ALLOWED_HOSTS", [])
IMPORT_URL_MAX_BYTES = env_int("IMPORT_URL_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_URL_TIMEOUT = env_int("IMPORT_URL_TIMEOUT", 60)  # seconds for the whole fetch
IMPORT_URL_MAX_REDIRECTS = 5

# --- API ----------------------------------------------------------------------------------

# Largest JSON or form body (file uploads are not counted: photos have their own 10 MB
# check). A logbook PUT at every field's maximum, non-ASCII sent as \u escapes, is ~4.3 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

REST_FRAMEWORK = {
    # JSON nested at most 32 deep and with text PostgreSQL can store (planner/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "planner.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "planner.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "planner.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "planner.api.schema.BoardwalkAutoSchema",
    "EXCEPTION_HANDLER": "planner.api.exceptions.exception_handler",
    # Proxies in front of the app: per-IP throttles read X-Forwarded-For only this deep.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Boardwalk API",
    "DESCRIPTION": "Conference program, personal plan and logbook.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`; name each choice set once for the generated client types.
    "ENUM_NAME_OVERRIDES": {
        "RoomKindEnum": "planner.enums.RoomKind",
        "SessionKindEnum": "planner.enums.SessionKind",
        "MealKindEnum": "planner.enums.MealKind",
    },
}

# --- security in production ------------------------------------------------------------------

# BOARDWALK_PRODUCTION=1 turns each default below on; `manage.py check --deploy
# --fail-level WARNING` is clean with it (tests/test_deploy_check.py). TLS ends at a proxy
# that sets X-Forwarded-Proto; /healthz stays plain HTTP for container health checks.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no 'unsafe-inline' anywhere. Inline code that a page
# needs carries the per-request nonce (`request.csp_nonce`): the print sheets and the API
# docs. tests/e2e/test_csp.py loads every kind of page in Chromium and fails on a violation.
CSP_REPORT_PATH = "/csp-report"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'wasm-unsafe-eval': compiling WebAssembly, nothing else (no eval()): the Scan
        # screen's QR decoder (zxing-wasm, served from /assets/) where the browser has none.
        "script-src": [SELF, NONCE, WASM_UNSAFE_EVAL],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "report-uri": [CSP_REPORT_PATH],
        # The Reporting API endpoint of this name is declared by planner.middleware.
        "report-to": "csp",
    },
}
# The largest violation report body the report endpoint reads (browsers send ~1 KB each).
CSP_REPORT_MAX_BYTES = 64 * 1024
# django-permissions-policy; the PWA scans QR codes with the camera of its own origin.
PERMISSIONS_POLICY = {
    "camera": "self",
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "bluetooth": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "browsing-topics": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_feed_tokens": {"()": "conf.logging.RedactFeedTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_feed_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own defaults attach handlers (without our filter) to these two; replace them.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # each failed login is a warning; not its bookkeeping
    },
}
