"""Demo data for notifications: the company's reminder policy (idempotent)."""

import datetime

from django_scopes import scope

from .services import reminder_policy_ensure


def build(*, company, progress):
    """Create the default reminder policy; the demo sends at any hour so a reminder shows up right away."""
    with scope(company=company):
        policy = reminder_policy_ensure(company=company)
        # A laptop demo runs evenings and weekends too: open the window all day so `make run` shows a
        # reminder in var/emails within a minute of opening a round. Real companies keep 09:00–18:00.
        policy.send_window_start = datetime.time(0, 0)
        policy.send_window_end = datetime.time(23, 59)
        policy.skip_weekends = False
        policy.full_clean()
        policy.save(update_fields=["send_window_start", "send_window_end", "skip_weekends", "updated_at"])
    progress(f"reminder policy for {company.slug}: sends at any hour (demo)")
    return policy
