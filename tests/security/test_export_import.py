"""Tenant export and import: the zip holds every row of the company and none of another; importing it as a
new company reproduces the same row counts per model, with files."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditAction, AuditLogEntry, Company, Role, User
from accounts.security.audit import company_field
from accounts.security.tenant_data import company_models, row_counts
from audits.models import Answer
from notifications.models import CalendarFeed
from scorecards.models import KnowledgeAttempt, KnowledgeQuestion
from tests.security.conftest import fill_company

pytestmark = pytest.mark.django_db


def download(client):
    response = client.post(reverse("company_export", args=["alpha"]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    return response.content


def archive_of(data):
    return zipfile.ZipFile(io.BytesIO(data))


def test_export_page_explains_and_post_downloads(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(reverse("company_export", args=["alpha"])).status_code == 200
    data = download(client)
    assert "manifest.json" in archive_of(data).namelist()
    with scopes_disabled():
        assert AuditLogEntry.objects.filter(company=alpha.company, action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER])
def test_only_admins_export(alpha, client_for, role):
    client = client_for(alpha.member(role))
    assert client.get(reverse("company_export", args=["alpha"])).status_code == 403
    assert client.post(reverse("company_export", args=["alpha"])).status_code == 403


def test_outsider_cannot_export(alpha, beta, client_for):
    assert client_for(beta.member(Role.ADMIN)).post(reverse("company_export", args=["alpha"])).status_code == 404


def test_export_holds_every_row_of_the_company_and_none_of_another(alpha, beta, client_for):
    fill_company(alpha)
    fill_company(beta)
    client = client_for(alpha.member(Role.ADMIN))  # signing in is itself a logged event: before counting
    expected = row_counts(alpha.company)
    archive = archive_of(download(client))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["row_counts"] == expected
    foreign = 0
    for label in expected:
        rows = json.loads(archive.read(f"data/{label}.json"))
        assert len(rows) == expected[label], label
        foreign += sum(1 for row in rows if row["fields"].get("company") not in (alpha.company.pk,))
    assert foreign == 0
    users = json.loads(archive.read("users.json"))
    assert users and not [u for u in users if u["email"].endswith("@beta.test")]
    assert all("password" not in u for u in users)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Beta Inc" not in everything and b"@beta.test" not in everything
    files = [n for n in archive.namelist() if n.startswith("files/")]
    assert len(files) == 1 and archive.read(files[0]).endswith(b"alpha")


def test_round_trip_reproduces_the_same_row_counts_per_model(alpha, beta, client_for, tmp_path, capsys):
    fill_company(alpha)
    fill_company(beta)
    client = client_for(alpha.member(Role.ADMIN))
    before = row_counts(alpha.company)
    beta_before = row_counts(beta.company)
    path = tmp_path / "alpha.zip"
    path.write_bytes(download(client))
    users_before = User.objects.count()

    call_command("import_company", str(path), "--slug", "alpha-copy")

    copy = Company.objects.get(slug="alpha-copy")
    after = row_counts(copy)
    print(f"\nexport/import round trip: {sum(before.values())} rows in {len(before)} models; "
          f"equal per model: {after == before}")
    assert after == before
    assert sum(after.values()) > 20
    assert row_counts(beta.company) == beta_before
    assert User.objects.count() == users_before  # everyone attached by email, nobody duplicated
    with scopes_disabled():  # checking the copy's links from the test
        answer = Answer.objects.get(company=copy)
        assert answer.audit.company_id == copy.pk and answer.question.company_id == copy.pk
        assert default_storage.open(answer.evidence_file.name).read().endswith(b"alpha")
        assert answer.evidence_file.name != Answer.objects.get(company=alpha.company).evidence_file.name
        assert answer.audit.factors.count() == 2
        sales = copy.departments.get(name="Sales")
        assert sales.head.company_id == copy.pk and sales.head.user.email == "head@alpha.test"
        assert not copy.api_tokens.filter(revoked_at__isnull=True).exists()  # credentials never carry over


def test_import_creates_missing_users_without_a_usable_password(alpha, client_for, tmp_path):
    fill_company(alpha)
    path = tmp_path / "alpha.zip"
    path.write_bytes(download(client_for(alpha.member(Role.ADMIN))))
    User.objects.filter(email="seller@alpha.test").update(email="renamed@elsewhere.test")
    call_command("import_company", str(path), "--slug", "alpha-two")
    created = User.objects.get(email="seller@alpha.test")
    assert not created.has_usable_password()


def test_import_refuses_a_taken_slug_and_a_missing_file(alpha, client_for, tmp_path):
    path = tmp_path / "alpha.zip"
    path.write_bytes(download(client_for(alpha.member(Role.ADMIN))))
    with pytest.raises((CommandError, Exception)):
        call_command("import_company", str(path), "--slug", "alpha")
    with pytest.raises(CommandError):
        call_command("import_company", str(tmp_path / "missing.zip"), "--slug", "x")
    assert Company.objects.filter(slug="alpha").count() == 1


TENANT_EXEMPT = {
    # Models that point at a company's rows without a `company` link of their own, with the reason.
}


def test_every_model_pointing_at_company_rows_has_its_own_company_link():
    """The export and deletion walk `company` links; a child reaching its company only through a parent
    would be left out of the export, so every such model must carry `company` (or an exemption above)."""
    owned = set(company_models())
    missing = []
    for model in apps.get_models():
        if model in owned or model._meta.label in TENANT_EXEMPT or model._meta.auto_created:
            continue
        targets = [f.related_model for f in model._meta.concrete_fields if f.is_relation]
        if any(t in owned for t in targets):
            missing.append(model._meta.label)
    assert not missing, f"models without a company link that point at company rows: {missing}"
    assert all(company_field(m) is not None for m in owned)


def test_every_tenant_model_has_rows_in_the_fixture(alpha):
    """The round trip only proves what the fixture fills: a new tenant model must get a row in fill_company,
    or this fails (and with it the promise that the export carries it)."""
    fill_company(alpha)
    empty = sorted(label for label, count in row_counts(alpha.company).items() if count == 0)
    assert not empty, f"tenant models without a row in tests/security/conftest.py fill_company: {empty}"


def test_every_model_linked_to_company_is_exported():
    """Export, import and deletion walk `company` links; a model linking Company under another name (or a
    second link) would be left out of the export, so every link to Company must be the `company` field.
    Models marked `derived_data` (the dashboards' read model) are walked for deletion, recomputed after import."""
    owned = set(company_models(include_derived=True))
    missed = []
    for model in apps.get_models():
        links = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is Company]
        if links and (model not in owned or links != ["company"]):
            missed.append(f"{model._meta.label}.{links}")
    assert not missed, f"models linked to Company outside the export walk: {missed}"


