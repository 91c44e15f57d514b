"""Saving answers: validation per kind, N/A, evidence limits, submitted audits, last write wins, revisions, bulk."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from audits import services
from audits.models import Answer, AnswerRevision
from audits.services import AuditNotEditable


def question_of(audit, factor, kind):
    return services.audit_questions(audit).get(factor__key=factor, kind=kind)


@pytest.fixture
def head(alpha):
    return alpha.user("department_head")


def test_saving_a_scale_answer_with_comment_and_link(alpha, sales_audit, head):
    with scope(company=alpha.company):
        question = question_of(sales_audit, "sales_tech", "scale")
        answer = services.answer_save(audit=sales_audit, question=question, by=head, scale_value=3,
                                      comment=" Scripts exist ", evidence_url="https://wiki.example.com/scripts")
        answer.refresh_from_db()
    assert (answer.scale_value, answer.comment, answer.updated_by) == (3, "Scripts exist", head)
    assert answer.is_answered


@pytest.mark.parametrize("kind, values, field", [
    ("scale", {"scale_value": 0}, "scale_value"),
    ("scale", {"scale_value": 6}, "scale_value"),
    ("scale", {"scale_value": "three"}, "scale_value"),
    ("scale", {"scale_value": True}, "scale_value"),
    ("scale", {"bool_value": True}, "__all__"),
    ("yes_no", {"bool_value": "maybe"}, "bool_value"),
    ("yes_no", {"scale_value": 3}, "__all__"),
    ("number", {"number_value": "lots"}, "number_value"),
    ("number", {"number_value": "1e15"}, "number_value"),
    ("number", {"number_value": "NaN"}, "number_value"),
    ("text", {"text_value": "x" * 5001}, "text_value"),
    ("text", {"text_value": "nul\x00byte"}, "text_value"),
])
def test_values_that_do_not_fit_the_question_are_refused(alpha, sales_audit, head, kind, values, field):
    with scope(company=alpha.company):
        question = question_of(sales_audit, "product", kind)
        with pytest.raises(ValidationError) as error:
            services.answer_save(audit=sales_audit, question=question, by=head, **values)
        assert not Answer.objects.filter(audit=sales_audit).exists()
    assert field in error.value.message_dict


def test_number_and_text_answers_are_stored(alpha, sales_audit, head):
    with scope(company=alpha.company):
        number = services.answer_save(audit=sales_audit, question=question_of(sales_audit, "product", "number"),
                                      by=head, number_value="12.5")
        text = services.answer_save(audit=sales_audit, question=question_of(sales_audit, "product", "text"),
                                    by=head, text_value="  Faster delivery  ")
    assert number.number_value == Decimal("12.50")
    assert text.text_value == "Faster delivery"


def test_a_question_outside_the_audit_is_refused(alpha, q4_round, sales_audit, head):
    with scope(company=alpha.company):
        it_question = question_of(q4_round.audits.get(department=alpha.departments["it"]), "automation", "scale")
        with pytest.raises(ValidationError, match="not part of this audit"):
            services.answer_save(audit=sales_audit, question=it_question, by=head, scale_value=3)
        retired = alpha.company.questionnaires.get(version=1).questions.filter(factor__key="sales_tech").first()
        with pytest.raises(ValidationError, match="not part of this audit"):
            services.answer_save(audit=sales_audit, question=retired, by=head, text_value="x")


def test_not_applicable_needs_a_comment_and_clears_the_stored_value(alpha, sales_audit, head):
    with scope(company=alpha.company):
        question = question_of(sales_audit, "customers", "scale")
        with pytest.raises(ValidationError) as error:
            services.answer_save(audit=sales_audit, question=question, by=head, not_applicable=True, comment="  ")
        assert "comment" in error.value.message_dict
        services.answer_save(audit=sales_audit, question=question, by=head, scale_value=2)
        answer = services.answer_save(audit=sales_audit, question=question, by=head, not_applicable=True,
                                      comment="We sell to one distributor")
        stored = Answer.objects.get(pk=answer.pk)
    assert (stored.not_applicable, stored.scale_value) == (True, None)
    assert stored.is_answered


@pytest.mark.parametrize(("kind", "value"), [("scale", {"scale_value": 2}), ("yes_no", {"bool_value": False}),
                                             ("number", {"number_value": "0"}), ("text", {"text_value": "x"})])
def test_a_value_with_not_applicable_is_refused_and_the_stored_answer_stays(alpha, sales_audit, head, kind, value):
    with scope(company=alpha.company):
        question = services.audit_questions(sales_audit).filter(kind=kind).first()
        services.answer_save(audit=sales_audit, question=question, by=head, not_applicable=True, comment="No line")
        with pytest.raises(ValidationError) as error:
            services.answer_save(audit=sales_audit, question=question, by=head, not_applicable=True,
                                 comment="No line", **value)
        stored = Answer.objects.get(audit=sales_audit, question=question)
    assert "not applicable" in error.value.message_dict["not_applicable"][0]
    assert stored.not_applicable and stored.comment == "No line"


def test_evidence_file_is_stored_through_the_storage_api(alpha, sales_audit, head):
    upload = SimpleUploadedFile("regulation.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    with scope(company=alpha.company):
        question = question_of(sales_audit, "sales_tech", "yes_no")
        answer = services.answer_save(audit=sales_audit, question=question, by=head, bool_value=True, evidence_file=upload)
        kept = services.answer_save(audit=sales_audit, question=question, by=head, bool_value=False)
        assert kept.evidence_file.name == answer.evidence_file.name
        assert kept.evidence_file.read() == b"%PDF-1.4 minimal"
        cleared = services.answer_save(audit=sales_audit, question=question, by=head, bool_value=False,
                                       clear_evidence_file=True)
    assert answer.evidence_file.name.startswith(f"evidence/{alpha.company.pk}/{sales_audit.pk}/regulation")
    assert not cleared.evidence_file


@pytest.mark.parametrize("name, size, message", [
    ("malware.exe", 10, "Upload a PDF"),
    ("noextension", 10, "Upload a PDF"),
    ("huge.pdf", 10 * 1024 * 1024 + 1, "larger than 10 MB"),
])
def test_disallowed_or_oversize_evidence_is_refused(alpha, sales_audit, head, name, size, message):
    upload = SimpleUploadedFile(name, b"x" * size)
    with scope(company=alpha.company):
        question = question_of(sales_audit, "sales_tech", "yes_no")
        with pytest.raises(ValidationError, match=message):
            services.answer_save(audit=sales_audit, question=question, by=head, bool_value=True, evidence_file=upload)


def test_bad_evidence_link_is_refused(alpha, sales_audit, head):
    with scope(company=alpha.company):
        question = question_of(sales_audit, "sales_tech", "yes_no")
        with pytest.raises(ValidationError) as error:
            services.answer_save(audit=sales_audit, question=question, by=head, bool_value=True,
                                 evidence_url="javascript:alert(1)")
    assert "evidence_url" in error.value.message_dict


def test_answering_a_submitted_audit_raises_audit_not_editable(alpha, sales_audit, head, answer_all):
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        question = question_of(sales_audit, "sales_tech", "scale")
        with pytest.raises(AuditNotEditable, match="submitted"):
            services.answer_save(audit=sales_audit, question=question, by=head, scale_value=1)
        assert Answer.objects.get(audit=sales_audit, question=question).scale_value == 4


def test_last_write_wins_per_answer_and_other_answers_are_untouched(alpha, sales_audit, head):
    admin_tab, head_tab = alpha.user("admin"), head
    with scope(company=alpha.company):
        first, second = question_of(sales_audit, "sales_tech", "scale"), question_of(sales_audit, "product", "scale")
        services.answer_save(audit=sales_audit, question=second, by=head, scale_value=5)
        services.answer_save(audit=sales_audit, question=first, by=head_tab, scale_value=2, comment="tab one")
        services.answer_save(audit=sales_audit, question=first, by=admin_tab, scale_value=4, comment="tab two")
        answers = {a.question_id: a for a in Answer.objects.filter(audit=sales_audit)}
    assert (answers[first.pk].scale_value, answers[first.pk].comment) == (4, "tab two")
    assert answers[second.pk].scale_value == 5
    assert len(answers) == 2


def test_changing_an_answer_of_a_once_submitted_audit_keeps_a_revision(alpha, sales_audit, head, answer_all):
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        question = question_of(sales_audit, "sales_tech", "scale")
        services.answer_save(audit=sales_audit, question=question, by=head, scale_value=5)  # draft: no revision
        assert not AnswerRevision.objects.exists()
        services.audit_submit(audit=sales_audit, by=head)
        services.audit_reopen(audit=sales_audit, by=alpha.user("admin"), reason="Check the scripts again")
        services.answer_save(audit=sales_audit, question=question, by=head, scale_value=2)
        revision = AnswerRevision.objects.get()
    assert revision.values["scale_value"] == 5
    assert revision.changed_by == head


def test_bulk_save_is_all_or_nothing_with_errors_per_question(alpha, sales_audit, head):
    with scope(company=alpha.company):
        good, bad = question_of(sales_audit, "sales_tech", "scale"), question_of(sales_audit, "product", "yes_no")
        with pytest.raises(ValidationError) as error:
            services.answers_save_bulk(audit=sales_audit, by=head, answers=[
                {"question": good.pk, "scale_value": 3},
                {"question": bad, "scale_value": 3},
                {"question": 999999, "scale_value": 3},
                {"question": "x"},
                {"scale_value": 1},
            ])
        assert not Answer.objects.filter(audit=sales_audit).exists()
        saved = services.answers_save_bulk(audit=sales_audit, by=head, answers=[
            {"question": good.pk, "scale_value": 3}, {"question": bad.pk, "bool_value": True},
        ])
    assert set(error.value.message_dict) == {str(bad.pk), "999999", "x", "item 4"}
    assert len(saved) == 2


def test_bulk_save_on_a_submitted_audit_raises_audit_not_editable(alpha, sales_audit, head, answer_all):
    answer_all(sales_audit, head)
    with scope(company=alpha.company):
        services.audit_submit(audit=sales_audit, by=head)
        with pytest.raises(AuditNotEditable):
            services.answers_save_bulk(audit=sales_audit, by=head, answers=[])
