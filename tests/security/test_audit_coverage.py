"""Audit-log coverage beyond model saves: queryset updates (claims, bulk revocations), many-to-many links, a
person's own account and two-factor devices, and the list of action types. Each test names a write that
bypasses the model signals and would be missing from the log without `update_logged` / `record_m2m`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled

from accounts.models import AuditAction, AuditLogEntry, Role
from accounts.security.audit import NOT_LOGGED, is_logged
from accounts.security.tenant_data import company_models
from accounts.security.two_factor import recovery_codes_regenerate
from accounts.services import api_token_create, membership_set_active
from audits.services import audits_mark_overdue, questionnaire_publish
from notifications.services import calendar_feed_issue
from tests.factories import DepartmentAuditFactory, QuestionFactory, QuestionnaireFactory, factor

pytestmark = pytest.mark.django_db


def entries(company, **filters):
    with scopes_disabled():  # reading the log from the test
        return list(AuditLogEntry.objects.filter(company=company, **filters).order_by("pk"))


def test_every_tenant_model_is_logged_or_exempt_with_a_reason():
    unlisted = [m._meta.label for m in company_models() if not is_logged(m) and m._meta.label not in NOT_LOGGED]
    assert not unlisted
    assert all(reason.strip() for reason in NOT_LOGGED.values())


def test_audited_action_types():
    print(f"\naudited action types: {len(AuditAction.values)} {AuditAction.values}")
    assert {"create", "update", "delete", "state_change", "login", "login_failed", "role_change", "export",
            "token_created", "token_revoked"} <= set(AuditAction.values)


def test_deactivation_logs_the_revoked_tokens_and_the_freed_department(alpha):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    with scope(company=alpha.company):
        token, _raw = api_token_create(membership=head, name="head script")
        membership_set_active(membership=head, active=False)
    revoked = entries(alpha.company, action=AuditAction.TOKEN_REVOKED, object_id=str(token.pk))
    assert len(revoked) == 1 and revoked[0].changes["revoked_at"][0] is None
    freed = [e for e in entries(alpha.company, action=AuditAction.UPDATE, object_type="accounts.Department")
             if "head" in e.changes]
    assert freed and freed[-1].changes["head"] == [head.pk, None]


def test_overdue_claim_is_a_logged_state_change(alpha):
    audit = DepartmentAuditFactory(company=alpha.company, round__company=alpha.company,
                                   department=alpha.departments["sales"])
    with scopes_disabled():
        audit.deadline = timezone.now() - timedelta(days=1)
        audit.save(update_fields=["deadline"])
    with scope(company=alpha.company):
        assert audits_mark_overdue(company=alpha.company) == 1
        assert audits_mark_overdue(company=alpha.company) == 0  # the claim still claims once
    changes = entries(alpha.company, action=AuditAction.STATE_CHANGE, object_id=str(audit.pk),
                      object_type="audits.DepartmentAudit")
    assert [e.changes["status"] for e in changes] == [["draft", "overdue"]]


def test_publishing_logs_the_retired_version(alpha):
    with scopes_disabled():
        old = alpha.company.questionnaires.get(status="published")
    draft = QuestionnaireFactory(company=alpha.company, status="draft")
    QuestionFactory(questionnaire=draft)
    with scope(company=alpha.company):
        questionnaire_publish(questionnaire=draft)
    retired = entries(alpha.company, action=AuditAction.STATE_CHANGE, object_id=str(old.pk),
                      object_type="audits.Questionnaire")
    assert retired and retired[-1].changes["status"] == ["published", "retired"]


def test_many_to_many_links_are_logged(alpha):
    audit = DepartmentAuditFactory(company=alpha.company, round__company=alpha.company,
                                   department=alpha.departments["sales"])
    with scopes_disabled():
        audit.factors.set([factor("product"), factor("customers")])
        audit.factors.remove(factor("product"))
    changes = [e.changes["factors"] for e in entries(alpha.company, action=AuditAction.UPDATE, object_type="audits.DepartmentAudit",
                                                      object_id=str(audit.pk)) if "factors" in e.changes]
    assert len(changes) == 2 and len(changes[0]["added"]) == 2 and len(changes[1]["removed"]) == 1


def test_calendar_feed_reissue_logs_the_revocation(alpha):
    member = alpha.member(Role.EXECUTIVE)
    with scope(company=alpha.company):
        calendar_feed_issue(membership=member)
        calendar_feed_issue(membership=member)
    updates = entries(alpha.company, object_type="notifications.CalendarFeed", action=AuditAction.UPDATE)
    assert len(updates) == 1 and updates[0].changes["revoked_at"][0] is None
    assert all(e.changes.get("token_hash") in (None, "•••") for e in
               entries(alpha.company, object_type="notifications.CalendarFeed"))


def test_invitation_acceptance_is_logged(alpha, client):
    from accounts.models import Invitation
    from accounts.services import invitation_accept

    with scopes_disabled():
        invitation = Invitation.objects.create(company=alpha.company, email="new@alpha.test", role=Role.EXECUTIVE,
                                               expires_at=timezone.now() + timedelta(days=7))
    invitation_accept(invitation=invitation, password="a-long-new-password-2026", first_name="New")
    accepted = entries(alpha.company, object_type="accounts.Invitation", object_id=str(invitation.pk),
                       action=AuditAction.UPDATE)
    assert {name for e in accepted for name in e.changes} >= {"accepted_at", "accepted_by"}


def test_profile_and_two_factor_changes_are_logged_in_the_persons_companies(alpha, client_for):
    member = alpha.member(Role.EXECUTIVE)
    client = client_for(member)
    client.post(reverse("profile"), {"first_name": "Renamed", "last_name": member.user.last_name,
                                     "language": "en"})
    user = member.user
    renamed = entries(alpha.company, object_type="accounts.User", object_id=str(user.pk), action=AuditAction.UPDATE)
    assert renamed and renamed[-1].changes["first_name"][1] == "Renamed" and renamed[-1].actor == user
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    recovery_codes_regenerate(user=user)
    TOTPDevice.objects.filter(user=user).delete()
    device_actions = [(e.object_type, e.action) for e in entries(alpha.company, object_type__startswith="otp_")]
    assert ("otp_totp.TOTPDevice", AuditAction.CREATE) in device_actions
    assert ("otp_static.StaticDevice", AuditAction.UPDATE) in device_actions  # new recovery codes
    assert ("otp_totp.TOTPDevice", AuditAction.DELETE) in device_actions
    secrets = [e.changes.get("key") for e in entries(alpha.company, object_type="otp_totp.TOTPDevice")]
    assert set(secrets) <= {"•••", None}


def test_password_change_is_logged_without_the_hash(alpha, client_for):
    from tests.conftest import PASSWORD

    member = alpha.member(Role.SALES_MANAGER)
    response = client_for(member).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Another-long-pass-2026", "new_password2": "Another-long-pass-2026"})
    assert response.status_code == 302
    changed = entries(alpha.company, object_type="accounts.User", object_id=str(member.user.pk))
    assert changed[-1].changes["password"] == ["•••", "•••"]
