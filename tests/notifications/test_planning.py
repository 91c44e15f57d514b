import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from accounts.models import Role
from notifications.models import Kind, Notification, Status

from .conftest import TUESDAY_10_MSK


def rows(company):
    with scopes_disabled():
        return list(Notification.objects.filter(company=company).order_by("pk"))


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
