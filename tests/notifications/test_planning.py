"""Planning: which rows appear when, for whom; idempotent; constant queries; reminders stop."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import Kind, Notification, ReminderPolicy, SkipReason, Status
from tests.factories import (
    ActionItemFactory,
    CompanyFactory,
    DepartmentAuditFactory,
    DepartmentFactory,
    MembershipFactory,
    RoundFactorScoreFactory,
    RoundFactory,
    factor,
)

from .conftest import TUESDAY_10_MSK

DAY = datetime.timedelta(days=1)


def rows(company, **filters):
    with scopes_disabled():
        return list(Notification.objects.filter(company=company, **filters).order_by("pk"))


def kinds(company):
    return [(n.kind, n.recipient.user.email, n.status) for n in rows(company)]


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_opening_a_round_reminds_the_department_head_once(alpha, open_audit, plan):
    open_audit()
    plan(alpha.company)
    plan(alpha.company)
    [notification] = rows(alpha.company)
    assert notification.kind == Kind.ROUND_OPENED
    assert notification.recipient == alpha.member(Role.DEPARTMENT_HEAD)
    assert notification.status == Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@alpha.test"]


def test_reminders_follow_the_offsets_and_the_deadline_day(alpha, open_audit, plan):
    opened = TUESDAY_10_MSK
    deadline = opened + 14 * DAY + datetime.timedelta(hours=8)  # Tuesday 17 Nov, 18:00 Moscow
    with time_machine.travel(opened, tick=False):
        open_audit(deadline=deadline)
        plan(alpha.company)
    for moment in [opened + 6 * DAY, opened + 7 * DAY, opened + 13 * DAY, opened + 14 * DAY]:
        with time_machine.travel(moment, tick=False):
            plan(alpha.company)
    reminders = [n for n in rows(alpha.company) if n.kind != Kind.DIGEST]
    assert [n.kind for n in reminders] == [
        Kind.ROUND_OPENED, Kind.DEADLINE_REMINDER, Kind.DEADLINE_REMINDER, Kind.DEADLINE_TODAY,
    ]
    assert [n.payload.get("days_left") for n in reminders] == [None, 7, 1, None]
    assert len([m for m in mail.outbox if m.to == ["head@alpha.test"]]) == 4


def test_a_reminder_outside_the_send_window_waits_for_the_morning(alpha, open_audit, plan):
    evening = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)  # 20:00 in Moscow
    with time_machine.travel(evening, tick=False):
        open_audit()
        plan(alpha.company)
    [row] = rows(alpha.company)
    assert row.status == Status.PLANNED
    assert row.due_at == datetime.datetime(2026, 11, 4, 6, 0, tzinfo=datetime.UTC)  # 09:00 Moscow
    assert mail.outbox == []
    with time_machine.travel(row.due_at + datetime.timedelta(minutes=1), tick=False):
        plan(alpha.company)
    assert rows(alpha.company)[0].status == Status.SENT
    assert len(mail.outbox) == 1


def test_weekend_reminders_wait_until_monday(alpha, open_audit, plan):
    saturday = datetime.datetime(2026, 11, 7, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(saturday, tick=False):
        open_audit()
        plan(alpha.company)
    assert rows(alpha.company)[0].due_at == datetime.datetime(2026, 11, 9, 6, 0, tzinfo=datetime.UTC)


def test_the_window_follows_the_company_timezone(alpha, open_audit, plan):
    with scopes_disabled():
        alpha.company.timezone = "America/New_York"
        alpha.company.save()
    with time_machine.travel(TUESDAY_10_MSK, tick=False):  # 02:00 in New York
        open_audit()
        plan(alpha.company)
    assert rows(alpha.company)[0].due_at == datetime.datetime(2026, 11, 3, 14, 0, tzinfo=datetime.UTC)


def test_overdue_audits_are_reminded_every_k_days_and_escalated(alpha, open_audit, plan):
    deadline = TUESDAY_10_MSK - DAY
    with time_machine.travel(TUESDAY_10_MSK - 10 * DAY, tick=False):
        audit = open_audit(deadline=deadline)
    for days in [0, 1, 2, 3, 6, 7]:  # Tue, Wed, Thu, Fri, Mon, Tue (no weekend moments)
        with time_machine.travel(TUESDAY_10_MSK + days * DAY, tick=False):
            plan(alpha.company)
    overdue = rows(alpha.company, kind=Kind.OVERDUE)
    assert [n.dedupe_key.split(":")[2] for n in overdue] == ["o0", "o1", "o2"]
    escalations = rows(alpha.company, kind__in=[Kind.ESCALATION, Kind.ESCALATION_2])
    assert [(n.kind, n.recipient.role) for n in escalations] == [
        (Kind.ESCALATION, Role.EXECUTIVE), (Kind.ESCALATION_2, Role.EXECUTIVE),
    ]
    message = next(m for m in mail.outbox if m.to == ["exec@alpha.test"])
    assert "Sales" in message.subject
    assert alpha.user(Role.DEPARTMENT_HEAD).display_name in message.body
    assert audit.round.period in message.body


def test_reminders_stop_when_the_audit_is_submitted(alpha, open_audit, plan):
    with time_machine.travel(TUESDAY_10_MSK - 20 * DAY, tick=False):
        audit = open_audit(deadline=TUESDAY_10_MSK - 5 * DAY)
    with scopes_disabled():
        audit.status = "submitted"
        audit.save()
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        plan(alpha.company)
    assert rows(alpha.company) == []


def test_a_reminder_planned_before_submission_is_skipped_at_send_time(alpha, open_audit, plan):
    evening = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)
    with time_machine.travel(evening, tick=False):
        audit = open_audit()
        plan(alpha.company)
    with scopes_disabled():
        audit.status = "submitted"
        audit.save()
    with time_machine.travel(evening + DAY, tick=False):
        plan(alpha.company)
    [row] = rows(alpha.company)
    assert (row.status, row.skip_reason) == (Status.SKIPPED, SkipReason.RESOLVED)
    assert mail.outbox == []


def test_a_deactivated_member_gets_nothing(alpha, open_audit, plan):
    evening = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)
    with time_machine.travel(evening, tick=False):
        open_audit()
        plan(alpha.company)
    head = alpha.member(Role.DEPARTMENT_HEAD)
    with scopes_disabled():
        head.is_active = False
        head.save()
    with time_machine.travel(evening + DAY, tick=False):
        plan(alpha.company)
    assert [(n.status, n.skip_reason) for n in rows(alpha.company)] == [(Status.SKIPPED, SkipReason.INACTIVE)]
    assert mail.outbox == []


def test_a_suspended_company_sends_nothing(alpha, open_audit, plan):
    evening = datetime.datetime(2026, 11, 3, 17, 0, tzinfo=datetime.UTC)
    with time_machine.travel(evening, tick=False):
        open_audit()
        plan(alpha.company)
    alpha.company.is_suspended = True
    alpha.company.save()
    from notifications.tasks import send_notification

    with time_machine.travel(evening + DAY, tick=False):
        assert send_notification(rows(alpha.company)[0].pk) == "skipped"
    assert rows(alpha.company)[0].skip_reason == SkipReason.SUSPENDED
    assert mail.outbox == []


def test_other_department_members_are_reminded_when_the_company_wants(alpha, open_audit, plan, in_scope):
    with in_scope(alpha.company):
        ReminderPolicy.objects.create(company=alpha.company, remind_department_members=True)
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        open_audit()
        plan(alpha.company)
    assert sorted(n.recipient.user.email for n in rows(alpha.company)) == ["head@alpha.test", "seller@alpha.test"]


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_the_email_is_in_the_recipients_language_with_local_deadline_and_link(alpha, open_audit, plan):
    head = alpha.user(Role.DEPARTMENT_HEAD)
    head.language = "ru"
    head.save()
    audit = open_audit(deadline=datetime.datetime(2026, 11, 17, 15, 0, tzinfo=datetime.UTC))  # 18:00 Moscow
    plan(alpha.company)
    [message] = mail.outbox
    assert "Alpha Ltd" in message.subject
    assert "18:00" in message.body and "Europe/Moscow" in message.body
    assert "http://testserver/c/alpha/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Alpha Ltd" in html
    assert message.from_email.endswith("<noreply@localhost>")
    assert audit.round.period in message.subject
    assert "List-Unsubscribe" not in message.extra_headers  # a head's own audit is mandatory


def test_a_department_without_a_head_escalates_naming_no_head(alpha, plan):
    department = alpha.departments["marketing"]
    with time_machine.travel(TUESDAY_10_MSK - 20 * DAY, tick=False):
        round_ = RoundFactory(company=alpha.company, deadline=TUESDAY_10_MSK - 4 * DAY)
        DepartmentAuditFactory(round=round_, department=department)
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        plan(alpha.company)
    assert [n.kind for n in rows(alpha.company)] == [Kind.ESCALATION]
    assert "no head" in mail.outbox[0].body


# ---------------------------------------------------------------- action items

def test_an_action_item_owner_is_told_on_assignment_the_day_before_and_when_overdue(alpha, plan):
    owner = alpha.member(Role.DEPARTMENT_HEAD)
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        ActionItemFactory(company=alpha.company, owner=owner, due_date=datetime.date(2026, 11, 6),
                          created_by=alpha.user(Role.EXECUTIVE))
        plan(alpha.company)
    for moment in [TUESDAY_10_MSK + 2 * DAY, TUESDAY_10_MSK + 6 * DAY, TUESDAY_10_MSK + 7 * DAY]:
        with time_machine.travel(moment, tick=False):
            plan(alpha.company)
    owner_rows = rows(alpha.company, recipient=owner)
    assert [n.kind for n in owner_rows] == [Kind.ACTION_ASSIGNED, Kind.ACTION_DUE, Kind.ACTION_OVERDUE]
    assert [m.to for m in mail.outbox if "Action" in m.subject] == [["head@alpha.test"]] * 3
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_creating_your_own_action_item_sends_no_assignment_email(alpha, plan):
    owner = alpha.member(Role.EXECUTIVE)
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        ActionItemFactory(company=alpha.company, owner=owner, created_by=owner.user)
        plan(alpha.company)
    assert rows(alpha.company) == []


def test_a_closed_action_item_is_not_reminded(alpha, plan):
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD), status="done",
                          due_date=datetime.date(2026, 11, 4))
        plan(alpha.company)
    assert rows(alpha.company) == []


# ---------------------------------------------------------------- digest

MONDAY_9_30_MSK = datetime.datetime(2026, 11, 9, 6, 30, tzinfo=datetime.UTC)


def test_the_weekly_digest_tells_executives_what_happened(alpha, plan):
    with time_machine.travel(MONDAY_9_30_MSK - 60 * DAY, tick=False):
        previous = RoundFactory(company=alpha.company, period="2026-Q3", period_start=datetime.date(2026, 7, 1))
    with time_machine.travel(MONDAY_9_30_MSK - 10 * DAY, tick=False):
        current = RoundFactory(company=alpha.company, period="2026-Q4", deadline=MONDAY_9_30_MSK - 2 * DAY)
        DepartmentAuditFactory(round=current, department=alpha.departments["sales"])
        DepartmentAuditFactory(round=current, department=alpha.departments["it"], status="submitted",
                               submitted_at=MONDAY_9_30_MSK - 3 * DAY)
    RoundFactorScoreFactory(round=previous, factor=factor("product"), score=40)
    RoundFactorScoreFactory(round=current, factor=factor("product"), score=65)
    ActionItemFactory(company=alpha.company, title="Fix pricing page", owner=alpha.member(Role.DEPARTMENT_HEAD),
                      due_date=datetime.date(2026, 11, 1), created_by=alpha.user(Role.DEPARTMENT_HEAD))
    with time_machine.travel(MONDAY_9_30_MSK, tick=False):
        plan(alpha.company)
        plan(alpha.company)
    [digest] = rows(alpha.company, kind=Kind.DIGEST)
    assert digest.recipient == alpha.member(Role.EXECUTIVE)
    assert digest.payload["round"] == {"period": "2026-Q4", "submitted": 1, "expected": 2, "percent": 50,
                                       "provisional": False}
    assert digest.payload["overdue"] == [{"department": "Sales", "days": 2}]
    # The dashboards' story: the same rounded move as the dashboard says, with where it started.
    assert (digest.payload["moves"][0]["delta"], digest.payload["moves"][0]["start"]) == (25, 40)
    message = next(m for m in mail.outbox if "digest" in m.subject.lower())
    assert "Fix pricing page" in message.body and "+25 since 2026-Q3, from 40 to 65" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_no_digest_when_there_is_nothing_to_say(alpha, plan):
    with time_machine.travel(MONDAY_9_30_MSK, tick=False):
        plan(alpha.company)
    assert rows(alpha.company, kind=Kind.DIGEST) == []


# ---------------------------------------------------------------- scale

def company_with_departments(count, now):
    company = CompanyFactory()
    executive = MembershipFactory(company=company, role=Role.EXECUTIVE)
    round_ = RoundFactory(company=company, opened_at=now - 30 * DAY, deadline=now - 8 * DAY)
    for _ in range(count):
        head = MembershipFactory(company=company, role=Role.DEPARTMENT_HEAD)
        department = DepartmentFactory(company=company, head=head)
        DepartmentAuditFactory(round=round_, department=department)
    return company, executive


@pytest.mark.parametrize("policy_members", [False, True])
def test_planning_queries_do_not_grow_with_departments(db, policy_members, django_capture_on_commit_callbacks):
    from django_scopes import scope

    from notifications.services import notifications_plan

    counts = []
    with time_machine.travel(TUESDAY_10_MSK, tick=False):
        for size in (5, 20):
            company, _executive = company_with_departments(size, timezone.now())
            with scope(company=company):
                ReminderPolicy.objects.create(company=company, remind_department_members=policy_members)
                with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
                    created = notifications_plan(company=company)
            counts.append(len(queries))
            assert created == 2 * size  # one overdue reminder per head + one escalation step per audit
    assert counts[0] == counts[1]
