"""Helpers for the department-audit page tests: URLs, form data for the answer form, extra members."""

from django.urls import reverse
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import QuestionKind
from tests.factories import MembershipFactory, UserFactory


def url(name, company, **kwargs):
    return reverse(f"audits:{name}", kwargs={"company_slug": company.slug, **kwargs})


def audit_url(name, audit, **kwargs):
    return url(name, audit.company, audit_pk=audit.pk, **kwargs)


def questions_of(audit):
    with scope(company=audit.company):
        return list(services.audit_questions(audit))


def full_answers(audit, scale="4", yes="yes"):
    """POST data answering every scale and yes/no question of the audit (the no-JS form)."""
    data = {}
    for question in questions_of(audit):
        if question.kind == QuestionKind.SCALE:
            data[f"q{question.pk}-scale_value"] = scale
        elif question.kind == QuestionKind.YES_NO:
            data[f"q{question.pk}-bool_value"] = yes
    return data


def first_question(audit, kind=QuestionKind.SCALE):
    return next(question for question in questions_of(audit) if question.kind == kind)


def head_of(tenant, department_key):
    """A department head membership for another department of the tenant."""
    membership = MembershipFactory(
        company=tenant.company, role=Role.DEPARTMENT_HEAD, department=tenant.departments[department_key],
        user=UserFactory(email=f"{department_key}-head@{tenant.company.slug}.test"),
    )
    return membership
