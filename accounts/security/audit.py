"""Recording the audit log, generically: every write of a company's rows, sign-ins and tokens.

pre_save keeps a snapshot of the stored row, post_save compares and writes one entry, post_delete
writes one entry. The actor comes from the request being answered (AuditContextMiddleware); Celery
tasks and commands have none. Many-to-many changes are logged through m2m_changed.

Queryset `.update()` sends no model signal: services write such updates (conditional claims, bulk
revocations) with `update_logged(queryset, **values)`, which records one entry per changed row.
`bulk_create()`/`bulk_update()` are left to bulk imports, which log one summary entry themselves.
"""

import json
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .context import current_actor, current_ip, is_recording
from .models import AuditAction, AuditLogEntry

# Models with a company that are NOT logged row by row, with the reason.
NOT_LOGGED = {
    "accounts.AuditLogEntry": "the log itself",
    "audits.FactorScore": "derived: recomputed from answers, which are logged",
    "audits.RoundFactorScore": "derived: recomputed from the round's audits",
    "audits.AnswerRevision": "the answer's own history; the answer's write is logged",
    "audits.AuditTransition": "the audit's own status history; the status change is logged as state_change",
    "notifications.Notification": "the worker's delivery bookkeeping (attempts, errors), not a change by anyone",
    "dashboards.DashboardSnapshot": "derived: the dashboards' read model, recomputed from logged rows",
    "dashboards.FiguresGeneration": "derived: the read model's change counter, bumped by logged writes",
}
# A person's own rows (account, two-factor devices): no company of their own, so they are logged in every
# company the person is an active member of (a platform-level entry when they are in none).
USER_OWNED = {"accounts.User": "pk", "otp_totp.TOTPDevice": "user_id", "otp_static.StaticDevice": "user_id"}
# Fields whose change alone is bookkeeping, not an edit (django-otp's drift and throttling counters included).
IGNORED_FIELDS = {"last_used_at", "updated_at", "last_login", "last_t", "drift", "throttling_failure_timestamp",
                  "throttling_failure_count", "last_generated_timestamp"}
SECRET_MARKERS = ("password", "secret", "hash", "nonce", "token", "key")
MAX_VALUE_LENGTH = 200


def company_field(model):
    """The model's `company` foreign key (or one-to-one) to Company, or None."""
    try:
        field = model._meta.get_field("company")
    except FieldDoesNotExist:
        return None
    company_model = apps.get_model("accounts", "Company")
    if (field.many_to_one or field.one_to_one) and field.related_model is company_model:
        return field
    return None


@cache
def is_logged(model):
    label = model._meta.label
    if label in NOT_LOGGED or model._meta.proxy and model._meta.concrete_model._meta.label in NOT_LOGGED:
        return False
    return label == "accounts.Company" or label in USER_OWNED or company_field(model) is not None


def company_ids_for_row(instance):
    """The companies whose log gets an entry about this row ([None]: a platform-level entry)."""
    attname = USER_OWNED.get(instance._meta.label)
    if attname is None:
        return [company_id_of(instance)]
    membership_model = apps.get_model("accounts", "Membership")
    user_id = getattr(instance, attname)
    return list(membership_model._base_manager.filter(user_id=user_id, is_active=True)
                .values_list("company_id", flat=True).order_by("company_id")) or [None]


def record_row(*, action, instance, changes, company_id=None):
    for company in [company_id] if company_id is not None else company_ids_for_row(instance):
        record(action=action, company_id=company, obj=instance, changes=changes)


def company_id_of(instance):
    if instance._meta.label == "accounts.Company":
        return instance.pk
    return getattr(instance, "company_id", None)


def is_secret(field):
    name = field.name.lower()
    return any(marker == name or marker in name.split("_") for marker in SECRET_MARKERS)


def plain_value(field, value):
    """A JSON-safe, short rendering of a stored value; secrets are masked."""
    if is_secret(field):
        return "•••" if value else ""
    if isinstance(field, models.FileField):
        value = getattr(value, "name", value) or ""
    value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        value = value[:MAX_VALUE_LENGTH] + "…"
    return value


def loggable_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def stored_values(instance, fields):
    return {f.attname: f.value_from_object(instance) for f in fields}


def safe_repr(instance):
    try:
        return str(instance)[:200]
    except ObjectDoesNotExist:  # a __str__ that needs a missing related row must not break the write
        return f"{instance._meta.verbose_name} #{instance.pk}"


def record(*, action, company_id=None, obj=None, changes=None, actor=None, actor_email="", object_repr=""):
    """Append one entry (the only way entries are written)."""
    actor = actor or current_actor()
    entry = AuditLogEntry(
        company_id=company_id, actor=actor, actor_email=(actor_email or (actor.email if actor else ""))[:254],
        action=action, changes=changes or {}, ip_address=current_ip(),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (safe_repr(obj) if obj is not None else ""))[:200],
    )
    entry.save()
    return entry


# ---------------------------------------------------------------- model signals

def remember_stored(instance):
    """Keep a row's values, just read from the database under a lock (nobody can change them meanwhile), as the
    snapshot its next save compares with: the save then reads nothing more (one query less on autosave)."""
    stored = stored_values(instance, loggable_fields(type(instance)))
    # a file's name, as the database holds it: the FieldFile object itself changes in place when a file is saved
    instance._audit_before = {name: getattr(value, "name", value) if isinstance(value, models.fields.files.FieldFile)
                              else value for name, value in stored.items()}


def snapshot_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_recording() or not is_logged(sender) or instance._state.adding or instance.pk is None:
        return
    if "_audit_before" in instance.__dict__:  # remember_stored: the caller read the row under a lock just now
        return
    fields = loggable_fields(sender)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    stored = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    instance._audit_before = stored


