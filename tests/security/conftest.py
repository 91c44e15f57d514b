"""Fixtures of the security tests: a company with rows in every app, files included, and a staff client."""

from datetime import timedelta

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
    """Rows in accounts and audits, an uploaded evidence file, a token and an invitation."""
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
    return answer


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@platform.test", is_staff=True, is_superuser=True))
    return client
