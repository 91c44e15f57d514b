"""The audit log: every write recorded with actor and changes; admins browse their own company's log only;
nobody edits it (UI, API, admin)."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import AuditAction, AuditLogEntry, Department, Role
from accounts.security.audit import record
from tests.conftest import PASSWORD
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def entries(company, **filters):
    with scopes_disabled():  # reading the log from the test
        return list(AuditLogEntry.objects.filter(company=company, **filters).order_by("pk"))


def test_page_write_records_actor_action_object_and_changes(alpha, client_for):
    admin = alpha.member(Role.ADMIN)
    client = client_for(admin)
    response = client.post(reverse("department_create", args=["alpha"]), {"name": "Logistics"})
    assert response.status_code == 302
    created = entries(alpha.company, action=AuditAction.CREATE, object_type="accounts.Department")[-1]
    assert created.actor == admin.user and created.actor_email == "admin@alpha.test"
    assert created.object_repr == "Logistics" and created.changes["name"] == "Logistics"
    assert created.ip_address == "127.0.0.1"

    with scopes_disabled():
        department = Department.objects.get(company=alpha.company, name="Logistics")
    client.post(reverse("department_edit", args=["alpha", department.pk]), {"name": "Supply"})
    updated = entries(alpha.company, action=AuditAction.UPDATE, object_id=str(department.pk))[-1]
    assert updated.changes == {"name": ["Logistics", "Supply"]}


def test_role_change_is_recorded_as_role_change(alpha, client_for):
    seller = alpha.member(Role.SALES_MANAGER)
    client_for(alpha.member(Role.ADMIN)).post(reverse("member_edit", args=["alpha", seller.pk]),
                                              {"role": Role.EXECUTIVE, "department": ""})
    entry = entries(alpha.company, action=AuditAction.ROLE_CHANGE)[-1]
    assert entry.changes["role"] == [Role.SALES_MANAGER, Role.EXECUTIVE]
    assert entry.actor == alpha.user(Role.ADMIN)


def test_status_change_by_the_system_is_a_state_change_without_actor(alpha):
    item = ActionItemFactory(company=alpha.company)
    with scope(company=alpha.company):
        old = item.status
        item.status = "done" if old != "done" else "open"
        item.save()
    entry = entries(alpha.company, action=AuditAction.STATE_CHANGE)[-1]
    assert entry.actor is None and entry.actor_email == ""
    assert entry.changes["status"][0] == old


def test_delete_is_recorded_with_the_deleted_values(alpha):
    with scope(company=alpha.company):
        department = Department.objects.create(company=alpha.company, name="Temporary")
        pk = department.pk
        department.delete()
    entry = entries(alpha.company, action=AuditAction.DELETE)[-1]
    assert entry.object_id == str(pk) and entry.changes["name"] == "Temporary"


def test_token_creation_and_revocation_are_explicit_actions_and_the_hash_is_masked(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    client.post(reverse("token_create", args=["alpha"]), {"name": "BI export"})
    created = entries(alpha.company, action=AuditAction.TOKEN_CREATED)[-1]
    assert created.changes["key_hash"] == "•••" and created.object_repr.startswith("BI export")
    client.post(reverse("token_revoke", args=["alpha", created.object_id]))
    revoked = entries(alpha.company, action=AuditAction.TOKEN_REVOKED)[-1]
    assert revoked.object_id == created.object_id and revoked.actor == alpha.user(Role.EXECUTIVE)


def test_sign_in_sign_out_and_failed_sign_in_are_recorded(alpha, client):
    client.post(reverse("login"), {"username": "head@alpha.test", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "head@alpha.test", "password": PASSWORD})
    client.post(reverse("logout"))
    actions = [e.action for e in entries(alpha.company, actor_email="head@alpha.test")]
    assert actions[-3:] == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN, AuditAction.LOGOUT]


def test_failed_sign_in_of_an_unknown_email_is_a_platform_level_entry(db, client):
    client.post(reverse("login"), {"username": "nobody@nowhere.test", "password": "x"})
    with scopes_disabled():
        entry = AuditLogEntry.objects.filter(company=None, action=AuditAction.LOGIN_FAILED).get()
    assert entry.actor_email == "nobody@nowhere.test"


def test_entries_are_append_only(alpha):
    entry = record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr="x")
    entry.object_repr = "rewritten"
    with pytest.raises(ValueError):
        entry.save()


# ---------------------------------------------------------------- the page

def log_url(slug="alpha"):
    return reverse("audit_log", args=[slug])


def test_admin_browses_the_log_newest_first(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(log_url())
    assert response.status_code == 200
    assert "admin@alpha.test" in response.content.decode()
    rows = list(response.context["page"].object_list)
    assert rows == sorted(rows, key=lambda e: (e.at, e.pk), reverse=True)


def test_log_filters_by_action_actor_and_dates(alpha, client_for):
    admin = alpha.member(Role.ADMIN)
    client = client_for(admin)
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        record(action=AuditAction.EXPORT, company_id=alpha.company.pk, actor=admin.user, object_repr="old export")
    record(action=AuditAction.EXPORT, company_id=alpha.company.pk, actor=admin.user, object_repr="new export")
    today = timezone.localdate(timezone.now(), alpha.company.tzinfo)
    response = client.get(log_url(), {"action": "export", "actor": admin.user.pk,
                                      "date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()})
    assert [e.object_repr for e in response.context["page"].object_list] == ["new export"]
    response = client.get(log_url(), {"action": "export", "date_to": (today - timedelta(days=5)).isoformat()})
    assert [e.object_repr for e in response.context["page"].object_list] == ["old export"]


def test_log_is_paginated(alpha, client_for):
    for n in range(60):
        record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr=f"export {n}")
    client = client_for(alpha.member(Role.ADMIN))
    first = client.get(log_url(), {"action": "export"})
    second = client.get(log_url(), {"action": "export", "page": 2})
    assert len(first.context["page"].object_list) == 50 and len(second.context["page"].object_list) == 10


@pytest.mark.parametrize("query", [{"action": "tamper"}, {"actor": "999999"}, {"date_from": "2026-13-01"},
                                   {"date_from": "2026-05-02", "date_to": "2026-05-01"}])
def test_bad_filters_are_a_form_error_not_a_crash(alpha, client_for, query):
    response = client_for(alpha.member(Role.ADMIN)).get(log_url(), query)
    assert response.status_code == 400
    assert response.context["filters"].errors


def test_filter_by_a_person_of_another_company_is_refused(alpha, beta, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(log_url(), {"actor": beta.user(Role.ADMIN).pk})
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_see_the_log(alpha, client_for, role):
    client = client_for(alpha.member(role))
    assert client.get(log_url()).status_code == 403
    assert client.get(reverse("audit_log_csv", args=["alpha"])).status_code == 403


def test_outsider_gets_404(alpha, beta, client_for):
    client = client_for(beta.member(Role.ADMIN))
    assert client.get(log_url()).status_code == 404
    assert client.get(reverse("audit_log_csv", args=["alpha"])).status_code == 404


def test_log_page_refuses_writes(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.post(log_url(), {"action": "export"}).status_code == 405
    assert client.post(reverse("audit_log_csv", args=["alpha"])).status_code == 405


def test_one_company_sees_zero_rows_of_another(alpha, beta, client_for):
    with scope(company=beta.company):
        Department.objects.create(company=beta.company, name="Beta secret project")
    client_for(beta.member(Role.ADMIN)).post(reverse("token_create", args=["beta"]), {"name": "beta token"})
    assert entries(beta.company)
    page = client_for(alpha.member(Role.ADMIN)).get(log_url(), {"page": 1})
    shown = list(page.context["page"].paginator.object_list)
    assert shown and {e.company_id for e in shown} == {alpha.company.pk}
    assert "Beta secret project" not in page.content.decode()
    csv_text = client_for(alpha.member(Role.ADMIN)).get(reverse("audit_log_csv", args=["alpha"])).content.decode()
    assert "Beta secret project" not in csv_text and "@beta.test" not in csv_text


def test_csv_export_has_every_filtered_row_quotes_formulas_and_is_itself_logged(alpha, client_for):
    record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr="=HYPERLINK(\"http://evil\")")
    response = client_for(alpha.member(Role.ADMIN)).get(reverse("audit_log_csv", args=["alpha"]), {"action": "export"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Time"
    assert [row[5] for row in rows[1:]] == ["Audit log (CSV)", "'=HYPERLINK(\"http://evil\")"]  # newest first
    assert entries(alpha.company, action=AuditAction.EXPORT, object_repr="Audit log (CSV)")


def test_csv_with_bad_filters_is_400(alpha, client_for):
    response = client_for(alpha.member(Role.ADMIN)).get(reverse("audit_log_csv", args=["alpha"]), {"action": "x"})
    assert response.status_code == 400


# ---------------------------------------------------------------- the API

def api_url(slug="alpha"):
    return reverse("api-audit-log", args=[slug])


def test_api_lists_the_company_log_only(alpha, beta, api_client_for):
    with scope(company=beta.company):
        Department.objects.create(company=beta.company, name="Beta only")
    response = api_client_for(alpha.member(Role.ADMIN)).get(api_url(), {"action": "create"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and all(r["action"] == "create" for r in results)
    with scopes_disabled():
        alpha_ids = set(AuditLogEntry.objects.filter(company=alpha.company).values_list("pk", flat=True))
    assert {r["id"] for r in results} <= alpha_ids
    assert "Beta only" not in response.content.decode()


def test_api_filters_by_actor_and_time(alpha, api_client_for):
    admin = alpha.member(Role.ADMIN)
    record(action=AuditAction.EXPORT, company_id=alpha.company.pk, actor=admin.user, object_repr="mine")
    api = api_client_for(admin)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    response = api.get(api_url(), {"actor": admin.user.pk, "action": "export", "since": since})
    assert [r["object_repr"] for r in response.json()["results"]] == ["mine"]
    assert api.get(api_url(), {"since": "yesterday"}).status_code == 400
    assert api.get(api_url(), {"actor": "-1"}).status_code == 400


def test_api_detail_of_another_company_entry_is_404(alpha, beta, api_client_for):
    beta_entry = record(action=AuditAction.EXPORT, company_id=beta.company.pk, object_repr="beta export")
    own = record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr="alpha export")
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.get(reverse("api-audit-log-entry", args=["alpha", own.pk])).json()["object_repr"] == "alpha export"
    assert api.get(reverse("api-audit-log-entry", args=["alpha", beta_entry.pk])).status_code == 404
    assert api.get(reverse("api-audit-log-entry", args=["beta", beta_entry.pk])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_cannot_edit_the_log(alpha, api_client_for, method):
    entry = record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr="keep me")
    api = api_client_for(alpha.member(Role.ADMIN))
    assert getattr(api, method)(api_url(), {"action": "delete"}, format="json").status_code == 405
    detail = reverse("api-audit-log-entry", args=["alpha", entry.pk])
    assert getattr(api, method)(detail, {"object_repr": "changed"}, format="json").status_code == 405
    with scopes_disabled():
        assert AuditLogEntry.objects.get(pk=entry.pk).object_repr == "keep me"


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_api_wrong_role_is_403(alpha, api_client_for, role):
    assert api_client_for(alpha.member(role)).get(api_url()).status_code == 403


def test_api_outsider_is_404_and_anonymous_401(alpha, beta, api_client_for, anon_api):
    assert api_client_for(beta.member(Role.ADMIN)).get(api_url()).status_code == 404
    assert anon_api.get(api_url()).status_code == 401


# ---------------------------------------------------------------- Django admin

def test_django_admin_shows_the_log_read_only(alpha, staff_client):
    entry = record(action=AuditAction.EXPORT, company_id=alpha.company.pk, object_repr="admin view")
    assert staff_client.get(reverse("admin:accounts_auditlogentry_changelist")).status_code == 200
    change_url = reverse("admin:accounts_auditlogentry_change", args=[entry.pk])
    assert staff_client.get(change_url).status_code == 200  # the view page, without a save button
    assert staff_client.post(change_url, {"object_repr": "edited"}).status_code == 403
    assert staff_client.get(reverse("admin:accounts_auditlogentry_add")).status_code == 403
    assert staff_client.post(reverse("admin:accounts_auditlogentry_delete", args=[entry.pk]),
                             {"post": "yes"}).status_code == 403
    with scopes_disabled():
        assert AuditLogEntry.objects.get(pk=entry.pk).object_repr == "admin view"
