"""Configuration pages: questionnaire versions and their questions, the responsibility matrix, the schedule."""

import html

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits.models import FactorResponsibility, Questionnaire, QuestionnaireStatus, Responsibility, Schedule
from tests.audits.conftest import LABELS
from tests.audits.page_helpers import url
from tests.factories import QuestionnaireFactory

pytestmark = pytest.mark.django_db


def published_of(tenant):
    with scopes_disabled():  # the default questionnaire every new company gets
        return Questionnaire.objects.get(company=tenant.company, status=QuestionnaireStatus.PUBLISHED)


def q_url(name, questionnaire, **kwargs):
    return url(name, questionnaire.company, questionnaire_pk=questionnaire.pk, **kwargs)


def body(response):
    return html.unescape(response.content.decode())


def question_data(**fields):
    data = {
        "factor": "sales_tech", "kind": "scale", "text_en": "Are sales scripts written down?",
        "text_ru": "Записаны ли скрипты продаж?", "help_en": "Scripts a new seller can follow.",
        "help_ru": "Скрипты, по которым новичок может работать.", "weight": "3", "required": "on", "key": "scripts",
    }
    for language in ("en", "ru"):
        for step, label in enumerate(LABELS[language], start=1):
            data[f"scale_{language}_{step}"] = label
    return data | fields


@pytest.fixture
def admin(alpha, client_for):
    return client_for(alpha.member(Role.ADMIN))


@pytest.fixture
def draft(alpha, admin):
    """A draft copied from the default questionnaire through the page."""
    response = admin.post(q_url("questionnaire_copy", published_of(alpha)))
    assert response.status_code == 302
    with scopes_disabled():
        return Questionnaire.objects.get(company=alpha.company, status=QuestionnaireStatus.DRAFT)


# ---------------------------------------------------------------- questionnaire versions

def test_version_list_and_detail_show_questions_in_both_languages_with_labels_weight_and_help(alpha, client_for):
    published = published_of(alpha)
    client = client_for(alpha.member(Role.EXECUTIVE))
    listing = body(client.get(url("questionnaire_list", alpha.company)))
    assert f"v{published.version}" in listing or str(published.version) in listing
    page = body(client.get(q_url("questionnaire_detail", published)))
    with scope(company=alpha.company):
        question = published.questions.filter(kind="scale").exclude(help_en="").first()
    assert question.text_en in page and question.text_ru in page
    assert question.help_en in page and question.help_ru in page
    assert question.scale_labels["en"][4] in page and question.scale_labels["ru"][0] in page
    assert "Copy to a new draft" not in page  # executives read, admins change


def test_sales_manager_gets_403_and_outsider_404_on_questionnaires(alpha, beta, client_for):
    published = published_of(alpha)
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("questionnaire_list", alpha.company)).status_code == 403
    outsider = client_for(beta.member(Role.ADMIN))
    assert outsider.get(q_url("questionnaire_detail", published)).status_code == 404


def test_questionnaire_of_another_company_is_404(alpha, beta, admin):
    foreign = published_of(beta)
    response = admin.get(url("questionnaire_detail", alpha.company, questionnaire_pk=foreign.pk))
    assert response.status_code == 404


def test_copy_makes_a_draft_with_every_question_and_the_next_version(alpha, draft):
    published = published_of(alpha)
    with scope(company=alpha.company):
        assert draft.version == published.version + 1
        assert draft.questions.count() == published.questions.count()


def test_executive_cannot_copy_or_edit(alpha, client_for, draft):
    executive = client_for(alpha.member(Role.EXECUTIVE))
    assert executive.post(q_url("questionnaire_copy", published_of(alpha))).status_code == 403
    assert executive.post(q_url("question_add", draft), question_data()).status_code == 403
    assert executive.post(q_url("questionnaire_publish", draft)).status_code == 403


def test_admin_adds_a_scale_question_with_labels_weight_and_help_to_a_draft(alpha, admin, draft):
    response = admin.post(q_url("question_add", draft), question_data())
    assert response.status_code == 302
    with scope(company=alpha.company):
        question = draft.questions.get(key="scripts")
    assert (question.kind, question.weight, question.factor.key) == ("scale", 3, "sales_tech")
    assert question.scale_labels == LABELS
    assert question.help_ru == "Скрипты, по которым новичок может работать."
    assert "Are sales scripts written down?" in body(admin.get(q_url("questionnaire_detail", draft)))


@pytest.mark.parametrize("kind", ["yes_no", "number", "text"])
def test_other_question_types_are_added_without_scale_labels(alpha, admin, draft, kind):
    response = admin.post(q_url("question_add", draft), question_data(kind=kind, key=f"k-{kind}"))
    assert response.status_code == 302
    with scope(company=alpha.company):
        question = draft.questions.get(key=f"k-{kind}")
    assert question.kind == kind and question.scale_labels == {}


