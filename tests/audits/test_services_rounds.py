"""Opening rounds (idempotent, also under concurrency), deadlines, overdue marking, the schedule."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_scopes import scope

from accounts import services as accounts_services
from audits import services
from audits.models import AuditStatus, AuditTransition, DepartmentAudit, Round
from tests.concurrency import run_together

from .conftest import OCT_2_MSK


def test_opening_creates_one_audit_per_responsible_department_with_its_factors(alpha, q4_round):
    with scope(company=alpha.company):
        audits = {a.department.name: sorted(a.factors.values_list("key", flat=True)) for a in q4_round.audits.all()}
        transitions = AuditTransition.objects.filter(audit__round=q4_round, to_status="draft").count()
    assert audits == {
        "IT": ["automation"],
        "Management": ["advantage", "strategy"],
        "Marketing": ["customers", "market"],
        "Product": ["advantage", "product"],
        "Sales": ["customers", "product", "sales_tech", "strategy"],
    }
    assert transitions == 5
    assert (q4_round.period, q4_round.period_start, q4_round.period_end) == ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert q4_round.expected_count == 5


def test_deadline_is_the_end_of_the_day_after_the_answer_window_in_company_time(alpha, q4_round):
    local = q4_round.deadline.astimezone(alpha.company.tzinfo)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2026, 10, 16), 23, 59)


def test_opening_the_same_period_twice_returns_the_existing_round(alpha, q4_round):
    with scope(company=alpha.company):
        again, created = services.round_open(company=alpha.company, period="2026-Q4")
        assert (again, created) == (q4_round, False)
        assert DepartmentAudit.objects.filter(round__company=alpha.company).count() == 5


def test_a_past_period_can_be_opened_with_its_own_timestamps(alpha, questionnaire, matrix, at_oct_2):
    opened = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)
    with scope(company=alpha.company):
        round, created = services.round_open(company=alpha.company, period="2026-Q2", now=opened)
    assert created and round.opened_at == opened
    assert round.deadline.astimezone(alpha.company.tzinfo).date() == datetime.date(2026, 4, 15)


@pytest.mark.parametrize("period, message", [
    ("2026-13", "months run"),
    ("next quarter", "is not a period"),
    ("2026-11", "cadence"),
    ("2027-Q1", "before its period starts"),
])
def test_bad_periods_are_refused_with_a_field_error(alpha, questionnaire, matrix, at_oct_2, period, message):
    with scope(company=alpha.company), pytest.raises(ValidationError) as error:
        services.round_open(company=alpha.company, period=period)
    assert message in str(error.value.message_dict["period"])


def test_opening_needs_a_matrix(alpha, questionnaire, at_oct_2):
    with scope(company=alpha.company):
        alpha.company.factor_responsibilities.all().delete()
        with pytest.raises(ValidationError, match="responsibility matrix"):
            services.round_open(company=alpha.company)
        assert not alpha.company.audit_rounds.exists()


def test_archived_departments_get_no_new_audits_but_keep_their_old_ones(alpha, q4_round):
    with scope(company=alpha.company):
        accounts_services.department_archive(department=alpha.departments["it"])
        assert q4_round.audits.filter(department=alpha.departments["it"]).exists()
        with time_machine.travel(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
            q1, created = services.round_open(company=alpha.company)
        assert created and q1.period == "2027-Q1"
        assert not q1.audits.filter(department=alpha.departments["it"]).exists()
        # IT's factor moved to management by the proposal that runs on archiving
        assert "automation" in q1.audits.get(department=alpha.departments["management"]).factors.values_list("key", flat=True)


def test_overdue_marks_open_audits_past_the_deadline_once(alpha, sales_audit, answer_all):
    head = alpha.user("department_head")
    with scope(company=alpha.company):
        marketing = sales_audit.round.audits.get(department=alpha.departments["marketing"])
    answer_all(marketing, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=marketing, by=head)
        later = sales_audit.deadline + datetime.timedelta(seconds=1)
        assert services.audits_mark_overdue(company=alpha.company, now=sales_audit.deadline) == 0
        assert services.audits_mark_overdue(company=alpha.company, now=later) == 4
        assert services.audits_mark_overdue(company=alpha.company, now=later) == 0
        sales_audit.refresh_from_db()
        marketing.refresh_from_db()
        transition = sales_audit.transitions.last()
    assert sales_audit.status == AuditStatus.OVERDUE and marketing.status == AuditStatus.SUBMITTED
    assert (transition.from_status, transition.to_status, transition.at) == ("draft", "overdue", later)


def test_an_overdue_audit_can_still_be_answered_and_submitted(alpha, sales_audit, answer_all, at_oct_2):
    head = alpha.user("department_head")
    at_oct_2.move_to(sales_audit.deadline + datetime.timedelta(days=1))
    with scope(company=alpha.company):
        services.audits_mark_overdue(company=alpha.company)
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        assert list(sales_audit.transitions.values_list("to_status", flat=True)) == ["draft", "overdue", "submitted"]


def test_schedule_update_validates_its_fields(alpha):
    with scope(company=alpha.company):
        schedule = services.schedule_update(company=alpha.company, cadence="monthly", opening_day=5,
                                            answer_window_days=7, is_active=False)
        assert (schedule.cadence, schedule.opening_day, schedule.is_active) == ("monthly", 5, False)
        with pytest.raises(ValidationError) as error:
            services.schedule_update(company=alpha.company, cadence="weekly", opening_day=31,
                                     answer_window_days=0, is_active=True)
    assert set(error.value.message_dict) == {"cadence", "opening_day", "answer_window_days"}


def test_a_monthly_schedule_opens_monthly_rounds(alpha, questionnaire, matrix, at_oct_2):
    with scope(company=alpha.company):
        services.schedule_update(company=alpha.company, cadence="monthly", opening_day=1, answer_window_days=5,
                                 is_active=True)
        round, _ = services.round_open(company=alpha.company)
    assert round.period == "2026-10"
    assert round.deadline.astimezone(alpha.company.tzinfo).date() == datetime.date(2026, 10, 7)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_the_same_period_create_one_round(alpha, questionnaire, matrix):
    def open_round():
        with scope(company=alpha.company):
            return services.round_open(company=alpha.company, period="2026-Q4", now=OCT_2_MSK)

    results, errors = run_together(open_round)
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({round.pk for round, _ in results}) == 1
    with scope(company=alpha.company):
        assert Round.objects.filter(company=alpha.company, period="2026-Q4").count() == 1
        assert DepartmentAudit.objects.filter(company=alpha.company).count() == 5
