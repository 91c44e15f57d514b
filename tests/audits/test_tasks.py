"""Celery tasks and the scheduler's scan: which companies are due, opening rounds, marking overdue."""

import datetime

import time_machine
from django_scopes import scope

from accounts import services as accounts_services
from audits import selectors, services
from audits.models import AuditStatus
from audits.tasks import mark_overdue_for_company, open_round_for_company
from tests.factories import RoundFactory

from .conftest import OCT_2_MSK


def due_slugs(now):
    return [company.slug for company in selectors.companies_due_for_round(now=now)]


def test_companies_are_due_once_the_opening_day_has_begun_in_their_timezone(alpha, beta):
    beta.company.timezone = "America/New_York"
    beta.company.save()
    for tenant in (alpha, beta):
        RoundFactory(company=tenant.company, period="2026-Q3")
    # 2026-10-01 00:30 in Moscow is still 30 September (Q3, already open) in New York.
    moscow_midnight = datetime.datetime(2026, 9, 30, 21, 30, tzinfo=datetime.UTC)
    assert due_slugs(moscow_midnight) == ["alpha"]
    assert due_slugs(datetime.datetime(2026, 10, 1, 5, 0, tzinfo=datetime.UTC)) == ["alpha", "beta"]


def test_companies_with_the_round_open_suspended_or_inactive_are_not_due(alpha, beta, questionnaire, matrix):
    with scope(company=alpha.company):
        services.round_open(company=alpha.company, now=OCT_2_MSK)
    assert due_slugs(OCT_2_MSK) == ["beta"]
    accounts_services.company_set_suspended(company=beta.company, suspended=True)
    assert due_slugs(OCT_2_MSK) == []
    accounts_services.company_set_suspended(company=beta.company, suspended=False)
    with scope(company=beta.company):
        services.schedule_update(company=beta.company, cadence="quarterly", opening_day=1, answer_window_days=14,
                                 is_active=False)
    assert due_slugs(OCT_2_MSK) == []


def test_a_later_opening_day_is_not_due_before_that_day(alpha):
    with scope(company=alpha.company):
        services.schedule_update(company=alpha.company, cadence="quarterly", opening_day=10, answer_window_days=14,
                                 is_active=True)
    assert due_slugs(OCT_2_MSK) == []
    assert due_slugs(datetime.datetime(2026, 10, 10, 9, 0, tzinfo=datetime.UTC)) == ["alpha"]


def test_open_round_task_opens_the_current_round_once(alpha, questionnaire, matrix):
    with time_machine.travel(OCT_2_MSK, tick=False):
        assert open_round_for_company.delay(alpha.company.pk).get() == "2026-Q4"
        assert open_round_for_company.delay(alpha.company.pk).get() is None
    with scope(company=alpha.company):
        assert alpha.company.audit_rounds.get().audits.count() == 5


def test_open_round_task_without_a_matrix_logs_and_opens_nothing(alpha, caplog):
    with scope(company=alpha.company):
        alpha.company.factor_responsibilities.all().delete()
    with time_machine.travel(OCT_2_MSK, tick=False):
        assert open_round_for_company.delay(alpha.company.pk).get() is None
    assert "round not opened for alpha" in caplog.text
    with scope(company=alpha.company):
        assert not alpha.company.audit_rounds.exists()


def test_tasks_skip_suspended_companies(alpha, questionnaire, matrix):
    accounts_services.company_set_suspended(company=alpha.company, suspended=True)
    with time_machine.travel(OCT_2_MSK, tick=False):
        assert open_round_for_company.delay(alpha.company.pk).get() is None
    with scope(company=alpha.company):
        assert not alpha.company.audit_rounds.exists()


def test_mark_overdue_task_marks_late_audits(alpha, q4_round):
    with time_machine.travel(q4_round.deadline + datetime.timedelta(minutes=1), tick=False):
        assert mark_overdue_for_company.delay(alpha.company.pk).get() == 5
        assert mark_overdue_for_company.delay(alpha.company.pk).get() == 0
    with scope(company=alpha.company):
        assert set(q4_round.audits.values_list("status", flat=True)) == {AuditStatus.OVERDUE}


def test_tasks_are_late_acknowledged_with_bounded_retries():
    for task in (open_round_for_company, mark_overdue_for_company):
        assert task.acks_late is True
        assert 0 < task.max_retries <= 10
