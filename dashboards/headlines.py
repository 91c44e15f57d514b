"""Headlines other apps put on top of the executive dashboard, wired in settings.DASHBOARD_HEADLINE_PROVIDERS.

A provider is a dotted path to `callable(*, company) -> str | None`. Settings name the providers so that
dashboards imports none of the apps that feed it (the dependency keeps pointing one way).
"""

from django.conf import settings
from django.utils.module_loading import import_string


def extra_headlines(*, company):
    """The non-empty sentences of every configured provider, in settings order."""
    sentences = []
    for path in getattr(settings, "DASHBOARD_HEADLINE_PROVIDERS", []):
        sentence = import_string(path)(company=company)
        if sentence:
            sentences.append(sentence)
    return sentences
