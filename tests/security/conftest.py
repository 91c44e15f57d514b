"""Fixtures of the security tests: a company with rows in every app, files included, and a staff client."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation, Role
from accounts.services import api_token_create
from audits.models import Answer
from tests.factories import (
    ActionItemFactory,
    DepartmentAuditFactory,
    FactorScoreFactory,
    QuestionFactory,
    RoundFactorScoreFactory,
    UserFactory,
    factor,
)


def fill_company(tenant):
    """Rows of EVERY tenant model (test_every_tenant_model_has_rows_in_the_fixture checks it), an uploaded
    evidence file, a token and an invitation. A new tenant model needs a row here."""
    company = tenant.company
    audit = DepartmentAuditFactory(company=company, round__company=company, department=tenant.departments["sales"])
    question = QuestionFactory(questionnaire=audit.round.questionnaire)
    with scopes_disabled():  # test data for one company, built outside any request
        audit.factors.set([factor("product"), factor("customers")])
        answer = Answer(company=company, audit=audit, question=question, scale_value=4, comment="Solid")
        answer.evidence_file.save("contract.pdf", ContentFile(b"%PDF-1.4 evidence of " + company.slug.encode()),
                                  save=False)
        answer.save()
        Invitation.objects.create(company=company, email=f"new@{company.slug}.test", role=Role.EXECUTIVE,
                                  expires_at=timezone.now() + timedelta(days=7))
    FactorScoreFactory(company=company, audit=audit)
    RoundFactorScoreFactory(company=company, round=audit.round)
    ActionItemFactory(company=company, owner=tenant.member(Role.DEPARTMENT_HEAD), audit=audit, answer=answer)
    with scope(company=company):
        api_token_create(membership=tenant.member(Role.ADMIN), name="CRM sync")
    fill_other_apps(tenant, audit=audit, answer=answer)
    return answer


def fill_other_apps(tenant, *, audit, answer):
    """Audit history, notifications, scorecards and dashboards rows."""
    from audits.models import AnswerRevision, AuditTransition, HistoryImport
    from dashboards.models import DashboardSettings
    from notifications.models import CalendarFeed, Kind, Notification, NotificationPreference, ReminderPolicy
    from scorecards.models import (
        ActivityEntry,
        ActivityNorm,
        DayOff,
        Holiday,
        ImportBatch,
        KnowledgeAttempt,
        KnowledgeCheck,
        KnowledgeQuestion,
        KnowledgeRating,
        PlanResult,
        ScorecardSettings,
    )

    company = tenant.company
    seller, admin = tenant.member(Role.SALES_MANAGER), tenant.member(Role.ADMIN)
    day = date(2026, 3, 2)
    with scopes_disabled():  # test data for one company, built outside any request
        AuditTransition.objects.create(company=company, audit=audit, from_status="", to_status="submitted",
                                       by=tenant.user(Role.DEPARTMENT_HEAD))
        AnswerRevision.objects.create(company=company, answer=answer, values={"scale_value": 4},
                                      changed_by=tenant.user(Role.DEPARTMENT_HEAD))
        HistoryImport.objects.create(company=company, content_hash="0" * 64, file_name="history.csv",
                                     content_b64="cGVyaW9k", questionnaire=audit.round.questionnaire,
                                     created_by=admin.user)
        DashboardSettings.objects.create(company=company)
        ReminderPolicy.objects.create(company=company)
        Notification.objects.create(company=company, recipient=admin, kind=Kind.values[0], dedupe_key=f"fill:{company.slug}",
                                    round=audit.round, audit=audit)
        NotificationPreference.objects.create(company=company, membership=admin, kind="digest", email_enabled=False)
        CalendarFeed.objects.create(company=company, membership=admin, token_hash=f"{company.slug}-feed-hash")
        ScorecardSettings.objects.create(company=company)
        ActivityNorm.objects.create(company=company, manager=seller)
        DayOff.objects.create(company=company, manager=seller, date=day)
        Holiday.objects.create(company=company, date=date(2026, 3, 9), name="Holiday")
        ActivityEntry.objects.create(company=company, manager=seller, date=day, calls=12, meetings=2, proposals=1)
        ImportBatch.objects.create(company=company, key="fill", kind="api", created_by=admin.user)
        check = KnowledgeCheck.objects.create(company=company, title="Product basics", is_published=True,
                                              created_by=admin.user)
        KnowledgeQuestion.objects.create(company=company, knowledge_check=check, text="Which?", options=["a", "b"],
                                         correct_option=1)
        KnowledgeAttempt.objects.create(company=company, knowledge_check=check, manager=seller, period="2026-03",
                                        score=100)
        KnowledgeRating.objects.create(company=company, manager=seller, period="2026-03", score=80,
                                       rated_by=admin.user)
        PlanResult.objects.create(company=company, manager=seller, period="2026-03", plan_deals=5, actual_deals=4)


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@platform.test", is_staff=True, is_superuser=True))
    return client
