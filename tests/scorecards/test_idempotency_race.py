"""The API bulk upsert under a race: two requests with one idempotency key apply the rows once (PostgreSQL)."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from scorecards import services
from scorecards.models import ActivityEntry, ImportBatch
from tests.concurrency import run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_apply_the_rows_once(alpha):
    seller = alpha.member(Role.SALES_MANAGER)
    rows = [(seller.pk, datetime.date(2026, 4, 1), {"calls": 40, "meetings": 2, "proposals": 1})]
    def send():
        with scope(company=alpha.company):
            return services.activity_bulk_upsert(company=alpha.company, by=None, key="race", body={"r": 1},
                                                 rows=rows, today=datetime.date(2026, 4, 15))

    results, errors = run_together(send)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert results[0][1]["created"] == 1
    with scopes_disabled():
        assert ActivityEntry.objects.filter(company=alpha.company).count() == 1
        assert ImportBatch.objects.filter(company=alpha.company, key="race").count() == 1
