"""The bench runs end to end on a small size and leaves no data behind."""

import io

from django_scopes import scopes_disabled

from accounts.models import Company
from notifications.bench import run


def test_the_bench_reports_constant_queries_and_rolls_back(db):
    out = io.StringIO()
    run(out, {"companies": 3, "departments": 2})
    text = out.getvalue()
    assert "(constant)" in text
    assert "emails/s" in text
    with scopes_disabled():
        assert not Company.objects.filter(slug__startswith="bench-").exists()
