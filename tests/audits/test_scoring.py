"""Scoring: the pure arithmetic (with property tests) and the stored scores after submit."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_scopes import scope
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import scoring, services
from audits.models import AuditStatus, QuestionKind

# ---------------------------------------------------------------- pure arithmetic


def q(kind=QuestionKind.SCALE, weight=1):
    return SimpleNamespace(kind=kind, weight=weight)


def a(scale=None, yes=None, na=False):
    return SimpleNamespace(scale_value=scale, bool_value=yes, not_applicable=na)


def test_scale_maps_one_to_zero_and_five_to_hundred():
    assert [scoring.answer_points(kind="scale", scale_value=v) for v in range(1, 6)] == [0, 25, 50, 75, 100]


def test_yes_no_scores_hundred_or_zero_and_numbers_and_text_are_not_scored():
    assert scoring.answer_points(kind="yes_no", bool_value=True) == 100
    assert scoring.answer_points(kind="yes_no", bool_value=False) == 0
    assert scoring.answer_points(kind="number") is None
    assert scoring.answer_points(kind="text") is None
    assert scoring.answer_points(kind="scale", scale_value=5, not_applicable=True) is None


def test_factor_score_is_the_weighted_mean():
    score, counted = scoring.factor_score([(q(weight=3), a(scale=5)), (q(weight=1), a(scale=1)),
                                           (q(QuestionKind.YES_NO), a(yes=True)), (q(QuestionKind.NUMBER), a())])
    assert counted == 3
    assert score == Decimal("80.00")  # (3*100 + 0 + 100) / 5


def test_factor_score_is_none_when_everything_is_not_applicable_or_unanswered():
    assert scoring.factor_score([(q(), a(scale=4, na=True)), (q(), None)]) == (None, 0)


def test_round_score_counts_the_accountable_department_double():
    score, answered = scoring.round_factor_score([(1, Decimal(100)), (2, Decimal(40)), (3, None)], accountable_department_id=1)
    assert answered == 2
    assert score == Decimal("80.00")  # (2*100 + 40) / 3


def test_system_index_is_the_mean_of_available_factor_scores():
    assert scoring.system_index([Decimal(50), None, Decimal(100)]) == Decimal("75.00")
    assert scoring.system_index([None, None]) is None


answers_strategy = st.lists(
    st.tuples(
        st.sampled_from([QuestionKind.SCALE, QuestionKind.YES_NO, QuestionKind.NUMBER, QuestionKind.TEXT]),
        st.integers(min_value=1, max_value=10),  # weight
        st.integers(min_value=1, max_value=5),  # scale value
        st.booleans(),  # yes/no value
        st.booleans(),  # not applicable
    ),
    min_size=1, max_size=12,
)


def as_pairs(rows):
    return [(q(kind, weight), a(scale=scale, yes=yes, na=na)) for kind, weight, scale, yes, na in rows]


@settings(deadline=None)  # pure arithmetic; a loaded CI box must not turn slowness into a failure
@given(answers_strategy)
def test_factor_score_stays_between_0_and_100(rows):
    score, counted = scoring.factor_score(as_pairs(rows))
    assert (score is None) == (counted == 0)
    if score is not None:
        assert Decimal(0) <= score <= Decimal(100)


@settings(deadline=None)  # pure arithmetic; a loaded CI box must not turn slowness into a failure
@given(answers_strategy, st.data())
def test_raising_one_scale_answer_never_lowers_the_factor_score(rows, data):
    scale_rows = [i for i, row in enumerate(rows) if row[0] == QuestionKind.SCALE and not row[4]]
    if not scale_rows:
        return
    index = data.draw(st.sampled_from(scale_rows))
    kind, weight, scale, yes, na = rows[index]
    raised = list(rows)
    raised[index] = (kind, weight, data.draw(st.integers(min_value=scale, max_value=5)), yes, na)
    before, _ = scoring.factor_score(as_pairs(rows))
    after, _ = scoring.factor_score(as_pairs(raised))
    assert after >= before


@settings(deadline=None)  # pure arithmetic; a loaded CI box must not turn slowness into a failure
@given(answers_strategy, st.integers(min_value=0, max_value=11))
def test_marking_an_answer_not_applicable_keeps_the_score_within_bounds(rows, position):
    index = position % len(rows)
    kind, weight, scale, yes, _na = rows[index]
    changed = list(rows)
    changed[index] = (kind, weight, scale, yes, True)
    score, _ = scoring.factor_score(as_pairs(changed))
    assert score is None or Decimal(0) <= score <= Decimal(100)


@settings(deadline=None)  # pure arithmetic; a loaded CI box must not turn slowness into a failure
@given(st.lists(st.tuples(st.integers(1, 5), st.one_of(st.none(), st.decimals(0, 100, places=2))), max_size=6),
       st.integers(1, 5))
def test_round_factor_score_stays_between_0_and_100(rows, accountable):
    score, answered = scoring.round_factor_score(rows, accountable)
    assert answered == sum(1 for _, value in rows if value is not None)
    assert score is None or Decimal(0) <= score <= Decimal(100)


# ---------------------------------------------------------------- stored scores


def test_submitting_stores_factor_scores_for_every_factor_of_the_audit(alpha, sales_audit, answer_all):
    head = alpha.user("department_head")
    answer_all(sales_audit, head, scale=4, yes=False)  # scale 75 (weight 2), yes/no 0 (weight 1) → 50
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        scores = {s.factor.key: s.score for s in sales_audit.factor_scores.select_related("factor")}
    assert scores == {"product": Decimal("50.00"), "customers": Decimal("50.00"),
                      "strategy": Decimal("50.00"), "sales_tech": Decimal("50.00")}


def test_round_scores_weight_the_accountable_department_double(alpha, q4_round, answer_all):
    head = alpha.user("department_head")
    with scope(company=alpha.company):
        sales = q4_round.audits.get(department=alpha.departments["sales"])
        marketing = q4_round.audits.get(department=alpha.departments["marketing"])
    answer_all(sales, head, scale=1, yes=False)  # 0 for every factor of sales
    answer_all(marketing, head, scale=5, yes=True)  # 100 for customers and market
    with scope(company=alpha.company):
        services.audit_submit(audit=sales, by=head)
        services.audit_submit(audit=marketing, by=head)
        q4_round.refresh_from_db()
        rows = {row.factor.key: row for row in q4_round.factor_scores.select_related("factor")}
    assert rows["customers"].score == Decimal("66.67")  # marketing accountable: (2*100 + 0) / 3
    assert rows["customers"].departments_answered == 2
    assert rows["customers"].accountable_department == alpha.departments["marketing"]
    assert rows["market"].score == Decimal("100.00")
    assert rows["sales_tech"].score == Decimal("0.00")
    assert rows["automation"].score is None  # IT has not submitted
    # product 0, customers 66.67, market 100, strategy 0, sales_tech 0 → mean of five
    assert q4_round.system_index == Decimal("33.33")
    assert (q4_round.submitted_count, q4_round.expected_count) == (2, 5)


def test_reopening_removes_the_audit_from_round_scores_until_resubmitted(alpha, sales_audit, answer_all):
    head, admin = alpha.user("department_head"), alpha.user("admin")
    answer_all(sales_audit, head, scale=5)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        services.audit_reopen(audit=sales_audit, by=admin, reason="Numbers were wrong")
        round = sales_audit.round
        round.refresh_from_db()
        assert (round.submitted_count, round.system_index) == (0, None)
        question = services.audit_questions(sales_audit).filter(factor__key="sales_tech", kind="scale").get()
        services.answer_save(audit=sales_audit, question=question, by=head, scale_value=1)
        services.audit_submit(audit=sales_audit, by=head)
        round.refresh_from_db()
        sales_tech = sales_audit.factor_scores.get(factor__key="sales_tech").score
    assert sales_tech == Decimal("33.33")  # (2*0 + 100) / 3
    assert round.submitted_count == 1
    assert sales_audit.status == AuditStatus.SUBMITTED


def test_recompute_command_rebuilds_scores_of_every_round(alpha, sales_audit, answer_all, capsys):
    from django.core.management import call_command

    head = alpha.user("department_head")
    answer_all(sales_audit, head, scale=3)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        sales_audit.factor_scores.update(score=0)
        sales_audit.round.factor_scores.update(score=None)
    call_command("recompute_scores", company="alpha")
    with scope(company=alpha.company):
        assert set(sales_audit.factor_scores.values_list("score", flat=True)) == {Decimal("66.67")}
        assert sales_audit.round.factor_scores.get(factor__key="sales_tech").score == Decimal("66.67")
    assert "Recomputed 1 round(s) of alpha" in capsys.readouterr().out


def test_recompute_command_refuses_an_unknown_company(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No company"):
        call_command("recompute_scores", company="nobody")
