"""Throttles of the public API operations (sign-up, invitation acceptance), per client address.

The rate is read from settings on every request (not frozen at import as DRF's defaults are), so a
deployment sets API_SIGNUP_RATE / API_INVITATION_ACCEPT_RATE and a test can change it with override_settings.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .security.client_ip import client_ip


class PublicOperationThrottle(SimpleRateThrottle):
    setting = None  # name of the Django setting holding the rate, e.g. "10/hour"
    default_rate = None

    def get_rate(self):
        return getattr(settings, self.setting, self.default_rate)

    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For from anyone, so a client could pick a fresh address per request.
        return client_ip(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupThrottle(PublicOperationThrottle):
    scope = "signup"
    setting = "API_SIGNUP_RATE"
    default_rate = "10/hour"  # a company is signed up once; a script retrying a few times stays well under


class InvitationAcceptThrottle(PublicOperationThrottle):
    scope = "invitation_accept"
    setting = "API_INVITATION_ACCEPT_RATE"
    default_rate = "30/hour"  # one address may accept for a few colleagues; guessing tokens stays slow
