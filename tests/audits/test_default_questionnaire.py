"""The default questionnaire's content: shape, coverage of the seven factors, both languages."""

import re
from collections import Counter

import pytest

from audits import default_questionnaire as dq
from audits.factor_catalogue import FACTORS

FACTOR_KEYS = [factor["key"] for factor in FACTORS]
KINDS = {dq.SCALE, dq.YES_NO, dq.NUMBER, dq.TEXT}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
SLUG = re.compile(r"^[a-z0-9_]+$")
TEXT_FIELDS = ("text_en", "text_ru", "help_en", "help_ru")
QUESTION_IDS = [question["key"] for question in dq.QUESTIONS]


def test_every_factor_has_four_to_six_questions():
    counts = Counter(question["factor"] for question in dq.QUESTIONS)
    assert set(counts) == set(FACTOR_KEYS)
    assert all(4 <= count <= 6 for count in counts.values()), counts


def test_questions_are_ordered_by_factor_catalogue():
    positions = [FACTOR_KEYS.index(question["factor"]) for question in dq.QUESTIONS]
    assert positions == sorted(positions)


def test_keys_are_unique_slugs_that_fit_the_model():
    assert len(QUESTION_IDS) == len(set(QUESTION_IDS))
    assert all(SLUG.match(key) and len(key) <= 60 for key in QUESTION_IDS)


def test_keys_start_with_their_factor():
    assert all(question["key"].startswith(question["factor"] + "_") for question in dq.QUESTIONS)


def test_there_is_at_least_one_question_of_each_kind():
    assert {question["kind"] for question in dq.QUESTIONS} == KINDS


@pytest.mark.parametrize("question", dq.QUESTIONS, ids=QUESTION_IDS)
def test_kind_weight_and_required_are_valid(question):
    assert question["kind"] in KINDS
    assert isinstance(question["weight"], int) and 1 <= question["weight"] <= 10
    assert isinstance(question["required"], bool)


@pytest.mark.parametrize("question", dq.QUESTIONS, ids=QUESTION_IDS)
def test_texts_and_help_are_filled_in_both_languages(question):
    for field in TEXT_FIELDS:
        assert question[field].strip(), field
    assert len(question["text_en"]) <= 500 and len(question["text_ru"]) <= 500
    assert CYRILLIC.search(question["text_ru"]) and CYRILLIC.search(question["help_ru"])
    assert not CYRILLIC.search(question["text_en"]) and not CYRILLIC.search(question["help_en"])


@pytest.mark.parametrize("question", [q for q in dq.QUESTIONS if q["kind"] == dq.SCALE],
                         ids=[q["key"] for q in dq.QUESTIONS if q["kind"] == dq.SCALE])
def test_scale_question_has_five_labels_in_both_languages(question):
    labels = question["scale_labels"]
    assert set(labels) == {"en", "ru"}
    for language in ("en", "ru"):
        assert len(labels[language]) == 5
        assert all(label.strip() for label in labels[language])
        assert len(set(labels[language])) == 5
    assert all(CYRILLIC.search(label) for label in labels["ru"])


def test_only_scale_questions_carry_labels():
    assert all(q["scale_labels"] == {} for q in dq.QUESTIONS if q["kind"] != dq.SCALE)


def test_free_text_questions_are_optional():
    assert all(not q["required"] for q in dq.QUESTIONS if q["kind"] == dq.TEXT)


def test_title_is_given_in_both_languages():
    assert dq.QUESTIONNAIRE_TITLE["en"].strip()
    assert CYRILLIC.search(dq.QUESTIONNAIRE_TITLE["ru"])