@pytest.mark.parametrize("fields, field", [
    ({"scale_en_3": ""}, "scale_en_1"),
    ({"weight": "0"}, "weight"),
    ({"weight": "eleven"}, "weight"),
    ({"text_ru": ""}, "text_ru"),
    ({"factor": "nonsense"}, "factor"),
    ({"kind": "essay"}, "kind"),
    ({"text_en": "nul\x00byte"}, "text_en"),
])
def test_bad_question_input_is_a_form_error_and_adds_nothing(alpha, admin, draft, fields, field):
    with scope(company=alpha.company):
        before = draft.questions.count()
    response = admin.post(q_url("question_add", draft), question_data(**fields))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    with scope(company=alpha.company):
        assert draft.questions.count() == before


def test_admin_edits_and_deletes_a_question_of_a_draft(alpha, admin, draft):
    with scope(company=alpha.company):
        question = draft.questions.filter(kind="scale").first()
    edit_url = q_url("question_edit", draft, question_pk=question.pk)
    assert admin.get(edit_url).status_code == 200
    response = admin.post(edit_url, question_data(text_en="Reworded?", key=question.key or "reworded"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_en == "Reworded?" and question.weight == 3
    delete_url = q_url("question_delete", draft, question_pk=question.pk)
    assert "Reworded?" in body(admin.get(delete_url))
    assert admin.post(delete_url).status_code == 302
    with scope(company=alpha.company):
        assert not draft.questions.filter(pk=question.pk).exists()


def test_admin_renames_a_draft(alpha, admin, draft):
    assert admin.post(q_url("questionnaire_rename", draft), {"title": "Autumn edition"}).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Autumn edition"


def test_editing_a_published_version_is_impossible_with_a_clear_message(alpha, admin):
    published = published_of(alpha)
    with scope(company=alpha.company):
        question = published.questions.first()
        count = published.questions.count()
    attempts = [
        admin.post(q_url("question_add", published), question_data(), follow=True),
        admin.post(q_url("question_edit", published, question_pk=question.pk), question_data(), follow=True),
        admin.post(q_url("question_delete", published, question_pk=question.pk), follow=True),
        admin.post(q_url("questionnaire_rename", published), {"title": "Changed"}, follow=True),
        admin.get(q_url("question_edit", published, question_pk=question.pk), follow=True),
    ]
    for response in attempts:
        assert response.status_code == 200
        assert "Published questionnaires cannot be edited; make a copy." in body(response)
    published.refresh_from_db()
    question.refresh_from_db()
    with scope(company=alpha.company):
        assert published.questions.count() == count
    assert published.title != "Changed" and question.text_en != "Are sales scripts written down?"


def test_question_of_another_version_is_404(alpha, admin, draft):
    with scope(company=alpha.company):
        other = published_of(alpha).questions.first()
    assert admin.get(q_url("question_edit", draft, question_pk=other.pk)).status_code == 404


def test_publishing_freezes_the_draft_and_retires_the_current_version(alpha, admin, draft):
    confirmation = body(admin.get(q_url("questionnaire_publish", draft)))
    assert "will be retired" in confirmation
    response = admin.post(q_url("questionnaire_publish", draft), follow=True)
    assert response.status_code == 200 and "is published" in body(response)
    draft.refresh_from_db()
    assert draft.status == QuestionnaireStatus.PUBLISHED and draft.published_at is not None
    with scopes_disabled():
        statuses = set(Questionnaire.objects.filter(company=alpha.company).values_list("status", flat=True))
    assert statuses == {QuestionnaireStatus.PUBLISHED, QuestionnaireStatus.RETIRED}
    # now frozen: the page says so instead of offering edits
    assert "This version is frozen" in body(admin.get(q_url("questionnaire_detail", draft)))


def test_a_questionnaire_with_no_questions_cannot_be_published(alpha, admin):
    empty = QuestionnaireFactory(company=alpha.company, status=QuestionnaireStatus.DRAFT, title="Empty", version=99)
    response = admin.post(q_url("questionnaire_publish", empty))
    assert response.status_code == 400
    assert "A questionnaire with no questions cannot be published." in body(response)
    empty.refresh_from_db()
    assert empty.status == QuestionnaireStatus.DRAFT
    assert published_of(alpha).status == QuestionnaireStatus.PUBLISHED


def test_publishing_a_published_version_again_says_it_is_frozen(alpha, admin):
    response = admin.post(q_url("questionnaire_publish", published_of(alpha)), follow=True)
    assert "Published questionnaires cannot be edited; make a copy." in body(response)


# ---------------------------------------------------------------- responsibility matrix

def matrix_rows(tenant):
    with scopes_disabled():
        cells = FactorResponsibility.objects.filter(company=tenant.company).select_related("factor", "department")
        return {(cell.factor.key, cell.department.name, cell.responsibility) for cell in cells}


def matrix_post(tenant, accountable, contributing=None):
    """POST data for the grid: factor key → department key (accountable), factor key → [department keys]."""
    data = {}
    for key, department in accountable.items():
        data[f"accountable_{key}"] = str(tenant.departments[department].pk)
    for key, departments in (contributing or {}).items():
        data[f"contributing_{key}"] = [str(tenant.departments[d].pk) for d in departments]
    return data


FULL = {"product": "product", "customers": "marketing", "market": "marketing", "advantage": "management",
        "strategy": "management", "sales_tech": "sales", "automation": "it"}


def test_a_new_company_has_the_proposed_matrix_on_the_grid(alpha, admin):
    page = admin.get(url("matrix", alpha.company))
    assert page.status_code == 200
    text = body(page)
    for department in ("Management", "Sales", "Marketing", "Product", "IT"):
        assert f'scope="col">{department}</th>' in text
    assert text.count('type="radio"') == 7 * 5 and text.count('type="checkbox"') == 7 * 5
    assert ("sales_tech", "Sales", Responsibility.ACCOUNTABLE) in matrix_rows(alpha)
    assert ("automation", "IT", Responsibility.ACCOUNTABLE) in matrix_rows(alpha)


def test_admin_saves_the_grid(alpha, admin):
    accountable = FULL | {"automation": "sales"}
    response = admin.post(url("matrix", alpha.company),
                          matrix_post(alpha, accountable, {"automation": ["it"], "product": ["sales", "marketing"]}))
    assert response.status_code == 302
    rows = matrix_rows(alpha)
    assert ("automation", "Sales", Responsibility.ACCOUNTABLE) in rows
    assert ("automation", "IT", Responsibility.CONTRIBUTING) in rows
    assert ("product", "Marketing", Responsibility.CONTRIBUTING) in rows
    assert sum(1 for row in rows if row[2] == Responsibility.ACCOUNTABLE) == 7


def test_a_factor_without_an_accountable_department_is_an_error_pointing_at_it(alpha, admin):
    before = matrix_rows(alpha)
    accountable = {key: value for key, value in FULL.items() if key != "market"}
    response = admin.post(url("matrix", alpha.company), matrix_post(alpha, accountable))
    assert response.status_code == 400
    assert 'href="#factor-market"' in body(response)
    assert matrix_rows(alpha) == before


def test_a_department_of_another_company_is_refused_on_the_grid(alpha, beta, admin):
    before = matrix_rows(alpha)
    data = matrix_post(alpha, FULL)
    data["accountable_market"] = str(beta.departments["marketing"].pk)
    assert admin.post(url("matrix", alpha.company), data).status_code == 400
    assert matrix_rows(alpha) == before


def test_propose_fills_factors_from_department_names(alpha, admin):
    with scopes_disabled():
        FactorResponsibility.objects.filter(company=alpha.company).delete()
    response = admin.post(url("matrix", alpha.company), {"action": "propose"}, follow=True)
    assert "Proposal applied" in body(response)
    rows = matrix_rows(alpha)
    assert ("customers", "Marketing", Responsibility.ACCOUNTABLE) in rows
    assert ("strategy", "Management", Responsibility.ACCOUNTABLE) in rows


def test_executive_reads_the_matrix_but_cannot_change_it(alpha, client_for):
    executive = client_for(alpha.member(Role.EXECUTIVE))
    page = body(executive.get(url("matrix", alpha.company)))
    assert 'type="radio"' not in page and "Sales" in page
    assert executive.post(url("matrix", alpha.company), matrix_post(alpha, FULL)).status_code == 403
    assert executive.post(url("matrix", alpha.company), {"action": "propose"}).status_code == 403


def test_sales_manager_gets_403_and_outsider_404_on_the_matrix(alpha, beta, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("matrix", alpha.company)).status_code == 403
    assert client_for(beta.member(Role.ADMIN)).get(url("matrix", alpha.company)).status_code == 404


# ---------------------------------------------------------------- schedule

def test_schedule_page_shows_the_next_round_and_saves_changes(alpha, admin, at_oct_2):
    page = body(admin.get(url("schedule", alpha.company)))
    assert "The 2027-Q1 round opens on" in page and "Current period: 2026-Q4." in page
    response = admin.post(url("schedule", alpha.company),
                          {"cadence": "monthly", "opening_day": "5", "answer_window_days": "10", "is_active": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        schedule = Schedule.objects.get(company=alpha.company)
    assert (schedule.cadence, schedule.opening_day, schedule.answer_window_days) == ("monthly", 5, 10)
    # monthly from the 5th: October's round has not opened yet; it opens at midnight company time (Moscow)
    assert "The 2026-10 round opens on Oct. 5, 2026, midnight (Europe/Moscow)" in body(admin.get(url("schedule", alpha.company)))


@pytest.mark.parametrize("fields, field", [
    ({"opening_day": "29"}, "opening_day"),
    ({"opening_day": "x"}, "opening_day"),
    ({"answer_window_days": "0"}, "answer_window_days"),
    ({"cadence": "weekly"}, "cadence"),
])
def test_bad_schedule_input_is_a_form_error(alpha, admin, fields, field):
    data = {"cadence": "quarterly", "opening_day": "1", "answer_window_days": "14", "is_active": "on"} | fields
    response = admin.post(url("schedule", alpha.company), data)
    assert response.status_code == 400 and response.context["form"].errors[field]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_see_the_schedule(alpha, client_for, role):
    assert client_for(alpha.member(role)).get(url("schedule", alpha.company)).status_code == 403
