"""The notifications' part of the company home (see accounts.home): emails that could not be sent."""

from django.utils.translation import gettext_lazy as _

from accounts.home import Health, company_url

from . import selectors


def health(*, company):
    failed = selectors.failed_notifications_of(company=company).count()
    return [Health(20, _("Failed emails"), failed, company_url("notifications:failed", company),
                   _("Every email went out."))]
