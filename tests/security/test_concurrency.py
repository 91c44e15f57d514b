"""Optimistic concurrency (accounts/concurrency.py): a stale edit gets 409 / a form error; no update is lost.

API: responses carry `ETag: "<lock_version>"`; `If-Match` with an older one → 409 with a message; without
If-Match the update is allowed (decided: no 428, see accounts/concurrency.py). Pages: a hidden lock_version.
"""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scope, scopes_disabled

from accounts.concurrency import StaleObject
from accounts.models import Department, Role
from audits import services as audit_services
from audits.models import ActionItem
from tests.factories import ActionItemFactory, QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/companies/alpha"


def api_for(tenant, role=Role.ADMIN):
    client = Client()
    client.force_login(tenant.user(role))
    return client


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


def versioned_objects(alpha):
    """(API detail URL, a PATCH body) of each versioned object kind."""
    item = ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD))
    questionnaire = QuestionnaireFactory(company=alpha.company, status="draft")
    question = QuestionFactory(questionnaire=questionnaire)
    return {  # kind: (URL, the first writer's body, the stale writer's body)
        "company": (f"{API}/", {"name": "Alpha Renamed"}, {"name": "Alpha Stale"}),
        "department": (f"{API}/departments/{alpha.departments['it'].pk}/", {"name": "Information"}, {"name": "IT2"}),
        "member": (f"{API}/members/{alpha.member(Role.SALES_MANAGER).pk}/", {"role": Role.EXECUTIVE},
                   {"role": Role.DEPARTMENT_HEAD}),
        "action item": (f"{API}/action-items/{item.pk}/", {"title": "Fix the CRM"}, {"title": "Stale"}),
        "questionnaire": (f"{API}/questionnaires/{questionnaire.pk}/", {"title": "Draft 2"}, {"title": "Stale"}),
        "question": (f"{API}/questionnaires/{questionnaire.pk}/questions/{question.pk}/", {"text_en": "Why?"},
                     {"text_en": "Stale?"}),
        "schedule": (f"{API}/schedule/", {"opening_day": 5}, {"opening_day": 9}),
    }


@pytest.mark.parametrize("kind", ["company", "department", "member", "action item", "questionnaire", "question",
                                  "schedule"])
def test_stale_if_match_gets_409_and_changes_nothing(alpha, kind):
    url, body, stale_body = versioned_objects(alpha)[kind]
    client = api_for(alpha)
    first = client.get(url)
    assert first.status_code == 200, first.content
    etag = first["ETag"]
    assert etag == f'"{first.json()["lock_version"]}"'

    saved = patch(client, url, body, if_match=etag)  # somebody else saves first (with the same ETag)
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] != etag
    stale = patch(client, url, stale_body, if_match=etag)

    assert stale.status_code == 409, stale.content
    assert "Someone else changed this" in stale.json()["detail"]
    now = client.get(url).json()
    assert {key: now[key] for key in body} == body  # the first save stands


def test_current_if_match_and_missing_if_match_are_both_accepted(alpha):
    url, _, _ = versioned_objects(alpha)["department"]
    client = api_for(alpha)
    etag = client.get(url)["ETag"]
    assert patch(client, url, {"name": "One"}, if_match=etag).status_code == 200
    assert patch(client, url, {"name": "Two"}).status_code == 200  # no If-Match: allowed (documented)
    assert patch(client, url, {"name": "Three"}, if_match="*").status_code == 200
    response = client.get(url)
    assert response.json()["name"] == "Three" and response["ETag"] == '"3"'


def test_malformed_if_match_is_a_400(alpha):
    url, _, _ = versioned_objects(alpha)["department"]
    response = patch(api_for(alpha), url, {"name": "X"}, if_match="yesterday")
    assert response.status_code == 400 and "If-Match" in response.json()


def test_stale_page_form_shows_an_error_and_keeps_the_input(alpha):
    department = alpha.departments["it"]
    client = api_for(alpha)
    url = f"/c/alpha/departments/{department.pk}/edit/"
    page = client.get(url)
    assert 'name="lock_version" value="0"' in page.content.decode()
    assert patch(client, f"{API}/departments/{department.pk}/", {"name": "Changed meanwhile"}).status_code == 200

    response = client.post(url, {"name": "My careful rename", "head": "", "lock_version": "0"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this department" in html
    assert 'value="My careful rename"' in html  # nothing typed is lost
    assert 'name="lock_version" value="1"' in html  # a deliberate second submit overwrites
    with scopes_disabled():
        assert Department.objects.get(pk=department.pk).name == "Changed meanwhile"
    again = client.post(url, {"name": "My careful rename", "head": "", "lock_version": "1"})
    assert again.status_code == 302
    with scopes_disabled():
        assert Department.objects.get(pk=department.pk).name == "My careful rename"


def test_stale_action_item_page_form_is_refused(alpha):
    item = ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD), title="Old")
    client = api_for(alpha)
    url = f"/c/alpha/audits/actions/{item.pk}/"
    form = client.get(url)
    assert form.status_code == 200 and 'name="lock_version"' in form.content.decode()
    with scope(company=alpha.company):
        audit_services.action_item_update(item=ActionItem.objects.get(pk=item.pk), by=None, title="Theirs")
    response = client.post(url, {"title": "Mine", "description": "", "status": "open", "lock_version": "0"})
    assert response.status_code == 400 and "Someone else changed this action item" in response.content.decode()
    with scopes_disabled():
        assert ActionItem.objects.get(pk=item.pk).title == "Theirs"


def test_service_refuses_an_instance_loaded_before_another_save(alpha):
    item = ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD))
    with scope(company=alpha.company):
        mine, theirs = ActionItem.objects.get(pk=item.pk), ActionItem.objects.get(pk=item.pk)
        audit_services.action_item_update(item=theirs, by=None, title="Theirs")
        with pytest.raises(StaleObject):
            audit_services.action_item_update(item=mine, by=None, title="Mine")
        assert ActionItem.objects.get(pk=item.pk).title == "Theirs"


# ---------------------------------------------------------------- 100 parallel updates (PostgreSQL)

PARALLEL = 100
MAX_CONNECTIONS = 30  # PostgreSQL allows 100 connections on this machine, shared with other test runs


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_parallel_updates_lose_none(alpha):
    """100 threads, each with its own connection, append their mark to one action item through the service,
    retrying on StaleObject (what an API client does on 409). Every mark must be there at the end."""
    item = ActionItemFactory(company=alpha.company, owner=alpha.member(Role.DEPARTMENT_HEAD), description="")
    start = threading.Barrier(PARALLEL)
    connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
    retries, errors = [], []

    def worker(n):
        start.wait()
        with connections:
            try:
                with scope(company=alpha.company):
                    conflicts = 0
                    while conflicts < 1000:
                        current = ActionItem.objects.get(pk=item.pk)
                        try:
                            audit_services.action_item_update(
                                item=current, by=None, description=f"{current.description}[{n}]")
                            break
                        except StaleObject:  # the API client's 409: read again, apply again
                            conflicts += 1
                    retries.append(conflicts)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(repr(error))
            finally:
                connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with scopes_disabled():
        final = ActionItem.objects.get(pk=item.pk)
    marks = {int(mark) for mark in final.description.strip("[]").split("][") if mark}
    lost = PARALLEL - len(marks)
    print(f"\n{PARALLEL} parallel updates ({MAX_CONNECTIONS} connections at a time): lost {lost}, "
          f"conflicts retried {sum(retries)}, final lock_version {final.lock_version}")
    assert not errors, errors[:5]
    assert lost == 0
    assert final.lock_version == PARALLEL
