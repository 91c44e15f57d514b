"""The company under test, built in bulk in a few seconds: heads, their departments' members, an open round, tokens.

Every head and every member gets exactly one "round opened" email from the wave, so an email is matched to
its outbox row by recipient alone, whatever the subject's language or the Message-ID scheme.
"""

import datetime
import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from django_scopes import scope, scopes_disabled

from accounts.models import ApiToken, Company, Department, Membership, Role, User, hash_token
from audits import services as audit_services
from audits.models import DepartmentAudit, Factor, FactorResponsibility, Responsibility
from notifications.services import reminder_policy_ensure, reminder_policy_update

SLUG = "chaos"


@dataclass(frozen=True)
class Head:
    token: str
    audit_id: int
    questions: tuple  # (question id, kind) pairs of the head's audit


@dataclass(frozen=True)
class World:
    company_id: int
    slug: str
    heads: list
    recipients: frozenset  # lower-cased email addresses that must each receive one email


def build(*, heads, emails):
    """Build the company; `emails` recipients in all (heads first, then members spread over the departments)."""
    members = max(emails - heads, 0)
    # Harness set-up code, like the benches: bulk inserts across the new company's rows before any scope exists.
    with scopes_disabled(), transaction.atomic():
        company = Company.objects.create(name="Chaos Manufacturing", slug=SLUG, timezone="UTC", language="en")
        departments = Department.objects.bulk_create([
            Department(company=company, name=f"Department {i:03d}") for i in range(heads)
        ])
        users = User.objects.bulk_create([
            User(email=address, password="!", language=random.choice(["en", "ru"]))
            for address in addresses(heads, members)
        ])
        memberships = Membership.objects.bulk_create([
            Membership(company=company, user=user, department=departments[i % heads],
                       role=Role.DEPARTMENT_HEAD if i < heads else Role.SALES_MANAGER)
            for i, user in enumerate(users)
        ])
        for department, head in zip(departments, memberships[:heads], strict=True):
            department.head = head
        Department.objects.bulk_update(departments, ["head"])
        assign_matrix(company, departments)
        tokens = issue_tokens(company, memberships[:heads])
    with scope(company=company):
        open_round_with_reminders(company)
        audit_by_department = {a.department_id: a for a in DepartmentAudit.objects.filter(company=company)}
        return World(company_id=company.pk, slug=SLUG, recipients=frozenset(u.email.lower() for u in users),
                     heads=[head_of(audit_by_department[d.pk], tokens[d.pk]) for d in departments])


def addresses(heads, members):
    return [f"head{i:03d}@chaos.example" for i in range(heads)] + [f"member{i:04d}@chaos.example"
                                                                     for i in range(members)]


def assign_matrix(company, departments):
    """Each department answers for one factor (the first seven are accountable), so every one gets an audit."""
    factors = list(Factor.objects.order_by("position"))
    FactorResponsibility.objects.filter(company=company).delete()  # the automatic proposal for no departments
    FactorResponsibility.objects.bulk_create([
        FactorResponsibility(company=company, department=department, factor=factors[i % len(factors)],
                             responsibility=Responsibility.ACCOUNTABLE if i < len(factors)
                             else Responsibility.CONTRIBUTING)
        for i, department in enumerate(departments)
    ])


def issue_tokens(company, heads):
    """{department id: raw API token} for every head (hashed like accounts.services.api_token_create)."""
    raws = {head.department_id: "ra_" + secrets.token_urlsafe(32) for head in heads}
    ApiToken.objects.bulk_create([
        ApiToken(company=company, membership=head, name="chaos", prefix=raws[head.department_id][:10],
                 key_hash=hash_token(raws[head.department_id]))
        for head in heads
    ])
    return raws


def open_round_with_reminders(company):
    """Reminders to the whole department at any hour on any day, then the round: the next tick plans the wave."""
    policy = reminder_policy_ensure(company=company)
    reminder_policy_update(policy=policy, remind_department_members=True, skip_weekends=False,
                           send_window_start=datetime.time(0, 0), send_window_end=datetime.time(23, 59, 59))
    audit_services.round_open(company=company)


def head_of(audit, token):
    questions = tuple((q.pk, q.kind) for q in audit_services.audit_questions(audit))
    return Head(token=token, audit_id=audit.pk, questions=questions)
