"""Settings shared by every environment; values come from the environment (django-environ)."""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

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
    "django_scopes",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "audits",
    "dashboards",
    "notifications",
    "scorecards",
]

MIDDLEWARE = [
    # First: a database connection lost in any middleware below is answered again or 503, never 500.
    "accounts.transactions.LostConnectionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside everything that may answer early (two-factor gate, tenant 404), so those answers are covered too.
    "accounts.security.middleware.PrivateCacheControlMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.security.middleware.SessionLifetimeMiddleware",
    "accounts.security.middleware.TwoFactorGateMiddleware",
    "accounts.security.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.CompanyScopeMiddleware",
    # A transaction around the view of writing requests only (ATOMIC_REQUESTS is off: reads take no lock).
    "accounts.transactions.AtomicWritesMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.company",
            ],
        },
    },
]



def database_from_env(**default):
    """DATABASE_URL as Django's settings; PGBOUNCER=true adapts them to PgBouncer in transaction mode."""
    database = env.db("DATABASE_URL", **default)
    if env.bool("PGBOUNCER", default=False):
        # PgBouncer hands each transaction to any server connection: a named (server-side) cursor would not
        # outlive its transaction there, and PgBouncer pools the connections, so Django keeps none open.
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database["CONN_MAX_AGE"] = 0
    return database


