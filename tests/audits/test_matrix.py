"""The responsibility matrix: proposal by department names, and replacing it with validation."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from accounts import services as accounts_services
from audits import selectors, services
from tests.factories import CompanyFactory, DepartmentFactory

from .conftest import standard_cells


def accountable(company):
    with scope(company=company):
        return {key: row["accountable"] and row["accountable"].name for key, row in selectors.matrix_of(company=company).items()}


def test_new_company_departments_get_the_proposed_matrix(alpha):
    assert accountable(alpha.company) == {
        "product": "Product", "customers": "Marketing", "market": "Marketing", "advantage": "Management",
        "strategy": "Management", "sales_tech": "Sales", "automation": "IT",
    }


def test_russian_department_names_are_matched_case_insensitively(db):
    company = CompanyFactory(language="ru")
    for name in ["Руководство", "Отдел продаж", "Производство", "МАРКЕТИНГ", "ИТ"]:
        DepartmentFactory(company=company, name=name)
    assert accountable(company) == {
        "product": "Производство", "customers": "МАРКЕТИНГ", "market": "МАРКЕТИНГ", "advantage": "Руководство",
        "strategy": "Руководство", "sales_tech": "Отдел продаж", "automation": "ИТ",
    }


def test_unmatched_factors_go_to_management(db):
    company = CompanyFactory()
    DepartmentFactory(company=company, name="Management")
    DepartmentFactory(company=company, name="Warehouse")
    assert set(accountable(company).values()) == {"Management"}


def test_short_names_match_whole_words_only(db):
    company = CompanyFactory()
    DepartmentFactory(company=company, name="Management")
    DepartmentFactory(company=company, name="Digital studio")  # contains "it" but is not IT
    assert accountable(company)["automation"] == "Management"


def test_a_later_department_takes_over_a_factor_only_proposed_to_management(db):
    company = CompanyFactory()
    DepartmentFactory(company=company, name="Management")
    assert accountable(company)["automation"] == "Management"
    DepartmentFactory(company=company, name="IT")
    assert accountable(company)["automation"] == "IT"


def test_proposal_keeps_cells_the_admin_set(alpha):
    cells = standard_cells(alpha)
    cells["automation"] = {"accountable": alpha.departments["management"], "contributing": []}
    with scope(company=alpha.company):
        services.matrix_set(company=alpha.company, cells=cells)
        accounts_services.department_create(company=alpha.company, name="IT support")
        assert services.matrix_propose(company=alpha.company) == 0
    assert accountable(alpha.company)["automation"] == "Management"


def test_archiving_an_accountable_department_hands_its_factors_on(alpha):
    with scope(company=alpha.company):
        accounts_services.department_archive(department=alpha.departments["it"])
    assert accountable(alpha.company)["automation"] == "Management"


def test_matrix_set_replaces_the_whole_matrix(alpha, matrix):
    with scope(company=alpha.company):
        rows = selectors.matrix_of(company=alpha.company)
    assert rows["product"]["accountable"] == alpha.departments["product"]
    assert rows["product"]["contributing"] == [alpha.departments["sales"]]
    assert rows["market"]["contributing"] == []


def test_matrix_set_needs_one_accountable_department_per_factor(alpha):
    cells = standard_cells(alpha)
    cells["market"] = {"accountable": None, "contributing": [alpha.departments["sales"]]}
    del cells["automation"]
    with scope(company=alpha.company), pytest.raises(ValidationError) as error:
        services.matrix_set(company=alpha.company, cells=cells)
    assert set(error.value.message_dict) == {"market", "automation"}


def test_matrix_set_refuses_another_companys_department(alpha, beta):
    cells = standard_cells(alpha)
    cells["product"] = {"accountable": beta.departments["product"], "contributing": []}
    with scope(company=alpha.company), pytest.raises(ValidationError) as error:
        services.matrix_set(company=alpha.company, cells=cells)
    assert "product" in error.value.message_dict


def test_matrix_set_refuses_archived_departments_and_unknown_factors(alpha):
    with scope(company=alpha.company):
        accounts_services.department_archive(department=alpha.departments["it"])
        cells = standard_cells(alpha)
        cells["ghost"] = {"accountable": alpha.departments["sales"]}
        with pytest.raises(ValidationError) as error:
            services.matrix_set(company=alpha.company, cells=cells)
    assert "archived" in str(error.value.message_dict["automation"])
    assert "ghost" in str(error.value.message_dict["__all__"])


def test_a_failed_matrix_set_changes_nothing(alpha):
    before = accountable(alpha.company)
    cells = standard_cells(alpha)
    cells["sales_tech"] = {"accountable": None}
    with scope(company=alpha.company), pytest.raises(ValidationError):
        services.matrix_set(company=alpha.company, cells=cells)
    assert accountable(alpha.company) == before
