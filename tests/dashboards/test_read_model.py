"""The read model: a view's figures are read in one query, and a committed change is read at once (never stale)."""

import datetime

import pytest
import time_machine
from django_scopes import scope

from audits import services
from audits.events import figures_changed
from audits.models import Round
from dashboards import readmodel, selectors
from dashboards.filters import Filters
from tests.audits.conftest import answer_everything, at_oct_2, factors, matrix, q4_round, questionnaire, sales_audit  # noqa: F401

# Real commits: the generation is bumped after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def read(company):
    with scope(company=company):
        return readmodel.overview(company=company, filters=Filters())


def test_a_hit_costs_one_query_and_a_resubmitted_answer_is_read_at_once(alpha, request, django_assert_num_queries):
    audit, answer_all = request.getfixturevalue("sales_audit"), answer_everything
    head, admin = alpha.user("department_head"), alpha.user("admin")
    answer_all(audit, head, scale=5)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
    first = read(alpha.company)
    assert first.story.provisional.index == 100  # every answer at the top of the scale
    with django_assert_num_queries(1):
        again = read(alpha.company)
    assert again.story.provisional.index == 100

    with scope(company=alpha.company):
        services.audit_reopen(audit=audit, by=admin, reason="A wrong answer")
    answer_all(audit, head, scale=1, yes=False)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
        fresh = selectors.overview(company=alpha.company, filters=Filters())
    changed = read(alpha.company)
    assert changed.story.provisional.index == fresh.story.provisional.index == 0


def test_figures_hold_only_until_the_next_deadline(alpha, request):
    audit, answer_all = request.getfixturevalue("sales_audit"), answer_everything
    head = alpha.user("department_head")
    answer_all(audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
    assert read(alpha.company).story.provisional is not None  # the round is open
    with scope(company=alpha.company):
        deadline = Round.objects.get(pk=audit.round_id).deadline
    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        after = read(alpha.company)
    assert after.story.provisional is None and after.story.latest.incomplete  # final now, 1 of 5 answered


def test_a_bulk_write_announced_by_the_import_signal_is_read_at_once(alpha, request):
    audit, answer_all = request.getfixturevalue("sales_audit"), answer_everything
    head = alpha.user("department_head")
    answer_all(audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
    before = read(alpha.company)
    with scope(company=alpha.company):
        Round.objects.filter(pk=audit.round_id).update(period="2026-Q3")  # no model signal
    assert read(alpha.company).rounds[0].period == before.rounds[0].period  # a snapshot can't see such a write…
    figures_changed.send(sender=Round, company_id=alpha.company.pk)
    assert read(alpha.company).rounds[0].period == "2026-Q3"  # …until it is announced, as the import does


def test_a_snapshot_is_recomputed_after_its_maximum_age(alpha, request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dashboards.sql import SNAPSHOT_MAX_AGE

    audit, answer_all = request.getfixturevalue("sales_audit"), answer_everything
    head = alpha.user("department_head")
    answer_all(audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=audit, by=head)
    first = read(alpha.company)
    with time_machine.travel(timezone.now() + SNAPSHOT_MAX_AGE + datetime.timedelta(minutes=1), tick=False):
        with CaptureQueriesContext(connection) as queries:
            later = read(alpha.company)
    assert len(queries) > 1  # recomputed, even though no bump announced a change
    assert later.story.provisional.index == first.story.provisional.index


def test_a_scorecard_bulk_upsert_announces_itself_to_the_read_model(alpha):
    """The plans, ratings and activity imports write with one INSERT … ON CONFLICT (no model signal); the team
    headline the read model keeps rests on those rows, so the upsert itself bumps the figures generation."""
    from dashboards import sql
    from scorecards import services as scorecards
    from scorecards.services import PLAN_FIELDS

    manager = alpha.member("sales_manager")  # plans belong to the manager's membership
    with scope(company=alpha.company):
        before = sql.figures_generation(alpha.company)
        scorecards.plans_apply(company=alpha.company, rows=[
            (manager.pk, "2026-Q3", dict.fromkeys(PLAN_FIELDS, 10))])
        assert sql.figures_generation(alpha.company) > before