def test_round_trip_counts_per_model_for_every_app(alpha, beta, client_for, tmp_path):
    fill_company(alpha)
    fill_company(beta)
    client = client_for(alpha.member(Role.ADMIN))
    before = row_counts(alpha.company)
    path = tmp_path / "alpha.zip"
    path.write_bytes(download(client))
    call_command("import_company", str(path), "--slug", "alpha-copy")
    after = row_counts(Company.objects.get(slug="alpha-copy"))
    apps_covered = {label.split(".")[0] for label, count in before.items() if count}
    print("\nexport/import row counts per model (exported = imported):\n" + "\n".join(
        f"  {label}: {before[label]} = {after.get(label)}" for label in sorted(before)))
    assert {"accounts", "audits", "notifications", "scorecards", "dashboards"} <= apps_covered
    assert all(before.values()), "every tenant model carries rows in this round trip"
    assert after == before
    with scopes_disabled():  # the copy's secrets are new and revoked: the old feed URL cannot read the copy
        copy = Company.objects.get(slug="alpha-copy")
        feed = CalendarFeed.objects.get(company=copy)
        assert feed.revoked_at is not None
        assert feed.token_hash != CalendarFeed.objects.get(company=alpha.company).token_hash


def test_import_points_knowledge_answers_at_the_copied_questions(alpha, client_for, tmp_path):
    fill_company(alpha)
    with scopes_disabled():
        check = KnowledgeQuestion.objects.get(company=alpha.company).knowledge_check
        second = KnowledgeQuestion.objects.create(company=alpha.company, knowledge_check=check, text="And?",
                                                  options=["x", "y", "z"], correct_option=2)
        first = KnowledgeQuestion.objects.exclude(pk=second.pk).get(company=alpha.company)
        # 999999: a question deleted since; its answer must not come to name some other row of the copy.
        KnowledgeAttempt.objects.filter(company=alpha.company).update(
            answers={str(first.pk): 1, str(second.pk): 0, "999999": 1})
    path = tmp_path / "alpha.zip"
    path.write_bytes(download(client_for(alpha.member(Role.ADMIN))))

    call_command("import_company", str(path), "--slug", "alpha-copy")

    with scopes_disabled():
        copy = Company.objects.get(slug="alpha-copy")
        copied = {q.text: q.pk for q in KnowledgeQuestion.objects.filter(company=copy)}
        attempt = KnowledgeAttempt.objects.get(company=copy)
    assert attempt.answers == {str(copied["Which?"]): 1, str(copied["And?"]): 0}
