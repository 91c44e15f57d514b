"""Action item pages: the filtered list, raising one from an answer or a round, editing, the owner's status change."""

import datetime

import pytest
from django_scopes import scope

from accounts.models import Role
from audits import services
from audits.models import ActionItem, ActionStatus
from tests.audits.page_helpers import first_question, head_of, url
from tests.factories import ActionItemFactory, factor

pytestmark = pytest.mark.django_db


def item_for(tenant, **fields):
    return ActionItemFactory(company=tenant.company, **fields)


def listing(client, company, **params):
    return client.get(url("action_list", company), params).content.decode()


# ---------------------------------------------------------------- list

def test_executive_sees_every_action_item(alpha, client_for):
    item_for(alpha, title="Write the scripts", owner=alpha.member(Role.DEPARTMENT_HEAD))
    item_for(alpha, title="Refresh the comparison", owner=alpha.member(Role.ADMIN))
    body = listing(client_for(alpha.member(Role.EXECUTIVE)), alpha.company)
    assert "Write the scripts" in body and "Refresh the comparison" in body


def test_department_head_sees_theirs_and_their_departments(alpha, client_for):
    item_for(alpha, title="Mine", owner=alpha.member(Role.DEPARTMENT_HEAD))
    item_for(alpha, title="My seller's", owner=alpha.member(Role.SALES_MANAGER))
    item_for(alpha, title="Someone else's", owner=alpha.member(Role.ADMIN))
    body = listing(client_for(alpha.member(Role.DEPARTMENT_HEAD)), alpha.company)
    assert "Mine" in body and "My seller&#x27;s" in body and "Someone else" not in body


def test_filters_by_status_factor_owner_and_overdue(alpha, client_for):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    item_for(alpha, title="Late one", due_date=yesterday, factor=factor("sales_tech"), owner=alpha.member(Role.ADMIN))
    item_for(alpha, title="Done one", status=ActionStatus.DONE, factor=factor("product"))
    client = client_for(alpha.member(Role.ADMIN))
    assert "Done one" not in listing(client, alpha.company, status="active")
    assert "Late one" not in listing(client, alpha.company, status="done")
    assert "Done one" not in listing(client, alpha.company, factor="sales_tech")
    assert "Done one" not in listing(client, alpha.company, owner=alpha.member(Role.ADMIN).pk)
    overdue = listing(client, alpha.company, overdue="yes")
    assert "Late one" in overdue and "Done one" not in overdue


@pytest.mark.parametrize("params", [{"status": "nonsense"}, {"factor": "x\x00"}, {"owner": "abc"}, {"page": "999"}])
def test_bad_filters_never_fail(alpha, client_for, params):
    item_for(alpha, title="Still listed")
    response = client_for(alpha.member(Role.ADMIN)).get(url("action_list", alpha.company), params)
    assert response.status_code == 200


def test_the_list_paginates(alpha, client_for):
    for number in range(30):
        item_for(alpha, title=f"Item {number}")
    body = listing(client_for(alpha.member(Role.ADMIN)), alpha.company, page=2)
    assert "Page 2 of 2" in body


def test_sales_manager_cannot_list_action_items(alpha, client_for):
    assert client_for(alpha.member(Role.SALES_MANAGER)).get(url("action_list", alpha.company)).status_code == 403


def test_outsider_gets_404_on_the_list(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).get(url("action_list", alpha.company)).status_code == 404


# ---------------------------------------------------------------- create

def test_raising_an_item_from_an_answer_prefills_and_links_it(alpha, sales_audit, client_for):
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        answer = services.answer_save(audit=sales_audit, question=question, by=None, scale_value=1)
    client = client_for(alpha.member(Role.EXECUTIVE))
    target = url("action_create", alpha.company) + f"?answer={answer.pk}"
    form = client.get(target).content.decode()
    assert "Improve: " in form and "Raised from the answer" in form
    response = client.post(target, {"title": "Write it down", "factor": question.factor.pk,
                                     "owner": alpha.member(Role.DEPARTMENT_HEAD).pk, "due_date": "2026-12-01"})
    assert response.status_code == 302
    with scope(company=alpha.company):
        item = ActionItem.objects.get(title="Write it down")
    assert (item.answer_id, item.audit_id, item.round_id) == (answer.pk, sales_audit.pk, sales_audit.round_id)


