"""API token pages: each member lists own tokens, creates one (raw key shown once), revokes."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Role, hash_token
from tests.accounts.page_helpers import body, issue_token, page
from tests.conftest import ALL_ROLES


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_member_creates_a_token_and_sees_the_key_once(alpha, client_for, role):
    member = alpha.member(role)
    client = client_for(member)
    assert client.get(page(alpha, "token_create")).status_code == 200
    response = client.post(page(alpha, "token_create"), {"name": "CRM export"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_key"]
    assert raw in body(response)
    with scopes_disabled():
        token = ApiToken.objects.get(membership=member)
    assert token.key_hash == hash_token(raw) and token.name == "CRM export"
    listing = client.get(page(alpha, "token_list"))
    assert "CRM export" in body(listing) and raw not in body(listing)


def test_list_shows_only_my_active_tokens(alpha, client_for):
    mine, _ = issue_token(alpha.member(Role.EXECUTIVE), "mine")
    issue_token(alpha.member(Role.ADMIN), "the admin's")
    old, _ = issue_token(alpha.member(Role.EXECUTIVE), "old one")
    with scopes_disabled():
        ApiToken.objects.filter(pk=old.pk).update(revoked_at=mine.created_at)
    response = client_for(alpha.member(Role.EXECUTIVE)).get(page(alpha, "token_list"))
    assert [t.name for t in response.context["tokens"]] == ["mine"]


def test_empty_token_list_says_so(alpha, client_for):
    assert "no active API tokens" in body(client_for(alpha.member(Role.SALES_MANAGER)).get(page(alpha, "token_list")))


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "bad\x00name"])
def test_bad_token_name_is_a_form_error(alpha, client_for, name):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "token_create"), {"name": name})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_revoke_confirms_then_revokes(alpha, client_for):
    token, _ = issue_token(alpha.member(Role.SALES_MANAGER))
    client = client_for(alpha.member(Role.SALES_MANAGER))
    assert token.name in body(client.get(page(alpha, "token_revoke", token.pk)))
    assert client.post(page(alpha, "token_revoke", token.pk)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(page(alpha, "token_revoke", token.pk)).status_code == 404


def test_cannot_revoke_a_colleagues_token(alpha, client_for):
    token, _ = issue_token(alpha.member(Role.EXECUTIVE))
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(page(alpha, "token_revoke", token.pk)).status_code == 404
    assert client.post(page(alpha, "token_revoke", token.pk)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
