"""Action items API: create (from an answer, a factor or a round), list with filters, read, update, drop."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audits.models import ActionItem, ActionStatus
from tests.accounts.api_helpers import company_url
from tests.audits.page_helpers import first_question, head_of
from tests.factories import ActionItemFactory, factor


@pytest.fixture
def exec_api(alpha, api_client_for):
    return api_client_for(alpha.member(Role.EXECUTIVE))


def items_url(tenant, tail=""):
    return company_url(tenant, f"action-items/{tail}")


def item_for(tenant, **fields):
    return ActionItemFactory(company=tenant.company, **fields)


def titles(response):
    assert response.status_code == 200, response.json()
    return {row["title"] for row in response.json()["results"]}


def test_executive_raises_an_item_from_an_answer_and_it_takes_the_audit_round_and_factor(
        alpha, sales_audit, answer_all, exec_api):
    answer_all(sales_audit, alpha.user(Role.DEPARTMENT_HEAD))
    question = first_question(sales_audit)
    with scope(company=alpha.company):
        answer = sales_audit.answers.get(question=question)
    head = alpha.member(Role.DEPARTMENT_HEAD)
    response = exec_api.post(items_url(alpha), {
        "title": "Write the scripts", "answer": answer.pk, "owner": head.pk, "due_date": "2026-12-01",
    }, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["audit"], row["round"], row["factor"]) == (sales_audit.pk, sales_audit.round_id, question.factor.key)
    assert row["owner"] == head.pk and row["status"] == ActionStatus.OPEN


def test_items_are_raised_from_a_factor_or_a_round(alpha, q4_round, exec_api):
    by_factor = exec_api.post(items_url(alpha), {"title": "Map buying motives", "factor": "customers"}, format="json")
    by_round = exec_api.post(items_url(alpha), {"title": "Review Q4", "round": q4_round.pk}, format="json")
    assert by_factor.status_code == 201 and by_factor.json()["factor"] == "customers"
    assert by_round.status_code == 201 and by_round.json()["round"] == q4_round.pk


@pytest.mark.parametrize("payload, field", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "x", "factor": "weather"}, "factor"),
    ({"title": "x", "due_date": "tomorrow"}, "due_date"),
    ({"title": "x", "owner": 999999}, "owner"),
    ({"title": "x", "round": "abc"}, "round"),
    ({"title": "x", "answer": -1}, "answer"),
])
def test_bad_item_input_is_a_field_error_and_creates_nothing(alpha, exec_api, payload, field):
    response = exec_api.post(items_url(alpha), payload, format="json")
    assert response.status_code == 400 and field in response.json()
    with scopes_disabled():
        assert not ActionItem.objects.filter(company=alpha.company).exists()


def test_links_and_owners_of_another_company_are_refused(alpha, beta, exec_api):
    foreign_owner = beta.member(Role.DEPARTMENT_HEAD)
    response = exec_api.post(items_url(alpha), {"title": "x", "owner": foreign_owner.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_heads_and_sellers_cannot_create(alpha, api_client_for, role):
    response = api_client_for(alpha.member(role)).post(items_url(alpha), {"title": "x"}, format="json")
    assert response.status_code == 403


def test_list_filters_by_status_factor_owner_open_and_overdue(alpha, exec_api):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    item_for(alpha, title="Late", owner=head, factor=factor("sales_tech"), due_date=yesterday)
    item_for(alpha, title="Done", owner=head, status=ActionStatus.DONE)
    item_for(alpha, title="Admin's", owner=alpha.member(Role.ADMIN), factor=factor("market"))
    assert titles(exec_api.get(items_url(alpha))) == {"Late", "Done", "Admin's"}
    assert titles(exec_api.get(items_url(alpha), {"status": "done"})) == {"Done"}
    assert titles(exec_api.get(items_url(alpha), {"factor": "market"})) == {"Admin's"}
    assert titles(exec_api.get(items_url(alpha), {"owner": head.pk})) == {"Late", "Done"}
    assert titles(exec_api.get(items_url(alpha), {"open": "true"})) == {"Late", "Admin's"}
    assert titles(exec_api.get(items_url(alpha), {"overdue": "true"})) == {"Late"}


@pytest.mark.parametrize("params", [{"status": "maybe"}, {"factor": "weather"}, {"owner": "x"}, {"owner": "-5"}])
def test_bad_filters_are_400(alpha, exec_api, params):
    assert exec_api.get(items_url(alpha), params).status_code == 400


def test_owners_see_theirs_and_heads_their_departments(alpha, api_client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    item_for(alpha, title="Mine", owner=head)
    item_for(alpha, title="Admin's", owner=alpha.member(Role.ADMIN))
    other_head = head_of(alpha, "marketing")
    item_for(alpha, title="Marketing's", owner=other_head)
    api = api_client_for(head)
    assert titles(api.get(items_url(alpha))) == {"Mine"}
    assert titles(api.get(items_url(alpha), {"mine": "true"})) == {"Mine"}
    assert titles(api_client_for(other_head).get(items_url(alpha))) == {"Marketing's"}


def test_owner_changes_only_the_status(alpha, api_client_for):
    head = alpha.member(Role.DEPARTMENT_HEAD)
    item = item_for(alpha, title="Mine", owner=head)
    api = api_client_for(head)
    response = api.patch(items_url(alpha, f"{item.pk}/"), {"status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert api.patch(items_url(alpha, f"{item.pk}/"), {"title": "Renamed"}, format="json").status_code == 403
    assert api.delete(items_url(alpha, f"{item.pk}/")).status_code == 403
    item.refresh_from_db()
    assert item.title == "Mine"


def test_head_gets_403_on_an_item_they_do_not_see(alpha, api_client_for):
    item = item_for(alpha, title="Admin's", owner=alpha.member(Role.ADMIN))
    api = api_client_for(alpha.member(Role.DEPARTMENT_HEAD))
    assert api.get(items_url(alpha, f"{item.pk}/")).status_code == 403
    assert api.patch(items_url(alpha, f"{item.pk}/"), {"status": "done"}, format="json").status_code == 403


def test_executive_updates_every_field_and_closing_stamps_closed_at(alpha, exec_api):
    item = item_for(alpha, title="Old")
    owner = alpha.member(Role.DEPARTMENT_HEAD)
    response = exec_api.put(items_url(alpha, f"{item.pk}/"), {
        "title": "New", "description": "Why", "factor": "automation", "owner": owner.pk,
        "due_date": "2027-01-15", "status": "done",
    }, format="json")
    assert response.status_code == 200, response.json()
    row = response.json()
    assert (row["title"], row["factor"], row["owner"], row["due_date"]) == ("New", "automation", owner.pk, "2027-01-15")
    assert row["closed_at"] is not None
    assert exec_api.patch(items_url(alpha, f"{item.pk}/"), {"status": "later"}, format="json").status_code == 400


def test_delete_drops_the_item_and_keeps_the_row(alpha, exec_api):
    item = item_for(alpha, title="Dropped soon")
    assert exec_api.delete(items_url(alpha, f"{item.pk}/")).status_code == 204
    assert exec_api.delete(items_url(alpha, f"{item.pk}/")).status_code == 204
    item.refresh_from_db()
    assert item.status == ActionStatus.DROPPED
    assert exec_api.get(items_url(alpha, f"{item.pk}/")).json()["status"] == "dropped"


def test_outsider_gets_404_on_items(alpha, beta, api_client_for):
    item = item_for(alpha, title="Secret")
    api = api_client_for(beta.member(Role.ADMIN))
    assert api.get(items_url(alpha)).status_code == 404
    assert api.get(items_url(alpha, f"{item.pk}/")).status_code == 404
    # and an id of another company through one's own company is 404 as well
    assert api.get(items_url(beta, f"{item.pk}/")).status_code == 404
    assert api.patch(items_url(beta, f"{item.pk}/"), {"status": "done"}, format="json").status_code == 404
