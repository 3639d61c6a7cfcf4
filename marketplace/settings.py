"""Settings for every environment, read from the environment with working laptop defaults.

Without DATABASE_URL the catalogue runs on SQLite under var/; without CELERY_BROKER_URL tasks
run in-process. Every variable is documented in .env.example.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MARKETPLACE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting. A value that is neither (a typo such as "ture") stops start-up with a
    clear message rather than quietly meaning False."""
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value; use one of "
        f"{', '.join(sorted(_TRUE | _FALSE))}."
    )


def env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={text!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={text!r} is not a number.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """An explicit key, or a random one kept in var/ so a laptop never runs on a known key."""
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Identifiers and feeds link to SITE_URL; on a laptop that is where `make run` serves (PORT).
_PORT = env_int("PORT", 8000)
if not 0 < _PORT < 65536:
    raise ImproperlyConfigured(f"PORT={_PORT} is not a TCP port (1-65535).")
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "govuk_frontend_django",
    "accounts",
    "catalogue",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "governance.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marketplace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.branding",
                "marketplace.context_processors.navigation",
                "governance.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'marketplace.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker and the web server read while the other writes. Search
    # keeps its per-request working tables in memory, and reads the file through a memory map
    # (shared with every other connection through the OS page cache) rather than copying pages
    # into a small private cache that each new connection starts empty. The map is capped at
    # 256 MB: its pages count in a process's resident size.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Search statements are short; compiling them with LLVM (PostgreSQL's JIT, on by default)
    # costs tens of milliseconds each time and saves nothing at these sizes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    d for d in [BASE_DIR / "node_modules" / "govuk-frontend" / "dist"] if d.exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# GOV.UK crown and Transport font belong to services on GOV.UK domains only.
GOVUK_BRANDING = env_bool("GOVUK_BRANDING", default=False)
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Data Marketplace")
# The DCAT-AP catalogue's mandatory description and publisher (/catalog.ttl and friends).
CATALOGUE_DESCRIPTION = os.environ.get(
    "CATALOGUE_DESCRIPTION", f"Datasets and data services listed in the {SERVICE_NAME}."
)
CATALOGUE_PUBLISHER = os.environ.get("CATALOGUE_PUBLISHER", SERVICE_NAME)

# Security: strict outside development. deploy/ runs `check --deploy` against these.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "catalogue.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_TOKEN_THROTTLE", "20/minute")},
    # `format` is a dataset filter (PRODUCT.md), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Data Marketplace API",
    "DESCRIPTION": "Publish, find and request access to government data.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: the docs work without the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" or "role"; name each vocabulary's enum after itself.
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "catalogue.vocabularies.Role",
        "ContactPointRoleEnum": "catalogue.models.datasets.ContactPoint.Role",
        "DatasetStatusEnum": "catalogue.vocabularies.DatasetStatus",
        "AccessRequestStatusEnum": "governance.vocabularies.RequestStatus",
        "GrantStatusEnum": "governance.vocabularies.GrantStatus",
        "ApprovalStepStatusEnum": "governance.vocabularies.StepStatus",
        "ApprovalStepRoleEnum": "governance.vocabularies.StepRole",
        "HarvestJobStatusEnum": "catalogue.harvest.models.HarvestJob.Status",
    },
}
API_TOKEN_TTL = timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30))

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL  # no broker: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Redis redelivers an unacknowledged task (a worker that died mid-run) once it is older than
# visibility_timeout seconds; workers look for such tasks about every interval x throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Periodic work, run by `celery beat` (one process); each entry enqueues one thin task.
CELERY_BEAT_SCHEDULE = {
    # Every 5 minutes: https://crontab.guru/#*/5_*_*_*_*
    "harvest-due-sources": {
        "task": "catalogue.tasks.harvest_due_sources_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every hour at :15, the links most overdue for a check (https://crontab.guru/#15_*_*_*_*).
    "links-check-due": {
        "task": "catalogue.tasks.links_check_due_task",
        "schedule": crontab(minute=15),
    },
    # Access already ends at a grant's end (visibility checks it); this records the expiry.
    # https://crontab.guru/#*/5_*_*_*_*
    "governance-expire-grants": {
        "task": "governance.tasks.grant_expire_due_task",
        "schedule": crontab(minute="*/5"),
    },
    # https://crontab.guru/#15_*_*_*_*
    "governance-notify-expiring-grants": {
        "task": "governance.tasks.grant_notify_expiring_task",
        "schedule": crontab(minute="15"),
    },
    # A search backend that queues its writes (tantivy) already asks for a drain after each
    # commit; this catches any change whose drain was lost (a broker outage, a killed worker).
    # Every minute; a no-op on backends that write in the writing transaction.
    "search-index-drain": {
        "task": "catalogue.tasks.search_index_drain_task",
        "schedule": crontab(),
    },
}

# Search: the dotted path of a class keeping catalogue.search.base.SearchBackend. Two ship, with
# short names: database (catalogue.search.database.DatabaseBackend) uses the database's own
# full-text search (PostgreSQL FTS or SQLite FTS5); tantivy
# (catalogue.search.tantivy.TantivyBackend) keeps an embedded index in SEARCH_INDEX_DIR, fed
# through an outbox, for large catalogues. Web and worker processes must share that directory
# (one host or one volume). The case of a dotted path matters; that of a short name does not.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database").strip() or "database"
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search-index"))

# A shared cache (locks, throttles) across web and worker processes. Keep it on its own Redis
# database: clearing the cache must never flush the broker's queues.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Outbound HTTP (harvesting) refuses private, loopback and link-local networks unless listed here.
OUTBOUND_ALLOW_NETWORKS = env_list("OUTBOUND_ALLOW_NETWORKS")
# Harvesting (docs/harvesting.md): caps per fetch, politeness, batching, time limits, locks.
HARVEST_MAX_BYTES = env_int("HARVEST_MAX_BYTES", 512 * 1024 * 1024)
HARVEST_TIMEOUT = env_float("HARVEST_TIMEOUT", 30)
HARVEST_TOTAL_TIMEOUT = env_float("HARVEST_TOTAL_TIMEOUT", 600)
HARVEST_MAX_REDIRECTS = env_int("HARVEST_MAX_REDIRECTS", 5)
HARVEST_PER_HOST_DELAY = env_float("HARVEST_PER_HOST_DELAY", 0.2)
HARVEST_BATCH_SIZE = env_int("HARVEST_BATCH_SIZE", 500)
HARVEST_SHRINK_THRESHOLD = env_float("HARVEST_SHRINK_THRESHOLD", 0.5)
HARVEST_SOFT_TIME_LIMIT = env_int("HARVEST_SOFT_TIME_LIMIT", 2700)
HARVEST_TIME_LIMIT = env_int("HARVEST_TIME_LIMIT", 3000)
HARVEST_MAX_RETRIES = env_int("HARVEST_MAX_RETRIES", 4)
HARVEST_RETRY_BACKOFF = env_int("HARVEST_RETRY_BACKOFF", 60)
# A running job whose heartbeat is older than this has lost its worker and may be taken over.
HARVEST_STALE_SECONDS = env_int("HARVEST_STALE_SECONDS", 300)
# Jobs left queued or running (no heartbeat) this long are marked failed by the scheduler.
HARVEST_ABANDONED_SECONDS = env_int("HARVEST_ABANDONED_SECONDS", 10800)

# Link checks of distributions: how often, how patiently, how politely (seconds between two
# requests to one host).
LINK_CHECK_EVERY_DAYS = env_int("LINK_CHECK_EVERY_DAYS", 7)
LINK_CHECK_TIMEOUT = env_float("LINK_CHECK_TIMEOUT", 10)
LINK_CHECK_HOST_DELAY = env_float("LINK_CHECK_HOST_DELAY", 1)

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "data-marketplace@localhost")

# Governance: days a request may wait for a decision before the queue flags it, and days
# before a grant ends that its holder is told.
GOVERNANCE_SLA_DAYS = env_int("GOVERNANCE_SLA_DAYS", 10)
GOVERNANCE_EXPIRY_NOTICE_DAYS = env_int("GOVERNANCE_EXPIRY_NOTICE_DAYS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
