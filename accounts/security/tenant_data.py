"""A company's data as one set: the generic walkers behind tenant export, import and deletion.

A company's rows are the rows of every model with a `company` foreign key (or one-to-one) to
Company, found at run time with apps.get_models(), so models other apps add later are included
without a change here. The Company row and the users its rows point at travel with them.
"""

import io
import json
import zipfile
from collections import defaultdict
from pathlib import PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ..uploads import content_matches_extension
from .audit import company_field
from .context import recording_paused

FORMAT_VERSION = 1
# User fields that travel with an export: no password hash, staff flags or permissions.
USER_FIELDS = ["email", "first_name", "last_name", "language"]
# Credentials are never carried over: the export leaves them blank (an archive is a file people mail around;
# a token hash is enough to test guesses offline, a nonce to rebuild an invitation link with the signing key),
# and an imported API token or calendar feed gets a fresh random hash and is revoked, an imported invitation
# a fresh nonce. Users travel without password hashes (USER_FIELDS); 2FA devices and the unsubscribe links'
# keys are not company rows; tests/security/test_export_secrets.py fails when a new secret-looking field
# appears on a company model without being listed here.
CREDENTIAL_FIELDS = {"accounts.ApiToken": ["key_hash"], "accounts.Invitation": ["nonce"],
                     "notifications.CalendarFeed": ["token_hash"]}
REVOKED_ON_IMPORT = {"accounts.ApiToken", "notifications.CalendarFeed"}
# Globally unique keys built from the old rows' ids: kept readable, made unique to the copy.
UNIQUE_KEYS_ON_IMPORT = {"notifications.Notification": "dedupe_key"}
# JSON fields whose keys are other rows' ids: {model: (field, model of those ids)}; remapped like foreign keys.
JSON_ID_KEYS = {"scorecards.KnowledgeAttempt": ("answers", "scorecards.KnowledgeQuestion")}


def company_models(*, include_derived=False):
    """Every concrete model holding rows of one company (a `company` link to Company); without the models
    marked `derived_data` (rows recomputed from the others, such as a read model), which are neither exported
    nor imported: the copy recomputes them."""
    return [
        m for m in apps.get_models()
        if not m._meta.proxy and not m._meta.auto_created and company_field(m) is not None
        and (include_derived or not getattr(m, "derived_data", False))
    ]


def rows_of(model, company):
    """The company's rows of one model (base manager: no scope, no default filtering)."""
    return model._base_manager.filter(company=company).order_by("pk")


def row_counts(company):
    """Row count per model label: the figure an export/import round trip must keep."""
    # Cross-tenant helper used by the export, the import check and the deletion check.
    with scopes_disabled():
        return {m._meta.label: rows_of(m, company).count() for m in company_models()}


def file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def file_names(company):
    """Names in the default storage of every file the company's rows hold."""
    names = []
    with scopes_disabled():  # reading one company's file names, in a service outside any request scope
        for model in company_models():
            for field in file_fields(model):
                names += [n for n in rows_of(model, company).values_list(field.attname, flat=True) if n]
    return names


def user_model():
    return apps.get_model("accounts", "User")


def referenced_user_ids(company):
    """Every user a company row points at (members, authors, actors)."""
    ids = set()
    user = user_model()
    with scopes_disabled():
        for model in company_models():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is user:
                    ids.update(rows_of(model, company).exclude(**{field.attname: None})
                               .values_list(field.attname, flat=True))
    return ids


# ---------------------------------------------------------------- export

def company_export(*, company):
    """The company's data as zip bytes: manifest.json, company.json, users.json, data/<model>.json, files/…"""
    buffer = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, scope(company=company):
        archive.writestr("company.json", serializers.serialize("json", [company]))
        users = user_model()._base_manager.filter(pk__in=referenced_user_ids(company)).order_by("pk")
        archive.writestr("users.json", json.dumps(list(users.values("pk", *USER_FIELDS)), indent=1))
        for model in company_models():
            rows = without_credentials(list(rows_of(model, company)))
            counts[model._meta.label] = len(rows)
            archive.writestr(f"data/{model._meta.label}.json", serializers.serialize("json", rows, indent=1))
        for name in file_names(company):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    archive.writestr(f"files/{name}", stored.read())
        manifest = {"format": FORMAT_VERSION, "company": company.slug, "exported_at": timezone.now().isoformat(),
                    "row_counts": counts}
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return buffer.getvalue()


