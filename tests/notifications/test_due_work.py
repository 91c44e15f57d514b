"""The tick does only due work: companies carry when they are next due, services that change it mark them due."""

import datetime
from unittest import mock

import time_machine
from django_scopes import scope, scopes_disabled

from accounts.models import DUE_NOW, Company, Role
from audits import services as audit_services
from audits.models import AuditStatus
from notifications import services, tasks
from notifications.models import Kind, Notification

from .conftest import TUESDAY_10_MSK

LATER = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)


def set_next_due(company, moment):
    Company.objects.filter(pk=company.pk).update(next_due_at=moment)


def next_due(company):
    return Company.objects.get(pk=company.pk).next_due_at


def without_rounds(tenant):
    """No active schedule: the tick has no round to open, so the audits a test builds are all there is."""
    with scope(company=tenant.company):
        audit_services.schedule_update(company=tenant.company, cadence="quarterly", opening_day=1,
                                       answer_window_days=14, is_active=False)


def run_due_work(company, django_capture_on_commit_callbacks):
    """What the company's task does after the tick leased it, with the sends run (eagerly)."""
    with scopes_disabled():
        company = Company.objects.get(pk=company.pk)
    with scope(company=company), django_capture_on_commit_callbacks(execute=True):
        return services.company_due_work(company=company)


def handed_out():
    with mock.patch.object(tasks.due_work_for_companies, "apply_async") as work:
        tasks.notifications_tick()
    return sorted(pk for c in work.call_args_list for pk in c.kwargs["args"][0])


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_the_tick_hands_out_only_companies_with_due_work(alpha, beta):
    set_next_due(beta.company, LATER)
    assert handed_out() == [alpha.company.pk]
    assert handed_out() == []  # alpha is leased to its task; beta is not due yet


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_the_tick_costs_the_same_few_queries_however_many_companies_are_due(
        alpha, beta, django_assert_max_num_queries):
    with django_assert_max_num_queries(2), mock.patch.object(tasks.due_work_for_companies, "apply_async") as work:
        tasks.notifications_tick()  # two due companies
    assert sum(len(c.kwargs["args"][0]) for c in work.call_args_list) == 2
    for tenant in (alpha, beta):
        set_next_due(tenant.company, DUE_NOW)
    Company.objects.bulk_create([Company(name=f"More {i}", slug=f"more-{i}") for i in range(8)])
    with django_assert_max_num_queries(2), mock.patch.object(tasks.due_work_for_companies, "apply_async") as work:
        tasks.notifications_tick()  # ten due companies
    assert sum(len(c.kwargs["args"][0]) for c in work.call_args_list) == 10


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_due_work_plans_then_stores_the_next_reminder_moment(alpha, open_audit, django_capture_on_commit_callbacks):
    without_rounds(alpha)
    open_audit(deadline=TUESDAY_10_MSK + datetime.timedelta(days=1))  # Wednesday 4 November, 10:00 in Moscow
    assert run_due_work(alpha.company, django_capture_on_commit_callbacks) > 0  # "round opened" at least, sent
    # The next thing due: the deadline day's reminder, Wednesday 00:00 in Moscow (before the daily look).
    assert next_due(alpha.company) == datetime.datetime(2026, 11, 3, 21, 0, tzinfo=datetime.UTC)
    assert handed_out() == []
    with time_machine.travel(datetime.datetime(2026, 11, 3, 21, 0, 30, tzinfo=datetime.UTC), tick=False):
        assert handed_out() == [alpha.company.pk]


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_passed_deadline_makes_the_company_due_and_the_audit_overdue(alpha, open_audit,
                                                                       django_capture_on_commit_callbacks):
    without_rounds(alpha)
    audit = open_audit(opened_at=TUESDAY_10_MSK - datetime.timedelta(days=14),
                       deadline=TUESDAY_10_MSK + datetime.timedelta(hours=2))
    run_due_work(alpha.company, django_capture_on_commit_callbacks)  # the "deadline today" notice, sent
    assert next_due(alpha.company) == audit.deadline
    with time_machine.travel(audit.deadline + datetime.timedelta(minutes=1), tick=False):
        run_due_work(alpha.company, django_capture_on_commit_callbacks)
    with scopes_disabled():
        audit.refresh_from_db()
        assert audit.status == AuditStatus.OVERDUE
        assert Notification.objects.filter(company=alpha.company, kind=Kind.OVERDUE).count() == 1


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_creating_an_action_item_makes_the_company_due(alpha, django_capture_on_commit_callbacks):
    set_next_due(alpha.company, LATER)
    with scope(company=alpha.company), django_capture_on_commit_callbacks(execute=True):
        audit_services.action_item_create(company=alpha.company, by=alpha.user(Role.EXECUTIVE), title="Fix pricing",
                                          owner=alpha.member(Role.DEPARTMENT_HEAD),
                                          due_date=datetime.date(2026, 11, 20))
    assert next_due(alpha.company) == DUE_NOW
    run_due_work(alpha.company, django_capture_on_commit_callbacks)
    with scopes_disabled():
        assert Notification.objects.filter(company=alpha.company, kind=Kind.ACTION_ASSIGNED).count() == 1


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_change_made_while_the_work_runs_keeps_the_company_due(alpha, django_capture_on_commit_callbacks):
    without_rounds(alpha)
    services.companies_due_claim(now=TUESDAY_10_MSK)  # the tick leases alpha to its task
    with scopes_disabled():
        leased = Company.objects.get(pk=alpha.company.pk)  # the task loads the company
    with scope(company=alpha.company), django_capture_on_commit_callbacks(execute=True):
        audit_services.schedule_update(company=alpha.company, cadence="monthly", opening_day=1,
                                       answer_window_days=14, is_active=True)  # a change meanwhile
        services.company_due_work(company=leased)
    assert next_due(alpha.company) == DUE_NOW  # the change is looked at by the next tick, not lost


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_send_waiting_for_the_morning_makes_the_company_due_then(alpha, open_audit,
                                                                   django_capture_on_commit_callbacks):
    without_rounds(alpha)
    evening = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)  # 20:00 in Moscow, after the window
    with time_machine.travel(evening, tick=False):
        open_audit(deadline=evening + datetime.timedelta(days=10))
        run_due_work(alpha.company, django_capture_on_commit_callbacks)  # "round opened" waits for 09:00
    assert next_due(alpha.company) == datetime.datetime(2026, 11, 4, 6, 0, tzinfo=datetime.UTC)


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_quiet_company_is_still_looked_at_once_a_day(alpha, django_capture_on_commit_callbacks):
    without_rounds(alpha)
    run_due_work(alpha.company, django_capture_on_commit_callbacks)
    assert next_due(alpha.company) == TUESDAY_10_MSK + datetime.timedelta(days=1)


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_reminder_policy_change_makes_the_company_due(alpha, django_capture_on_commit_callbacks):
    set_next_due(alpha.company, LATER)
    with scope(company=alpha.company), django_capture_on_commit_callbacks(execute=True):
        policy = services.reminder_policy_ensure(company=alpha.company)
        services.reminder_policy_update(policy=policy, digest_weekday=2)
    assert next_due(alpha.company) == DUE_NOW
