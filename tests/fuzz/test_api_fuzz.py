"""API fuzzing: schemathesis against /api/schema/ as every role of a seeded company, on PostgreSQL.

CI (this test): every one of the schema's operations, as each of the 4 roles, with FUZZ_EXAMPLES_PER_ROLE
(default 25) generated examples per operation and role — so at least 100 per operation — plus the schema's
examples and schemathesis' coverage cases; all built-in checks; 0 failures required.
`make fuzz` runs the same with 100 examples per operation and role (400+ per operation).
The counts are printed (run pytest with -s to see them; they are in the failure message too).
"""

import os
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.demo import NORTHWIND, build_people
from accounts.management.commands.demo import app_builders
from accounts.models import ApiToken, Invitation, Membership, Role
from accounts.services import api_token_create
from audits.models import ActionItem, DepartmentAudit, HistoryImport, Question, Questionnaire
from scorecards.models import DayOff, KnowledgeCheck
from tests.fuzz.runner import env_int, load_schema, run_fuzz

pytestmark = [pytest.mark.postgres, pytest.mark.fuzz]

ROLE_EMAILS = {
    Role.ADMIN: f"admin@{NORTHWIND.domain}",
    Role.EXECUTIVE: f"exec@{NORTHWIND.domain}",
    Role.DEPARTMENT_HEAD: f"head.sales@{NORTHWIND.domain}",
    Role.SALES_MANAGER: f"sales1@{NORTHWIND.domain}",
}


class Progress:
    def __call__(self, message=""):
        pass

    def update(self, n=1):
        pass


def seed():
    """Both demo companies' people, and every app's demo data for Northwind (the fuzzed, English company)."""
    people = build_people()
    company = people.companies[NORTHWIND.slug]
    for _label, build in app_builders():
        with transaction.atomic(), scope(company=company):
            build(company=company, progress=Progress())
    return company


def real_rows(company, memberships):
    """Ids of real rows per (role, path parameter), keyed by the URL segment before the parameter."""
    ids = {}
    with scopes_disabled():  # test set-up: reading the seeded company's rows outside a request
        sales = memberships[Role.DEPARTMENT_HEAD].department
        audits = DepartmentAudit.objects.filter(company=company)
        draft = audits.filter(department=sales, status="draft").first() or audits.filter(department=sales).first()
        submitted = audits.filter(department=sales, status="submitted").order_by("-pk").first()
        questionnaire = Questionnaire.objects.filter(company=company).order_by("-pk").first()
        question = Question.objects.filter(questionnaire=questionnaire).first()
        item = ActionItem.objects.filter(company=company, owner=memberships[Role.DEPARTMENT_HEAD]).first() \
            or ActionItem.objects.filter(company=company).first()
        invitation = Invitation.objects.filter(company=company).first()
        if invitation is None:
            invitation = Invitation.objects.create(company=company, email="fuzz.invite@northwind.example",
                                                   role=Role.EXECUTIVE, invited_by=memberships[Role.ADMIN].user,
                                                   expires_at=timezone.now() + timedelta(days=7))
        history = HistoryImport.objects.filter(company=company).first() or HistoryImport.objects.create(
            company=company, content_hash="0" * 64, file_name="fuzz.csv", status="done", rows_total=1, rows_done=1,
            preview={"rows_read": 1, "error_count": 0, "rounds": 1}, summary={"rounds": 1})
        check = KnowledgeCheck.objects.filter(company=company, is_published=True).first()
        knowledge_question = check.questions.first() if check else None
        day_off = DayOff.objects.filter(company=company, manager=memberships[Role.SALES_MANAGER]).first()
        notification_model = apps.get_model("notifications", "Notification")
        log_model = next((m for m in apps.get_models() if m.__name__ == "AuditLogEntry"), None)
        common = {
            ("departments", "id"): sales.pk,
            ("members", "id"): memberships[Role.SALES_MANAGER].pk,
            ("invitations", "id"): invitation.pk,
            ("department-audits", "audit_pk"): (draft or submitted).pk,
            ("questionnaires", "questionnaire_pk"): questionnaire.pk,
            ("questions", "question_pk"): question.pk if question else None,
            ("rounds", "round_pk"): draft.round_id if draft else audits.first().round_id,
            ("action-items", "action_item_pk"): item.pk if item else None,
            ("factors", "factor_key"): "product",
            ("departments", "department_id"): sales.pk,
            ("managers", "member_pk"): memberships[Role.SALES_MANAGER].pk,
            ("charts", "chart"): None,  # an enum: generated values are real already
            ("history-imports", "history_import_pk"): history.pk,
            ("knowledge-checks", "knowledge_check_pk"): check.pk if check else None,
            ("questions", "knowledge_question_pk"): knowledge_question.pk if knowledge_question else None,
            ("days-off", "day_off_pk"): day_off.pk if day_off else None,
        }
        if log_model is not None:
            entry = log_model.objects.filter(company=company).first()
            common[("audit-log", "audit_log_entry_pk")] = entry.pk if entry else None
        for role, membership in memberships.items():
            own = dict(common)
            own[("tokens", "id")] = ApiToken.objects.filter(membership=membership).first().pk
            note = notification_model.objects.filter(company=company, recipient=membership).first()
            own[("notifications", "id")] = note.pk if note else None
            ids[role] = own
    return ids


@pytest.fixture
def fuzz_tenant(db):
    company = seed()
    with scopes_disabled():  # test set-up
        memberships = {role: Membership.objects.select_related("department").get(company=company, user__email=email)
                       for role, email in ROLE_EMAILS.items()}
    tokens = {}
    for role, membership in memberships.items():
        with scope(company=company):
            tokens[role] = api_token_create(membership=membership, name=f"fuzz {role}")[1]
    return company, tokens, real_rows(company, memberships)


def test_api_fuzz_finds_no_failures_for_any_role(fuzz_tenant):
    company, tokens, ids = fuzz_tenant
    schema = load_schema()
    only = os.environ.get("FUZZ_ROLES")
    if only:
        tokens = {role: token for role, token in tokens.items() if role in only.split(",")}
    result = run_fuzz(
        schema=schema, company_slug=company.slug, tokens=tokens, real_ids=ids,
        examples_per_role=env_int("FUZZ_EXAMPLES_PER_ROLE", 25),
        coverage=os.environ.get("FUZZ_COVERAGE", "") == "1",
        seed=int(os.environ["FUZZ_SEED"]) if os.environ.get("FUZZ_SEED") else None,
        operation_filter=os.environ.get("FUZZ_OPERATIONS"),
    )
    print("\n" + result.summary())
    if not os.environ.get("FUZZ_OPERATIONS"):
        assert result.operations >= 80  # every operation of the schema (80 when this was written)
    assert not result.failures and not result.server_errors, result.summary()
