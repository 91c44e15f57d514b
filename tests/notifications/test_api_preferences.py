"""Email choices through the API: the preferences page's on/off per optional kind, the member's own only."""

import pytest

from accounts.models import Role
from notifications.models import MANDATORY_KINDS, OPTIONAL_KINDS

URL = "/api/v1/companies/{}/notifications/preferences/"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_every_member_reads_and_changes_their_own_choices(alpha, api_client_for, role):
    api = api_client_for(alpha.member(role))
    initial = api.get(URL.format("alpha")).json()
    assert set(initial) == {k.value for k in OPTIONAL_KINDS} and all(initial.values())
    assert not {k.value for k in MANDATORY_KINDS} & set(initial)
    response = api.patch(URL.format("alpha"), {"digest": False}, format="json")
    assert response.status_code == 200 and response.json()["digest"] is False
    assert api.get(URL.format("alpha")).json()["digest"] is False


def test_one_members_choice_does_not_touch_anothers(alpha, api_client_for):
    api_client_for(alpha.member(Role.EXECUTIVE)).patch(URL.format("alpha"), {"digest": False}, format="json")
    assert api_client_for(alpha.member(Role.ADMIN)).get(URL.format("alpha")).json()["digest"] is True


def test_put_needs_every_kind_and_a_boolean(alpha, api_client_for):
    api = api_client_for(alpha.member(Role.ADMIN))
    assert api.put(URL.format("alpha"), {"digest": False}, format="json").status_code == 400
    bad = api.patch(URL.format("alpha"), {"digest": "maybe"}, format="json")
    assert bad.status_code == 400 and "digest" in bad.json()


def test_another_company_is_404(alpha, beta, api_client_for):
    assert api_client_for(alpha.member(Role.ADMIN)).get(URL.format("beta")).status_code == 404
