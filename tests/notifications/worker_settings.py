"""Settings for the real Celery worker started by test_real_components: test settings + SMTP to the test's server."""

import os

from config.settings.test import *  # noqa: F403

MAILERS = {"default": {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["TEST_SMTP_PORT"]), "timeout": 5},
}}