def record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not is_recording() or not is_logged(sender):
        return
    before = instance.__dict__.pop("_audit_before", None)
    fields = loggable_fields(sender)
    if created:
        changes = {f.name: plain_value(f, f.value_from_object(instance)) for f in fields}
        action = AuditAction.TOKEN_CREATED if sender._meta.label == "accounts.ApiToken" else AuditAction.CREATE
        record_row(action=action, instance=instance, changes=changes)
        return
    if before is None:
        return  # the stored row vanished meanwhile, or nothing was compared
    changed = {
        f.name: [plain_value(f, before[f.attname]), plain_value(f, f.value_from_object(instance))]
        for f in fields if f.attname in before and before[f.attname] != f.value_from_object(instance)
    }
    if not set(changed) - IGNORED_FIELDS:
        return
    record_row(action=update_action(sender, changed), instance=instance, changes=changed)


def update_action(model, changed):
    label = model._meta.label
    if label == "accounts.ApiToken" and "revoked_at" in changed and changed["revoked_at"][0] is None:
        return AuditAction.TOKEN_REVOKED
    if label == "accounts.Membership" and "role" in changed:
        return AuditAction.ROLE_CHANGE
    if "status" in changed:
        return AuditAction.STATE_CHANGE
    return AuditAction.UPDATE


def record_delete(sender, instance, origin=None, **kwargs):
    if not is_recording() or not is_logged(sender):
        return
    changes = {f.name: plain_value(f, f.value_from_object(instance)) for f in loggable_fields(sender)}
    if sender._meta.label == "accounts.Company":
        # The company's own log is gone with it: a platform-level entry.
        record(action=AuditAction.DELETE, company_id=None, obj=instance, changes=changes)
        return
    record_row(action=AuditAction.DELETE, instance=instance, changes=changes)


def update_logged(queryset, **values):
    """`queryset.update(**values)` that records an entry per changed row (update() itself sends no signal).

    The rows are locked while they are compared, so a conditional claim (`filter(status=old).update(...)`)
    stays a claim: the returned count is what update() returned.
    """
    model = queryset.model
    if not is_recording() or not is_logged(model):
        return queryset.update(**values)
    fields = [model._meta.get_field(name) for name in values]
    attnames = [f.attname for f in fields]
    with transaction.atomic(using=queryset.db):
        # pk order: concurrent writers lock the same rows in the same order; `of` locks these rows only.
        locked = queryset.select_for_update(of=("self",)).order_by("pk").values("pk", *attnames)
        before = {row["pk"]: row for row in locked}
        if not before:
            return 0
        count = queryset.filter(pk__in=list(before)).update(**values)
        for obj in model._base_manager.filter(pk__in=list(before)).order_by("pk"):
            old = before[obj.pk]
            changed = {f.name: [plain_value(f, old[f.attname]), plain_value(f, f.value_from_object(obj))]
                       for f in fields if old[f.attname] != f.value_from_object(obj)}
            if set(changed) - IGNORED_FIELDS:
                record_row(action=update_action(model, changed), instance=obj, changes=changed)
    return count


def record_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Links added to or removed from a logged row's many-to-many field: one UPDATE entry of that row."""
    if action not in ("post_add", "post_remove", "pre_clear") or reverse or not is_recording():
        return
    if not is_logged(type(instance)):
        return
    field = next((f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action == "pre_clear":
        pk_set = set(getattr(instance, field.name).values_list("pk", flat=True))
        if not pk_set:
            return
    change = {"post_add": "added", "post_remove": "removed", "pre_clear": "removed"}[action]
    names = [str(obj)[:MAX_VALUE_LENGTH] for obj in model._base_manager.filter(pk__in=pk_set).order_by("pk")]
    if names:
        record_row(action=AuditAction.UPDATE, instance=instance, changes={field.name: {change: names}})


# ---------------------------------------------------------------- sign-in signals

def company_ids_of(user):
    """Every company the person is an active member of sees their sign-ins."""
    if user is None:
        return []
    membership_model = apps.get_model("accounts", "Membership")
    return list(membership_model._base_manager.filter(user=user, is_active=True).values_list("company_id", flat=True))


def record_for_user_companies(*, action, user, actor=None, actor_email=""):
    for company_id in company_ids_of(user) or [None]:
        record(action=action, company_id=company_id, obj=user, actor=actor, actor_email=actor_email,
               object_repr=user.email if user is not None else actor_email)


def on_logged_in(sender, request, user, **kwargs):
    from .middleware import mark_session_signed_in

    if request is not None and hasattr(request, "session"):
        mark_session_signed_in(request, user)
    record_for_user_companies(action=AuditAction.LOGIN, user=user, actor=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_for_user_companies(action=AuditAction.LOGOUT, user=user, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username") or credentials.get("email") or "")[:254].strip().lower()
    user_model = apps.get_model("accounts", "User")
    user = user_model._base_manager.filter(email__iexact=email).first() if email else None
    if user is None:
        record(action=AuditAction.LOGIN_FAILED, actor_email=email, object_repr=email)
        return
    record_for_user_companies(action=AuditAction.LOGIN_FAILED, user=user, actor_email=email)


def connect():
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    pre_save.connect(snapshot_before_save, dispatch_uid="audit_snapshot")
    post_save.connect(record_save, dispatch_uid="audit_save")
    post_delete.connect(record_delete, dispatch_uid="audit_delete")
    m2m_changed.connect(record_m2m, dispatch_uid="audit_m2m")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