def test_raising_an_item_from_a_round_and_a_factor(alpha, q4_round, client_for):
    target = url("action_create", alpha.company) + f"?round={q4_round.pk}&factor=strategy"
    client = client_for(alpha.member(Role.ADMIN))
    assert "Raised from the 2026-Q4 round." in client.get(target).content.decode()
    response = client.post(target, {"title": "Formalise the strategy", "factor": factor("strategy").pk})
    assert response.status_code == 302
    with scope(company=alpha.company):
        assert ActionItem.objects.get(title="Formalise the strategy").round_id == q4_round.pk


def test_bad_input_on_create_is_a_form_error(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(
        url("action_create", alpha.company), {"title": "", "due_date": "not a date", "description": "a\x00b"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_owner_from_another_company_is_refused(alpha, beta, client_for):
    response = client_for(alpha.member(Role.ADMIN)).post(
        url("action_create", alpha.company), {"title": "Leak", "owner": beta.member(Role.ADMIN).pk})
    assert response.status_code == 400
    with scope(company=alpha.company):
        assert not ActionItem.objects.filter(title="Leak").exists()


@pytest.mark.parametrize("query", ["?answer=999999", "?round=abc", "?factor=unknown"])
def test_unknown_links_are_404(alpha, client_for, query):
    assert client_for(alpha.member(Role.ADMIN)).get(url("action_create", alpha.company) + query).status_code == 404


def test_an_answer_of_another_company_is_404(alpha, beta, client_for):
    from tests.test_cross_tenant import beta_answer

    answer = beta_answer(beta)
    target = url("action_create", alpha.company) + f"?answer={answer.pk}"
    assert client_for(alpha.member(Role.ADMIN)).get(target).status_code == 404


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_heads_and_sellers_cannot_create(alpha, client_for, role):
    assert client_for(alpha.member(role)).get(url("action_create", alpha.company)).status_code == 403


# ---------------------------------------------------------------- edit and status

def test_executive_edits_every_field(alpha, client_for):
    item = item_for(alpha, title="Old title")
    response = client_for(alpha.member(Role.EXECUTIVE)).post(
        url("action_edit", alpha.company, action_item_pk=item.pk),
        {"title": "New title", "status": "done", "owner": alpha.member(Role.ADMIN).pk, "factor": factor("market").pk})
    assert response.status_code == 302
    with scope(company=alpha.company):
        item.refresh_from_db()
    assert (item.title, item.status, item.owner_id) == ("New title", "done", alpha.member(Role.ADMIN).pk)
    assert item.closed_at is not None


def test_owner_changes_the_status_only(alpha, client_for):
    item = item_for(alpha, title="Scripts", owner=alpha.member(Role.SALES_MANAGER))
    client = client_for(alpha.member(Role.SALES_MANAGER))
    target = url("action_edit", alpha.company, action_item_pk=item.pk)
    assert 'name="title"' not in client.get(target).content.decode()
    response = client.post(target, {"status": "in_progress", "title": "Hijacked"})
    assert response.status_code == 302
    with scope(company=alpha.company):
        item.refresh_from_db()
    assert (item.status, item.title) == ("in_progress", "Scripts")


def test_invalid_status_is_a_form_error(alpha, client_for):
    item = item_for(alpha, owner=alpha.member(Role.DEPARTMENT_HEAD))
    response = client_for(alpha.member(Role.DEPARTMENT_HEAD)).post(
        url("action_edit", alpha.company, action_item_pk=item.pk), {"status": "finished"})
    assert response.status_code == 400


def test_head_sees_a_department_item_but_cannot_change_it(alpha, client_for):
    item = item_for(alpha, title="Seller's item", owner=alpha.member(Role.SALES_MANAGER))
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    target = url("action_edit", alpha.company, action_item_pk=item.pk)
    assert client.get(target).status_code == 200
    assert client.post(target, {"status": "done"}).status_code == 403


def test_head_cannot_see_another_departments_item(alpha, client_for):
    item = item_for(alpha, owner=alpha.member(Role.ADMIN))
    other_head = head_of(alpha, "marketing")
    assert client_for(other_head).get(url("action_edit", alpha.company, action_item_pk=item.pk)).status_code == 403


def test_outsider_gets_404_on_an_item(alpha, beta, client_for):
    item = item_for(alpha)
    assert client_for(beta.member(Role.ADMIN)).get(url("action_edit", alpha.company, action_item_pk=item.pk)).status_code == 404
