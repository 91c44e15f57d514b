"""Sentences for executives: told from the story, plural forms and numbers in the user's language."""

from django.utils import translation

from dashboards import narrative, story
from dashboards.selectors import FactorPoint, RoundRow


def rows(*indexes, open_last=False, submitted=None):
    result = []
    for n, index in enumerate(indexes):
        last = n == len(indexes) - 1
        answered = submitted if (last and submitted is not None) else 5
        result.append(RoundRow(round_id=n + 1, period=f"2025-Q{n + 1}", period_start=f"2025-0{3 * n + 1}-01",
                               system_index=index, index_change=None, expected=5, submitted=answered,
                               completion=answered / 5, on_time=answered, late=0, pending=5 - answered if last and
                               open_last else 0, missing=0, in_progress=open_last and last))
    return result


def points(series, factor="product", name="Product", accountable="Sales"):
    return [FactorPoint(period=f"2025-Q{n + 1}", factor=factor, factor_name=name, score=value,
                        departments_answered=5, completion=1.0, accountable_department=accountable)
            for n, value in enumerate(series)]


def told(indexes, series, **kwargs):
    return story.build(rounds=rows(*indexes, **kwargs), points=points(series), actions=[], rules=story.Rules())


def test_a_slide_is_told_whole():
    sentence = narrative.factor_change_sentence(told([60, 55, 50, 45], [70, 58, 47, 35]).factor_changes[0])
    assert sentence.text == ("Product fell 35 points over 3 rounds, from 70 in 2025-Q1 to 35; accountable: Sales; "
                             "0 open actions.")
    assert sentence.values["delta"] == -35 and sentence.values["steps"] == 3


def test_singular_forms():
    change = told([60, 61], [59, 60]).factor_changes[0]
    change.direction, change.open_actions = "rose", 1  # forced: a 1-point move is never news by itself
    assert narrative.factor_change_sentence(change).text == (
        "Product rose 1 point since 2025-Q1, from 59 to 60; accountable: Sales; 1 open action.")


def test_completion_sentence_counts_each_state_exactly():
    row = RoundRow(1, "2025-Q4", "2025-10-01", 60, 2, 5, 4, 0.8, 2, 1, 1, 1)
    assert narrative.completion_sentence(row).text == (
        "2025-Q4: 2 of 5 department audits on time, 1 late, 1 not yet due, 1 missing.")


def test_index_sentence_says_final_and_coverage():
    sentence = narrative.index_sentence(told([60, 70], [60, 70]))
    assert sentence.text.startswith("System index 2025-Q2: 70 (final, 5 of 5 departments); rose 10 points")
    assert sentence.coverage["departments_answered"] == 5


def test_open_round_is_provisional_and_not_compared():
    result = told([60, 70, 20], [60, 70, 20], open_last=True, submitted=2)
    sentence = narrative.provisional_sentence(result)
    assert sentence.provisional and "provisional — 2 of 5 departments so far" in sentence.text
    assert narrative.index_sentence(result).period == "2025-Q2"  # the latest final round, not the open one


def test_numbers_are_formatted_for_the_language():
    with translation.override("ru"):
        sentence = narrative.factor_change_sentence(told([60, 55, 50, 45], [70, 58, 47, 35]).factor_changes[0])
    assert "35" in sentence.text and "70" in sentence.text and "Product" in sentence.text
    assert "fell" not in sentence.text