def without_credentials(rows):
    """The rows (in memory only, never saved) with their CREDENTIAL_FIELDS blanked for the archive."""
    for row in rows:
        for attname in CREDENTIAL_FIELDS.get(row._meta.label, []):
            setattr(row, attname, "")
    return rows


# ---------------------------------------------------------------- import

class ImportError_(ValueError):
    """The archive is not an export of this product, or does not fit this database."""


def dependency_order(model_list):
    """Models ordered so that a required (non-null) link points at a model imported earlier."""
    remaining, ordered = list(model_list), []
    while remaining:
        for model in remaining:
            needs = {f.related_model for f in model._meta.concrete_fields
                     if f.is_relation and not f.null and f.related_model in remaining and f.related_model is not model}
            if not needs:
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            raise ImportError_(f"circular required links between {[m._meta.label for m in remaining]}")
    return ordered


@transaction.atomic
def company_import(*, archive_bytes, slug, name=None):
    """Create a NEW company from an export: new primary keys, links remapped, users matched by email."""
    from accounts.models import Company

    if not content_matches_extension("export.zip", archive_bytes, check_parts=False):
        raise ImportError_("not a ZIP archive (an export of this product is one)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ImportError_(f"not a readable export archive: {error}") from None
    with archive:
        if manifest.get("format") != FORMAT_VERSION:
            raise ImportError_(f"unsupported export format {manifest.get('format')!r}")
        with recording_paused(), scopes_disabled():  # an import writes one new company's rows, from a command
            company = import_company_row(archive, slug=slug, name=name, company_model=Company)
            # Signals may have given the new company default rows (factor responsibilities, settings);
            # the export is the whole truth, so those make way for the exported ones.
            delete_company_rows(company)
            pk_map = {Company: {json.loads(archive.read("company.json"))[0]["pk"]: company.pk},
                      user_model(): import_users(archive)}
            import_rows(archive, company=company, pk_map=pk_map, labels=manifest["row_counts"])
            remap_json_keys(pk_map)
    return company


def import_company_row(archive, *, slug, name, company_model):
    obj = next(serializers.deserialize("json", archive.read("company.json"))).object
    obj.pk, obj.slug = None, slug
    obj.name = name or obj.name
    obj.deletion_requested_at = None
    obj._state.adding = True
    obj.full_clean()
    save_raw(obj)
    return obj


def save_raw(obj):
    """Insert as loaddata does (raw): receivers leave the row alone (no default rows for a "new" company, no
    audit entries) and stored timestamps are kept."""
    obj.save_base(raw=True, force_insert=True)


def import_users(archive):
    """Old user pk → user of this database with the same email (created without a usable password)."""
    mapping = {}
    user = user_model()
    for row in json.loads(archive.read("users.json")):
        existing = user._base_manager.filter(email__iexact=row["email"]).first()
        if existing is None:
            existing = user.objects.create_user(**{f: row[f] for f in USER_FIELDS})
        mapping[row["pk"]] = existing.pk
    return mapping


def import_rows(archive, *, company, pk_map, labels):
    """Insert every model's rows in dependency order; links to rows not yet inserted are set afterwards."""
    models_in_archive = [apps.get_model(label) for label in labels]
    deferred = []  # (model, new pk, field attname, old target pk)
    m2m = []
    for model in dependency_order(models_in_archive):
        pk_map.setdefault(model, {})
        for item in serializers.deserialize("json", archive.read(f"data/{model._meta.label}.json")):
            obj, old_pk = item.object, item.object.pk
            later = remap_links(obj, pk_map, company)
            refresh_credentials(obj)
            copy_files(archive, obj)
            obj.pk = None
            obj._state.adding = True
            save_raw(obj)
            pk_map[model][old_pk] = obj.pk
            deferred += [(model, obj.pk, attname, target, old) for attname, target, old in later]
            m2m += [(obj, name, values) for name, values in (item.m2m_data or {}).items()]
    for model, new_pk, attname, target, old in deferred:
        if old not in pk_map.get(target, {}):
            raise ImportError_(f"{model._meta.label}.{attname} points at a missing {target._meta.label} #{old}")
        model._base_manager.filter(pk=new_pk).update(**{attname: pk_map[target][old]})
    for obj, name, values in m2m:
        target = obj._meta.get_field(name).related_model
        getattr(obj, name).set([pk_map[target][v] if target in pk_map else v for v in values])


def remap_json_keys(pk_map):
    """Rewrite the ids used as keys in JSON fields (JSON_ID_KEYS) to the imported rows' ids; a key whose row
    is not in the archive any more is dropped, so it can never name another row of this database."""
    for label, (attname, target_label) in JSON_ID_KEYS.items():
        model, target = apps.get_model(label), apps.get_model(target_label)
        new_ids = pk_map.get(target, {})
        for pk, value in model._base_manager.filter(pk__in=pk_map.get(model, {}).values()).values_list("pk", attname):
            remapped = {str(new_ids[int(key)]): chosen for key, chosen in (value or {}).items()
                        if key.isdigit() and int(key) in new_ids}
            model._base_manager.filter(pk=pk).update(**{attname: remapped})


def remap_links(obj, pk_map, company):
    """Point the row's links at the new rows; returns the nullable links whose target comes later."""
    later = []
    for field in obj._meta.concrete_fields:
        if not field.is_relation:
            continue
        old = getattr(obj, field.attname)
        target = field.related_model
        if old is None:
            continue
        if target._meta.label == "accounts.Company":
            setattr(obj, field.attname, company.pk)
        elif target in pk_map and old in pk_map[target]:
            setattr(obj, field.attname, pk_map[target][old])
        elif company_field(target) is not None or target is user_model():
            if not field.null:
                raise ImportError_(f"{obj._meta.label}.{field.name} points at a missing {target._meta.label} #{old}")
            setattr(obj, field.attname, None)
            later.append((field.attname, target, old))
        elif not target._base_manager.filter(pk=old).exists():
            # A global row (the factor catalogue): the same data migration makes the same rows everywhere.
            raise ImportError_(f"{obj._meta.label}.{field.name}: no {target._meta.label} #{old} in this database")
    return later


def refresh_credentials(obj):
    import secrets

    from accounts.models import hash_token

    label = obj._meta.label
    for attname in CREDENTIAL_FIELDS.get(label, []):
        setattr(obj, attname, secrets.token_hex() if attname == "nonce" else hash_token(secrets.token_urlsafe(32)))
    if label in REVOKED_ON_IMPORT and obj.revoked_at is None:
        obj.revoked_at = timezone.now()
    if label in UNIQUE_KEYS_ON_IMPORT:
        attname = UNIQUE_KEYS_ON_IMPORT[label]
        max_length = obj._meta.get_field(attname).max_length
        setattr(obj, attname, f"import:{secrets.token_hex(6)}:{getattr(obj, attname)}"[:max_length])


def copy_files(archive, obj):
    """Store the row's files again under names made from its new links."""
    for field in file_fields(type(obj)):
        old_name = getattr(obj, field.attname)
        if not old_name:
            continue
        try:
            content = archive.read(f"files/{old_name}")
        except KeyError:
            setattr(obj, field.attname, "")  # the file was already missing when exported
            continue
        getattr(obj, field.name).save(PurePosixPath(str(old_name)).name, ContentFile(content), save=False)


# ---------------------------------------------------------------- deletion

def delete_company_rows(company):
    """Delete every row of the company, children first: links between its rows may be PROTECT, which a
    plain cascade from Company refuses even when both ends go."""
    from django.db.models import ProtectedError

    remaining = list(reversed(dependency_order(company_models(include_derived=True))))
    while remaining:
        progress = False
        for model in list(remaining):
            try:
                with transaction.atomic():
                    rows_of(model, company).delete()
            except ProtectedError:
                continue  # another company model still protects these rows; it comes first next round
            remaining.remove(model)
            progress = True
        if not progress:
            raise ImportError_(f"cannot delete rows of {[m._meta.label for m in remaining]}")


def rows_referencing(company_pk):
    """Per model label, how many rows still point at the company id (any link to Company)."""
    from accounts.models import Company

    leftovers = defaultdict(int)
    with scopes_disabled():  # a check over every tenant's tables
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is Company:
                    count = model._base_manager.filter(**{field.attname: company_pk}).count()
                    if count:
                        leftovers[model._meta.label] += count
    return dict(leftovers)
