"""Personal API tokens: `Authorization: Bearer <token>`, stored hashed, bound to one company."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token

# "Last used" is shown to the minute; writing it on every call would make each read a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        # The token names its company; look it up before any scope exists.
        with scopes_disabled():
            token = (
                ApiToken.objects.select_related("membership__user", "membership__department", "company")
                .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
                .first()
            )
            if token is None or not token.membership.is_active or not token.membership.user.is_active:
                raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.membership.company = token.company  # the permission check uses this membership as it is
        return token.membership.user, token

    def authenticate_header(self, request):
        return self.keyword
