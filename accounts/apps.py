from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Companies and people")

    def ready(self):
        # The audit log's signal receivers and the read-only admin of the log and lockouts.
        from .security import admin, audit  # noqa: F401

        audit.connect()
        # API input has the JSON type the schema declares (accounts.api_filters.strict_json_input).
        from .api_filters import strict_json_input

        strict_json_input()
