"""The chaos run's settings: production's, except that static files need no collectstatic manifest.

The run serves no static files, but production's error pages name some through {% static %}; without a manifest
that raises inside the 500 handler and hides the real error behind a second one.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
