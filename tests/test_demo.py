"""`manage.py demo`: every role exists, the password works, a second run duplicates nothing."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.demo import CONSULTANT_EMAIL, DEPARTMENT_NAMES, DEPARTMENTS, SALES_MANAGERS
from accounts.management.commands import demo as demo_command
from accounts.models import Company, Department, Membership, Role, User
from audits.models import ActionItem, Answer, Questionnaire
from scorecards.models import DayOff

pytestmark = pytest.mark.django_db


def run_demo(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows per model across every installed app (tenant models included, hence no scope)."""
    with scopes_disabled():  # a census of every tenant's rows, not a request
        return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def demo_memberships(role):
    with scopes_disabled():  # test inspection across the demo company
        return list(Membership.objects.filter(company__slug="demo", role=role).select_related("user", "department"))


def test_demo_creates_the_company_with_every_department_and_role():
    run_demo("--quiet-summary", "--people-only")
    company = Company.objects.get(slug="demo")
    assert (company.name, company.language, company.timezone) == ("Demo Manufacturing", "ru", "Europe/Moscow")
    with scopes_disabled():  # test inspection
        departments = {d.name: d for d in Department.objects.filter(company=company).select_related("head__user")}
    assert set(departments) == set(DEPARTMENT_NAMES["ru"].values())
    assert all(d.head is not None and d.head.role == Role.DEPARTMENT_HEAD for d in departments.values())
    assert departments["Продажи"].head.user.email == "head.sales@demo.example"
    assert [m.user.email for m in demo_memberships(Role.ADMIN)] == ["admin@demo.example"]
    assert "exec@demo.example" in {m.user.email for m in demo_memberships(Role.EXECUTIVE)}
    assert len(demo_memberships(Role.DEPARTMENT_HEAD)) == len(DEPARTMENTS)
    sellers = demo_memberships(Role.SALES_MANAGER)
    assert len(sellers) == SALES_MANAGERS
    assert {m.department.name for m in sellers} == {"Продажи"}


def test_demo_builds_a_second_company_and_a_consultant_in_both():
    run_demo("--quiet-summary", "--people-only")
    assert Company.objects.filter(slug="northwind", name="Northwind Retail").exists()
    with scopes_disabled():  # test inspection across both companies
        slugs = set(Membership.objects.filter(user__email=CONSULTANT_EMAIL).values_list("company__slug", flat=True))
        northwind_roles = set(Membership.objects.filter(company__slug="northwind").values_list("role", flat=True))
    assert slugs == {"demo", "northwind"}
    assert northwind_roles == set(Role.values)


def test_demo_accounts_sign_in_with_the_demo_password(client, settings):
    run_demo("--quiet-summary", "--people-only")
    assert client.login(username="admin@demo.example", password=settings.DEMO_PASSWORD)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/c/demo/"


CYRILLIC = re.compile("[А-Яа-яЁё]")


def demo_texts(slug):
    """Every text a person reads in a demo company: departments, people, actions, answers, comments, days off."""
    with scopes_disabled():  # test inspection of one demo company's rows
        people = Membership.objects.filter(company__slug=slug).exclude(user__email=CONSULTANT_EMAIL)
        return {
            "departments": list(Department.objects.filter(company__slug=slug).values_list("name", flat=True)),
            "people": [f"{first} {last}" for first, last in people.values_list("user__first_name", "user__last_name")],
            "actions": list(ActionItem.objects.filter(company__slug=slug).values_list("title", flat=True)),
            "answers": [text for text in Answer.objects.filter(audit__company__slug=slug).exclude(text_value="")
                        .values_list("text_value", flat=True)],
            "comments": [text for text in Answer.objects.filter(audit__company__slug=slug).exclude(comment="")
                         .values_list("comment", flat=True)],
            "days off": list(DayOff.objects.filter(company__slug=slug).values_list("reason", flat=True)),
            "questionnaires": list(Questionnaire.objects.filter(company__slug=slug).values_list("title", flat=True)),
        }


def test_the_russian_demo_company_is_all_russian_and_northwind_all_english():
    run_demo("--quiet-summary")
    russian, english = demo_texts("demo"), demo_texts("northwind")
    for kind, texts in russian.items():
        assert texts, f"the Russian demo company has no {kind}"
        assert [t for t in texts if not CYRILLIC.search(t)] == [], f"{kind} of the Russian demo company"
    for kind, texts in english.items():
        assert texts or kind == "comments", f"Northwind has no {kind}"
        assert [t for t in texts if CYRILLIC.search(t)] == [], f"{kind} of Northwind"


def test_demo_renames_the_english_departments_an_earlier_run_gave_the_russian_company():
    run_demo("--quiet-summary", "--people-only")
    with scopes_disabled():  # put the demo company back as an older demo left it
        Department.objects.filter(company__slug="demo", name="Продажи").update(name="Sales")
    run_demo("--quiet-summary", "--people-only")
    with scopes_disabled():
        names = set(Department.objects.filter(company__slug="demo").values_list("name", flat=True))
    assert names == set(DEPARTMENT_NAMES["ru"].values())


def test_demo_run_twice_creates_no_duplicates():
    run_demo("--quiet-summary")
    first = row_counts()
    run_demo("--quiet-summary")
    assert row_counts() == first


def test_demo_changed_password_is_applied_on_the_next_run(client, settings):
    run_demo("--quiet-summary", "--people-only")
    settings.DEMO_PASSWORD = "another-demo-pass-2027"
    run_demo("--quiet-summary", "--people-only")
    assert client.login(username="head.it@demo.example", password="another-demo-pass-2027")
    assert User.objects.filter(email__endswith="@demo.example").count() == 1 + 1 + len(DEPARTMENTS) + SALES_MANAGERS + 1


def test_demo_prints_the_address_and_the_password(settings):
    output = run_demo("--people-only")
    assert f"{settings.SITE_URL}/accounts/login/" in output
    assert settings.DEMO_PASSWORD in output
    assert "admin@demo.example" in output and "consultant@demo.example" in output


def test_failing_app_builder_is_named_and_rolled_back(monkeypatch):
    def broken_build(*, company, progress):
        progress("about to fail")
        Department.objects.create(company=company, name=f"Half-built {company.slug}")
        raise RuntimeError("boom")

    monkeypatch.setattr(demo_command, "app_builders", lambda: [("brokenapp", broken_build)])
    with pytest.raises(CommandError, match=r"brokenapp for company 'demo': RuntimeError\('boom'\)"):
        run_demo("--quiet-summary")
    with scopes_disabled():  # test inspection
        assert not Department.objects.filter(name__startswith="Half-built").exists()
    assert Company.objects.filter(slug="demo").exists()  # the people were built before the broken app ran


def test_app_builders_run_inside_the_company_scope(monkeypatch):
    seen = []

    def build(*, company, progress):
        seen.append((company.slug, Department.objects.filter(company=company).count()))  # raises outside a scope

    monkeypatch.setattr(demo_command, "app_builders", lambda: [("probe", build)])
    run_demo("--quiet-summary")
    assert seen == [("demo", len(DEPARTMENTS)), ("northwind", len(DEPARTMENTS))]
