"""Scorecard rows of a tenant for the cross-tenant sweep (one of each kind that a URL can name)."""

import datetime

from django_scopes import scopes_disabled

from accounts.models import Role
from scorecards.models import DayOff, ImportBatch, KnowledgeCheck, KnowledgeQuestion


def beta_scorecard_objects(tenant):
    """A day off, a pending upload, a knowledge check and a question of the tenant (built once, then reused)."""
    manager = tenant.member(Role.SALES_MANAGER)
    with scopes_disabled():  # test data for the tenant, built outside any request
        day_off, _ = DayOff.objects.get_or_create(company=tenant.company, manager=manager,
                                                  date=datetime.date(2026, 1, 5))
        batch, _ = ImportBatch.objects.get_or_create(
            company=tenant.company, key="sweep-upload", kind="file",
            defaults={"file_name": "a.csv", "created_by": tenant.user(Role.ADMIN),
                      "content_b64": "ZW1haWwsZGF0ZSxjYWxscyxtZWV0aW5ncyxwcm9wb3NhbHMK"})
        check, _ = KnowledgeCheck.objects.get_or_create(company=tenant.company, title="Sweep check",
                                                        defaults={"is_published": True})
        question, _ = KnowledgeQuestion.objects.get_or_create(
            company=tenant.company, knowledge_check=check, text="Sweep?",
            defaults={"options": ["a", "b"], "correct_option": 0})
    return {"day_off": day_off, "import": batch, "check": check, "question": question}
