"""Action items: create from an answer or a factor, update status, filter."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from accounts.models import Role
from audits import selectors, services
from audits.models import OPEN_ACTION_STATUSES


def test_action_item_raised_from_an_answer_takes_its_audit_round_and_factor(alpha, sales_audit):
    head = alpha.user("department_head")
    with scope(company=alpha.company):
        question = services.audit_questions(sales_audit).get(factor__key="sales_tech", kind="scale")
        answer = services.answer_save(audit=sales_audit, question=question, by=head, scale_value=2)
        item = services.action_item_create(company=alpha.company, by=head, title=" Write the sales scripts ",
                                           owner=alpha.member(Role.DEPARTMENT_HEAD), answer=answer,
                                           due_date=datetime.date(2026, 11, 1))
    assert (item.title, item.audit, item.round, item.factor.key) == ("Write the sales scripts", sales_audit,
                                                                    sales_audit.round, "sales_tech")


def test_action_item_links_must_belong_to_the_company(alpha, beta):
    with scope(company=alpha.company), pytest.raises(ValidationError) as error:
        services.action_item_create(company=alpha.company, by=alpha.user("admin"), title="Outsider",
                                    owner=beta.member(Role.EXECUTIVE))
    assert "owner" in error.value.message_dict


def test_action_item_needs_a_title(alpha):
    with scope(company=alpha.company), pytest.raises(ValidationError) as error:
        services.action_item_create(company=alpha.company, by=alpha.user("admin"), title="   ")
    assert "title" in error.value.message_dict


def test_closing_an_action_item_stamps_closed_at_and_reopening_clears_it(alpha, factors):
    admin = alpha.user("admin")
    with scope(company=alpha.company):
        item = services.action_item_create(company=alpha.company, by=admin, title="Automate quotes",
                                           factor=factors["automation"])
        services.action_item_update(item=item, by=admin, status="done")
        assert item.closed_at is not None
        services.action_item_update(item=item, by=admin, status="in_progress")
        assert item.closed_at is None
        with pytest.raises(ValidationError):
            services.action_item_update(item=item, by=admin, status="finished")
        with pytest.raises(ValidationError, match="Unknown action item fields"):
            services.action_item_update(item=item, by=admin, company=None)


def test_action_items_filter_by_status_factor_owner_and_overdue(alpha, factors):
    admin, owner = alpha.user("admin"), alpha.member(Role.DEPARTMENT_HEAD)
    today = datetime.date(2026, 10, 10)
    with scope(company=alpha.company):
        late = services.action_item_create(company=alpha.company, by=admin, title="Late", owner=owner,
                                           factor=factors["product"], due_date=today - datetime.timedelta(days=1))
        future = services.action_item_create(company=alpha.company, by=admin, title="Future",
                                             factor=factors["market"], due_date=today + datetime.timedelta(days=1))
        done = services.action_item_create(company=alpha.company, by=admin, title="Done", owner=owner,
                                           due_date=today - datetime.timedelta(days=5))
        services.action_item_update(item=done, by=admin, status="done")

        def titles(**filters):
            return sorted(selectors.action_items_of(company=alpha.company, today=today, **filters).values_list("title", flat=True))

        assert titles() == ["Done", "Future", "Late"]
        assert titles(status=list(OPEN_ACTION_STATUSES)) == ["Future", "Late"]
        assert titles(status="done") == ["Done"]
        assert titles(factor=factors["product"]) == ["Late"]
        assert titles(owner=owner) == ["Done", "Late"]
        assert titles(overdue=True) == ["Late"]
        assert titles(overdue=False) == ["Done", "Future"]
        assert selectors.open_action_items_per_factor(company=alpha.company) == {"product": 1, "market": 1}
    assert late.is_open and future.is_open