DATABASES = {"default": database_from_env(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Off: a GET needs no transaction (on SQLite it took the write lock); accounts.transactions.AtomicWritesMiddleware
# wraps the views of POST/PUT/PATCH/DELETE instead, and services called outside a request open their own.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web process and the Celery worker share the file. IMMEDIATE
    # transactions take the write lock up front: a deferred one that upgrades from read to write
    # fails at once with "database is locked" instead of waiting out the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
# Check a reused connection before a request or task uses it: after a database restart or pg_terminate_backend the
# first request of each web worker answered 500, since Django reused the dead persistent connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds sessions (cached_db: read from the cache, written through to the database). Processes that
# share sessions must share the cache: production sets CACHE_URL=redis://… (production.py falls back to
# database sessions without it); one local web process is fine with its own memory.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
# The lockout check first (django-axes), then the ordinary password check.
AUTHENTICATION_BACKENDS = [
    "accounts.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js straight from the installed plotly package: no CDN, no copy in the repository.
    ("vendor/plotly", Path(__import__("plotly").__file__).parent / "package_data"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Django 6.1 mailers (the EMAIL_* settings are deprecated). The environment still speaks EMAIL_*:
# EMAIL_BACKEND is smtp, console, file, locmem or a dotted path; each backend gets only its own options.
EMAIL_BACKEND_ALIASES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def mailer_from_env(default_backend):
    """The MAILERS entry described by the EMAIL_* environment variables."""
    name = env("EMAIL_BACKEND", default=default_backend)
    backend = EMAIL_BACKEND_ALIASES.get(name, name)
    options = {}
    if backend == EMAIL_BACKEND_ALIASES["smtp"]:
        options = {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=None),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        }
    elif backend == EMAIL_BACKEND_ALIASES["file"]:
        options = {"file_path": env("EMAIL_FILE_PATH", default=str(VAR_DIR / "emails"))}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_env("console")}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Responsibility Audit <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)
# Password of every account `manage.py demo` creates (printed by `make run`).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2026")

# Celery: the embedded default is a broker on disk, so a laptop needs no server.
# "localhost" only names the folders' host: with no host kombu logs "No hostname was supplied" at every start.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost/")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The exchange table (used by fanout: worker remote control) defaults to ./control otherwise.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A bounded publish: when Redis is down a web request fails fast instead of hanging.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Separate queues so that a flood of one kind of work (a Monday's digests, a large import) never delays another:
# run workers with `-Q email`, `-Q planning`, … (Procfile.production); anything unrouted goes to "planning".
TASK_QUEUES = ("planning", "email", "exports", "imports")
CELERY_TASK_DEFAULT_QUEUE = "planning"
CELERY_TASK_ROUTES = {
    "notifications.tasks.send_notification": {"queue": "email"},
    "notifications.tasks.drain_outbox": {"queue": "email"},
    "*.send_*": {"queue": "email"},
    "*export*": {"queue": "exports"},
    "*import*": {"queue": "imports"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# All periodic work lives here, in one place (see README, "Schedule").
NOTIFICATIONS_TICK_SECONDS = env.int("NOTIFICATIONS_TICK_SECONDS", default=30)
NOTIFICATIONS_SWEEP_SECONDS = env.int("NOTIFICATIONS_SWEEP_SECONDS", default=30)
# Drains woken at once (notifications.services.wake_drains): about the number of email worker processes.
NOTIFICATIONS_DRAINS = env.int("NOTIFICATIONS_DRAINS", default=4)
CELERY_BEAT_SCHEDULE: dict = {
    # One tick for every tenant: opens due rounds, marks overdue audits, plans and sends reminders.
    # It fans out one small task per company; every step is idempotent, so a second beat doubles nothing.
    "notifications-tick": {
        "task": "notifications.tasks.notifications_tick",
        "schedule": NOTIFICATIONS_TICK_SECONDS,
        "options": {"expires": NOTIFICATIONS_TICK_SECONDS},  # a tick queued while workers were down is dropped
    },
    # The outbox, not the broker, is the source of truth: sends queued over a minute ago and not sent (Redis lost
    # them, a worker died) are published again, so a lost queue is recovered within two minutes.
    "notifications-sweep": {
        "task": "notifications.tasks.notifications_sweep_task",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
        "options": {"expires": NOTIFICATIONS_SWEEP_SECONDS},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.CompanyMemberPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["accounts.api_filters.StrictFilterBackend"],  # django-filter, refusing blank typed values
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api_errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "accounts.api_errors.PlainMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Responsibility Audit API",
    "DESCRIPTION": "Companies, people, audits and dashboards of the responsibility-audit SaaS.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The 400/401/403/404 every API view can answer (accounts.api_schema), after the default enum hook.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "accounts.api_schema.document_error_responses"],
    # Several models have a "status"/"kind" choice set: name each one after its model's choices.
    "ENUM_NAME_OVERRIDES": {
        "AuditStatusEnum": "audits.models.AuditStatus",
        "ActionStatusEnum": "audits.models.ActionStatus",
        "QuestionnaireStatusEnum": "audits.models.QuestionnaireStatus",
        "QuestionKindEnum": "audits.models.QuestionKind",
        "FactorKeyEnum": "audits.models.FactorKey",
        "CadenceEnum": "audits.models.Cadence",
        "NotificationKindEnum": "notifications.models.Kind",
        "ScorecardHistoryKindEnum": "scorecards.imports.KINDS",
    },
}

# Content-Security-Policy with Django's own support: no inline scripts anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions: idle timeout (expiry and cookie renewed by activity, written at most once a minute) and an absolute
# limit since sign-in (accounts.security.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITY_WRITE_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=7 * 24 * 60 * 60)
# Login throttling (django-axes): the 6th attempt of one email from one address within the cool-off is refused.
# Reverse proxies whose client-address header is believed (addresses or networks, comma-separated), and that
# header; without TRUSTED_PROXIES the header is ignored and REMOTE_ADDR is the client (accounts.security.client_ip).
# Parsed here so that a typo stops the start instead of failing sign-ins.
TRUSTED_PROXIES = [str(ip_network(entry, strict=False)) for entry in env.list("TRUSTED_PROXIES", default=[])]
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", default="X-Forwarded-For")
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Per (account, client address): failures from one address lock that address out of that account only, so
# nobody can lock a user out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.security.backends.lockout_response"  # a translated page
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log (accounts.AuditLogEntry)
AXES_VERBOSE = False
# Two-factor: the issuer shown by authenticator apps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Responsibility Audit")
# A company admin's deletion request is carried out after this many days (manage.py purge_companies).
COMPANY_DELETION_GRACE_DAYS = env.int("COMPANY_DELETION_GRACE_DAYS", default=30)
# Callables (company) → sentence or None shown first on the executive dashboard; apps above dashboards plug in
# here so that dashboards never imports them.
DASHBOARD_HEADLINE_PROVIDERS = ["scorecards.selectors.team_headline"]
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The form-expired page in the user's language and the product's layout (Django's own omits the request).
CSRF_FAILURE_VIEW = "accounts.error_views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
