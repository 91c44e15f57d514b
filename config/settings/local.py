"""Laptop settings: SQLite, a broker on disk, emails written to files in var/emails."""

from .base import *  # noqa: F403
from .base import env, mailer_from_env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
MAILERS = {"default": mailer_from_env("file")}
