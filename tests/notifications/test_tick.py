"""The beat tick: one entry in settings; fans out per company; opens due rounds and reminds, exactly once."""

import datetime
from unittest import mock

import time_machine
from django.conf import settings
from django.core import mail
from django_scopes import scopes_disabled

from audits.models import FactorResponsibility, Round, Schedule
from notifications import services, tasks
from notifications.models import Kind, Notification
from tests.factories import QuestionFactory, QuestionnaireFactory, factor

from .conftest import TUESDAY_10_MSK


def ready_for_rounds(tenant):
    """A quarterly schedule, a published questionnaire and the sales department answering for one factor."""
    with scopes_disabled():
        Schedule.objects.get_or_create(company=tenant.company)
        if not tenant.company.questionnaires.filter(status="published").exists():
            QuestionFactory(questionnaire=QuestionnaireFactory(company=tenant.company), company=tenant.company)
        FactorResponsibility.objects.filter(company=tenant.company).delete()
        FactorResponsibility.objects.create(company=tenant.company, factor=factor("product"),
                                            department=tenant.departments["sales"], responsibility="accountable")


def test_the_tick_and_the_sweep_are_the_beat_entries_and_run_often_enough():
    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(entries) == {"notifications.tasks.notifications_tick", "notifications.tasks.notifications_sweep_task"}
    assert entries["notifications.tasks.notifications_tick"]["schedule"] <= 60  # a reminder within a minute
    # A wake lost with the broker is replaced by the next sweep's, and a dead worker's claim is taken again after
    # SENDING_STALE by a drain the sweep wakes: both within two minutes.
    sweep = entries["notifications.tasks.notifications_sweep_task"]["schedule"]
    assert sweep <= 30
    assert services.SENDING_STALE.total_seconds() + sweep <= 120


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_the_tick_opens_the_due_round_and_reminds_each_head_once(alpha, beta, django_capture_on_commit_callbacks):
    ready_for_rounds(alpha)
    ready_for_rounds(beta)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notifications_tick()
    with scopes_disabled():
        assert Round.objects.filter(company=alpha.company).count() == 1
        opened = Notification.objects.filter(company=alpha.company, kind=Kind.ROUND_OPENED)
        assert [n.recipient.user.email for n in opened] == ["head@alpha.test"]
    sent_before = len(mail.outbox)
    assert sent_before >= 2  # alpha's head and beta's head
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notifications_tick()  # a second beat, or the next tick: nothing doubles
    assert len(mail.outbox) == sent_before
    with scopes_disabled():
        assert Round.objects.filter(company=alpha.company).count() == 1


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_the_tick_skips_suspended_companies(alpha, beta):
    beta.company.is_suspended = True
    beta.company.save()
    with mock.patch.object(tasks.due_work_for_companies, "apply_async") as work:
        tasks.notifications_tick()
    assert [c.kwargs["args"] for c in work.call_args_list] == [[[alpha.company.pk]]]


@time_machine.travel(TUESDAY_10_MSK, tick=False)
def test_a_broker_outage_stops_the_fan_out_without_raising(alpha, beta):
    import kombu.exceptions

    down = kombu.exceptions.OperationalError("down")
    with mock.patch.object(tasks, "COMPANIES_PER_TASK", 1), \
            mock.patch.object(tasks.due_work_for_companies, "apply_async", side_effect=down) as work:
        assert tasks.notifications_tick() == 0
    assert work.call_count == 1  # stopped at the first failure: no two-second timeout per batch
    with mock.patch.object(tasks.due_work_for_companies, "apply_async") as work:
        tasks.notifications_tick()  # both are due again at the next tick, not only after the lease
    assert sorted(pk for c in work.call_args_list for pk in c.kwargs["args"][0]) == \
        sorted([alpha.company.pk, beta.company.pk])


def test_the_demo_builds_the_policy_idempotently(alpha):
    from notifications import demo
    from notifications.models import ReminderPolicy

    lines = []
    demo.build(company=alpha.company, progress=lines.append)
    demo.build(company=alpha.company, progress=lines.append)
    with scopes_disabled():
        policy = ReminderPolicy.objects.get(company=alpha.company)
    assert policy.send_window_start == datetime.time(0, 0) and not policy.skip_weekends
    assert len(lines) == 2
