"""Production: every secret comes from the environment and has no default, so a missing one stops the start."""

from .base import *  # noqa: F403
from .base import database_from_env, env, mailer_from_env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database_from_env()}
# No transaction around reads; writing requests get one from accounts.transactions.AtomicWritesMiddleware.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if not env.bool("PGBOUNCER", default=False):  # behind PgBouncer, PgBouncer keeps the connections
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Persistent connections are checked before reuse (a terminated one is replaced, not answered with a 500).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if not env("CACHE_URL", default=""):
    # Without a shared cache each process would keep its own copy of a session, and a sign-out in one process
    # would not reach the others: read sessions from the database instead (one query more per request).
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MAILERS = {"default": mailer_from_env("smtp")}
