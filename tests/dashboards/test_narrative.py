"""Sentences for executives: plural forms and numbers in the user's language."""

from django.utils import translation

from dashboards import narrative
from dashboards.selectors import Mover, RoundRow


def test_factor_fall_reads_like_the_brief():
    move = Mover("factor", "sales_tech", "Sales technology", 55, 41, -14, "2025-Q4", "Sales", 2)
    assert narrative.factor_move_sentence(move) == "Sales technology fell 14 points to 41; accountable: Sales; 2 open actions."


def test_singular_forms():
    move = Mover("factor", "product", "Product", 59, 60, 1, "2025-Q4", None, 1)
    assert narrative.factor_move_sentence(move) == "Product rose 1 point to 60; 1 open action."


def test_completion_sentence_lists_only_what_happened():
    row = RoundRow(1, "2025-Q4", "2025-10-01", 60, 2, 5, 4, 0.8, 3, 1, 0, 1)
    assert narrative.completion_sentence(row) == "2025-Q4: 3 of 5 department audits on time, 1 late, 1 missing."


def test_numbers_are_formatted_for_the_language():
    with translation.override("ru"):
        assert narrative.number_format(1234.5, decimal_pos=1, use_l10n=True) != "1234.5"
        sentence = narrative.points_phrase(-14.4, 41)
    assert "14" in sentence and "41" in sentence
