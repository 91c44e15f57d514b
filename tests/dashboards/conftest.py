"""Dashboard fixtures: a scored history of rounds for a tenant, built straight into the stored-score tables."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from audits.models import AuditStatus, FactorResponsibility, FactorScore, RoundFactorScore
from dashboards.filters import period_bounds
from tests.factories import (
    ActionItemFactory,
    DepartmentAuditFactory,
    QuestionnaireFactory,
    RoundFactory,
    factor,
)

KEYS = ["product", "customers", "market", "advantage", "strategy", "sales_tech", "automation"]
ACCOUNTABLE = {"product": "product", "customers": "marketing", "market": "marketing", "advantage": "management",
               "strategy": "management", "sales_tech": "sales", "automation": "it"}


def story_score(key, index, department_name):
    """Sales technology falls 14 points a round (69, 55, 41…); the rest creep up; departments differ a little."""
    if key == "sales_tech":
        return max(0, 69 - 14 * index)
    return min(100, 50 + 3 * index + KEYS.index(key) * 2 + len(department_name) % 5)


def build_history(tenant, periods, *, departments=None, late=("it",), missing_last=("marketing",),
                  not_applicable=False):
    """Rounds with audits, stored factor scores, round scores and a matrix; returns {period: Round}.

    IT submits late every round; Marketing misses the last round (its deadline has passed).
    """
    company = tenant.company
    names = departments or list(tenant.departments)
    depts = [tenant.departments[n] for n in names]
    rounds = {}
    with scopes_disabled():
        factors = {key: factor(key) for key in KEYS}
        for key, dept_key in ACCOUNTABLE.items():
            if dept_key in tenant.departments:
                FactorResponsibility.objects.get_or_create(company=company, factor=factors[key],
                                                           department=tenant.departments[dept_key],
                                                           defaults={"responsibility": "accountable"})
        questionnaire = QuestionnaireFactory(company=company)
        for index, period in enumerate(periods):
            start, end = period_bounds(period)
            deadline = timezone.make_aware(datetime.datetime.combine(start, datetime.time(12)) + datetime.timedelta(days=14),
                                           datetime.UTC)
            last = index == len(periods) - 1
            round_ = RoundFactory(company=company, questionnaire=questionnaire, period=period, period_start=start,
                                  period_end=end - datetime.timedelta(days=1), deadline=deadline)
            submitted, scores = 0, []
            for dept_key, dept in zip(names, depts, strict=True):
                is_missing = last and dept_key in missing_last
                first = None if is_missing else deadline + datetime.timedelta(days=3 if dept_key in late else -2)
                audit = DepartmentAuditFactory(round=round_, department=dept, deadline=deadline,
                                               status=AuditStatus.OVERDUE if is_missing else AuditStatus.SUBMITTED,
                                               first_submitted_at=first, submitted_at=first)
                if is_missing:
                    continue
                submitted += 1
                scores += [FactorScore(company=company, audit=audit, factor=factors[key], scored_answers=3,
                                       score=None if not_applicable else story_score(key, index, dept.name))
                           for key in KEYS]
            FactorScore.objects.bulk_create(scores)
            round_scores = []
            for key in KEYS:
                values = [s.score for s in scores if s.factor_id == factors[key].pk and s.score is not None]
                accountable = tenant.departments.get(ACCOUNTABLE[key])
                round_scores.append(RoundFactorScore(
                    company=company, round=round_, factor=factors[key],
                    score=round(sum(values) / len(values), 2) if values else None,
                    departments_answered=len(values), accountable_department=accountable))
            RoundFactorScore.objects.bulk_create(round_scores)
            scored = [r.score for r in round_scores if r.score is not None]
            round_.system_index = round(sum(scored) / len(scored), 2) if scored else None
            round_.expected_count, round_.submitted_count = len(depts), submitted
            round_.save()
            rounds[period] = round_
    return rounds


def history_with_actions(tenant):
    """Three scored quarters (2025-Q2…2025-Q4; sales technology falls 14 a round), two open actions on sales
    technology and a done one."""
    rounds = build_history(tenant, ["2025-Q2", "2025-Q3", "2025-Q4"])
    for title in ("Write the sales script", "Publish the CRM regulation"):
        ActionItemFactory(company=tenant.company, title=title, factor=factor("sales_tech"),
                          owner=tenant.members["department_head"], status="open")
    ActionItemFactory(company=tenant.company, title="Done already", factor=factor("sales_tech"), status="done")
    return rounds


@pytest.fixture
def history(alpha):
    return history_with_actions(alpha)
