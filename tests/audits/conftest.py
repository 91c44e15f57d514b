"""Audit fixtures: a small known questionnaire, a fixed matrix, an open round of Alpha, and answer helpers."""

import datetime

import pytest
import time_machine
from django_scopes import scope

from audits import services
from audits.models import Factor, QuestionKind

# Friday 2026-10-02 10:00 in Moscow: two days into Q4, after the default opening day (the 1st).
OCT_2_MSK = datetime.datetime(2026, 10, 2, 7, 0, tzinfo=datetime.UTC)

LABELS = {"en": ["none", "ad hoc", "defined", "managed", "optimised"], "ru": ["нет", "стихийно", "описано", "управляется", "оптимально"]}


@pytest.fixture
def factors(db):
    return {factor.key: factor for factor in Factor.objects.all()}


@pytest.fixture
def at_oct_2():
    with time_machine.travel(OCT_2_MSK, tick=False) as traveller:
        yield traveller


def build_questionnaire(company, factors, by=None):
    """Per factor: a scale question (weight 2) and a yes/no; product also has an optional number and text."""
    with scope(company=company):
        questionnaire = services.questionnaire_create(company=company, by=by, title="Test questionnaire")
        for key, factor in factors.items():
            services.question_add(questionnaire=questionnaire, factor=factor, kind=QuestionKind.SCALE, key=f"{key}-scale",
                                  text_en=f"How mature is {key}?", text_ru=f"Насколько зрел {key}?", weight=2,
                                  scale_labels=LABELS)
            services.question_add(questionnaire=questionnaire, factor=factor, kind=QuestionKind.YES_NO, key=f"{key}-yes",
                                  text_en=f"Is {key} written down?", text_ru=f"{key} описан?")
        services.question_add(questionnaire=questionnaire, factor=factors["product"], kind=QuestionKind.NUMBER,
                              key="product-number", text_en="How many complaints?", text_ru="Сколько жалоб?", required=False)
        services.question_add(questionnaire=questionnaire, factor=factors["product"], kind=QuestionKind.TEXT,
                              key="product-text", text_en="What would you change?", text_ru="Что бы вы изменили?",
                              required=False)
        return services.questionnaire_publish(questionnaire=questionnaire, by=by)


@pytest.fixture
def questionnaire(alpha, factors):
    """Alpha's published test questionnaire (the default one is retired)."""
    return build_questionnaire(alpha.company, factors)


def standard_cells(tenant):
    d = tenant.departments
    return {
        "product": {"accountable": d["product"], "contributing": [d["sales"]]},
        "customers": {"accountable": d["marketing"], "contributing": [d["sales"]]},
        "market": {"accountable": d["marketing"], "contributing": []},
        "advantage": {"accountable": d["management"], "contributing": [d["product"]]},
        "strategy": {"accountable": d["management"], "contributing": [d["sales"]]},
        "sales_tech": {"accountable": d["sales"], "contributing": []},
        "automation": {"accountable": d["it"], "contributing": []},
    }


@pytest.fixture
def matrix(alpha):
    """A fixed matrix for Alpha: sales contributes to product, customers and strategy."""
    with scope(company=alpha.company):
        services.matrix_set(company=alpha.company, cells=standard_cells(alpha))
    return standard_cells(alpha)


@pytest.fixture
def q4_round(alpha, questionnaire, matrix, at_oct_2):
    """Alpha's 2026-Q4 round, opened on 2 October."""
    with scope(company=alpha.company):
        round, created = services.round_open(company=alpha.company, by=alpha.user("admin"))
    assert created
    return round


@pytest.fixture
def sales_audit(alpha, q4_round):
    with scope(company=alpha.company):
        return q4_round.audits.get(department=alpha.departments["sales"])


def answer_everything(audit, by, scale=4, yes=True):
    """Answer every question of an audit with the same values (scale and yes/no), leaving optional ones empty."""
    with scope(company=audit.company):
        for question in services.audit_questions(audit):
            if question.kind == QuestionKind.SCALE:
                services.answer_save(audit=audit, question=question, by=by, scale_value=scale)
            elif question.kind == QuestionKind.YES_NO:
                services.answer_save(audit=audit, question=question, by=by, bool_value=yes)


@pytest.fixture
def answer_all():
    return answer_everything
