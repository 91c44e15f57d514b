"""The company export carries no secrets (token hashes, invitation nonces, feed tokens, password hashes), and
importing it still works: the copy gets fresh, revoked credentials."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Company, Invitation, Role
from accounts.security.audit import SECRET_MARKERS
from accounts.security.tenant_data import CREDENTIAL_FIELDS, company_models
from notifications.models import CalendarFeed
from tests.security.conftest import fill_company

pytestmark = pytest.mark.django_db

# Fields whose names look secret but hold none: {label: {attname: why}}.
NOT_SECRET = {
    "audits.Factor": {"key": "the catalogue's fixed factor key"},
    "audits.Question": {"key": "a question's stable identity across versions"},
    "audits.HistoryImport": {"key": "the client's idempotency key", "content_hash": "hash of the uploaded file"},
    "notifications.Notification": {"dedupe_key": "the planning claim, built from row ids"},
    "scorecards.ImportBatch": {"key": "the client's idempotency key", "request_hash": "hash of the request body",
                               "content_hash": "hash of the uploaded file"},
}


def exported(client):
    response = client.post(reverse("company_export", args=["alpha"]))
    assert response.status_code == 200
    return response.content


def stored_secrets(company):
    with scopes_disabled():
        return ([t.key_hash for t in ApiToken.objects.filter(company=company)]
                + [i.nonce for i in Invitation.objects.filter(company=company)]
                + [f.token_hash for f in CalendarFeed.objects.filter(company=company)])


def test_export_holds_no_token_hash_nonce_feed_token_or_password(alpha, client_for):
    fill_company(alpha)
    secrets = stored_secrets(alpha.company)
    assert len(secrets) >= 3
    data = exported(client_for(alpha.member(Role.ADMIN)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert [s for s in secrets if s.encode() in everything] == []
    assert b"pbkdf2" not in everything and b"argon2" not in everything and b"md5$" not in everything
    for label, attnames in CREDENTIAL_FIELDS.items():
        rows = json.loads(archive.read(f"data/{label}.json"))
        assert rows and all(row["fields"].get(name, "") == "" for row in rows for name in attnames), label


def test_import_of_a_secret_free_export_gives_fresh_revoked_credentials(alpha, client_for, tmp_path):
    from django.core.management import call_command

    fill_company(alpha)
    path = tmp_path / "alpha.zip"
    path.write_bytes(exported(client_for(alpha.member(Role.ADMIN))))
    call_command("import_company", str(path), "--slug", "alpha-copy")
    copy = Company.objects.get(slug="alpha-copy")
    with scopes_disabled():
        tokens = list(ApiToken.objects.filter(company=copy))
        invitations = list(Invitation.objects.filter(company=copy))
        feeds = list(CalendarFeed.objects.filter(company=copy))
    assert tokens and invitations and feeds
    assert all(len(t.key_hash) == 64 and t.revoked_at for t in tokens)
    assert all(f.token_hash and f.revoked_at for f in feeds)
    assert all(i.nonce for i in invitations)


def secret_looking(name):
    return any(marker == name or marker in name.split("_") for marker in SECRET_MARKERS)


def test_every_secret_looking_field_of_a_company_model_is_left_out_or_explained():
    unlisted = []
    for model in company_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if secret_looking(field.attname) and not field.is_relation \
                    and field.attname not in CREDENTIAL_FIELDS.get(label, []) \
                    and field.attname not in NOT_SECRET.get(label, {}):
                unlisted.append(f"{label}.{field.attname}")
    assert unlisted == []
