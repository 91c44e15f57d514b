"""Tokens of two-factor accounts that were taken before the account enrolled are revoked.

From now on enrolment revokes them (accounts.security.two_factor.two_factor_confirm); this does the same once
for accounts enrolled earlier. A device from before django-otp kept timestamps has no created_at: its
account's tokens are all revoked, since nothing shows they came after the second factor.
"""

from django.db import migrations
from django.utils import timezone


def revoke_older_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    now = timezone.now()
    for user_id, enrolled_at in TOTPDevice._base_manager.filter(confirmed=True).values_list("user_id", "created_at"):
        tokens = ApiToken._base_manager.filter(membership__user_id=user_id, revoked_at__isnull=True)
        if enrolled_at is not None:
            tokens = tokens.filter(created_at__lt=enrolled_at)
        tokens.update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_company_next_due_at"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(revoke_older_tokens, migrations.RunPython.noop)]
