"""Versioned questionnaires: copy, edit drafts only, publish (never empty), retire the previous version."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from audits import selectors, services
from audits.models import QuestionKind, QuestionnaireStatus

from .conftest import LABELS


def test_a_new_company_gets_the_default_questionnaire_published_and_a_quarterly_schedule(alpha):
    with scope(company=alpha.company):
        questionnaire = selectors.current_questionnaire(company=alpha.company)
        schedule = alpha.company.audit_schedule
        keys = set(questionnaire.questions.values_list("factor__key", flat=True))
    assert questionnaire.version == 1
    assert questionnaire.status == QuestionnaireStatus.PUBLISHED
    assert keys == {"product", "customers", "market", "advantage", "strategy", "sales_tech", "automation"}
    assert (schedule.cadence, schedule.opening_day, schedule.answer_window_days) == ("quarterly", 1, 14)


def test_company_setup_is_idempotent(alpha):
    services.company_audit_setup(company=alpha.company)
    with scope(company=alpha.company):
        assert alpha.company.questionnaires.count() == 1


def test_copy_makes_a_draft_with_the_next_version_and_the_same_keyed_questions(alpha):
    with scope(company=alpha.company):
        original = selectors.current_questionnaire(company=alpha.company)
        copy = services.questionnaire_copy(questionnaire=original, by=alpha.user("admin"))
        assert (copy.version, copy.status, copy.based_on) == (2, QuestionnaireStatus.DRAFT, original)
        assert list(copy.questions.values_list("key", flat=True)) == list(original.questions.values_list("key", flat=True))
        assert original.questions.count() > 0


def test_published_questionnaire_cannot_be_edited(alpha, factors):
    with scope(company=alpha.company):
        published = selectors.current_questionnaire(company=alpha.company)
        question = published.questions.first()
        with pytest.raises(ValidationError, match="Published questionnaires cannot be edited; make a copy."):
            services.question_update(question=question, text_en="Changed?")
        with pytest.raises(ValidationError, match="make a copy"):
            services.question_add(questionnaire=published, factor=factors["market"], kind=QuestionKind.TEXT,
                                  text_en="New?", text_ru="Новый?")
        with pytest.raises(ValidationError, match="make a copy"):
            services.question_delete(question=question)
        question.refresh_from_db()
        assert question.text_en != "Changed?"


def test_draft_questions_can_be_added_changed_and_deleted(alpha, factors):
    with scope(company=alpha.company):
        draft = services.questionnaire_create(company=alpha.company, title="Short version")
        question = services.question_add(questionnaire=draft, factor=factors["market"], kind=QuestionKind.SCALE,
                                         text_en="Is the market growing?", text_ru="Рынок растёт?", scale_labels=LABELS)
        services.question_update(question=question, weight=3, text_en="Does the market grow?")
        question.refresh_from_db()
        assert (question.weight, question.text_en, question.position) == (3, "Does the market grow?", 1)
        services.question_delete(question=question)
        assert not draft.questions.exists()


@pytest.mark.parametrize("fields, field", [
    ({"weight": 0}, "weight"),
    ({"weight": 11}, "weight"),
    ({"kind": "essay"}, "kind"),
    ({"text_en": ""}, "text_en"),
    ({"scale_labels": {"en": ["only", "three", "labels"]}}, "scale_labels"),
])
def test_bad_question_fields_are_refused_with_field_errors(alpha, factors, fields, field):
    with scope(company=alpha.company):
        draft = services.questionnaire_create(company=alpha.company, title="Draft")
        values = {"factor": factors["market"], "kind": QuestionKind.SCALE, "text_en": "Q?", "text_ru": "В?"} | fields
        with pytest.raises(ValidationError) as error:
            services.question_add(questionnaire=draft, **values)
    assert field in error.value.message_dict


def test_question_keys_are_unique_within_a_questionnaire(alpha, factors):
    with scope(company=alpha.company):
        draft = services.questionnaire_create(company=alpha.company, title="Draft")
        services.question_add(questionnaire=draft, factor=factors["market"], kind="text", text_en="A", text_ru="А", key="same")
        with pytest.raises(ValidationError) as error:
            services.question_add(questionnaire=draft, factor=factors["market"], kind="text", text_en="B", text_ru="Б", key="same")
    assert "key" in error.value.message_dict


def test_an_empty_questionnaire_cannot_be_published(alpha):
    with scope(company=alpha.company):
        draft = services.questionnaire_create(company=alpha.company, title="Empty")
        with pytest.raises(ValidationError, match="no questions"):
            services.questionnaire_publish(questionnaire=draft)
        draft.refresh_from_db()
        assert draft.status == QuestionnaireStatus.DRAFT


def test_publishing_retires_the_previous_version(alpha):
    with scope(company=alpha.company):
        first = selectors.current_questionnaire(company=alpha.company)
        second = services.questionnaire_copy(questionnaire=first)
        services.questionnaire_publish(questionnaire=second)
        first.refresh_from_db()
        assert first.status == QuestionnaireStatus.RETIRED
        assert selectors.current_questionnaire(company=alpha.company) == second
        with pytest.raises(ValidationError, match="Only a draft"):
            services.questionnaire_publish(questionnaire=second)


def test_an_open_round_keeps_the_version_it_opened_with(alpha, q4_round):
    with scope(company=alpha.company):
        newer = services.questionnaire_copy(questionnaire=q4_round.questionnaire)
        services.questionnaire_publish(questionnaire=newer)
        q4_round.refresh_from_db()
        assert q4_round.questionnaire.version == newer.version - 1
        assert q4_round.questionnaire.status == QuestionnaireStatus.RETIRED


def test_only_drafts_can_be_deleted_or_renamed(alpha):
    with scope(company=alpha.company):
        published = selectors.current_questionnaire(company=alpha.company)
        with pytest.raises(ValidationError, match="make a copy"):
            services.questionnaire_update(questionnaire=published, title="Renamed")
        with pytest.raises(ValidationError, match="make a copy"):
            services.questionnaire_delete(questionnaire=published)
        draft = services.questionnaire_copy(questionnaire=published)
        services.questionnaire_update(questionnaire=draft, title="Renamed")
        services.questionnaire_delete(questionnaire=draft)
        assert alpha.company.questionnaires.count() == 1
