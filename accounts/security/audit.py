"""Recording the audit log, generically: every write of a company's rows, sign-ins and tokens.

pre_save keeps a snapshot of the stored row, post_save compares and writes one entry, post_delete
writes one entry. The actor comes from the request being answered (AuditContextMiddleware); Celery
tasks and commands have none. Queryset `.update()`/`bulk_create()` bypass model signals, so writes
done that way (conditional claims, bulk imports) are not in the log: services that need them logged
call `record()` themselves.
"""

import json
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
}
# Fields whose change alone is bookkeeping, not an edit.
IGNORED_FIELDS = {"last_used_at", "updated_at", "last_login"}
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
    return label == "accounts.Company" or company_field(model) is not None


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
        company_id=company_id, actor=actor, actor_email=actor_email or (actor.email if actor else ""),
        action=action, changes=changes or {}, ip_address=current_ip(),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr or (safe_repr(obj) if obj is not None else ""),
    )
    entry.save()
    return entry


# ---------------------------------------------------------------- model signals

def snapshot_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_recording() or not is_logged(sender) or instance._state.adding or instance.pk is None:
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
        record(action=action, company_id=company_id_of(instance), obj=instance, changes=changes)
        return
    if before is None:
        return  # the stored row vanished meanwhile, or nothing was compared
    changed = {
        f.name: [plain_value(f, before[f.attname]), plain_value(f, f.value_from_object(instance))]
        for f in fields if f.attname in before and before[f.attname] != f.value_from_object(instance)
    }
    if not set(changed) - IGNORED_FIELDS:
        return
    record(action=update_action(sender, changed), company_id=company_id_of(instance), obj=instance, changes=changed)


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
    company_id = company_id_of(instance)
    if sender._meta.label == "accounts.Company":
        company_id = None  # the company's own log is gone with it: a platform-level entry
    changes = {f.name: plain_value(f, f.value_from_object(instance)) for f in loggable_fields(sender)}
    record(action=AuditAction.DELETE, company_id=company_id, obj=instance, changes=changes)


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
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(snapshot_before_save, dispatch_uid="audit_snapshot")
    post_save.connect(record_save, dispatch_uid="audit_save")
    post_delete.connect(record_delete, dispatch_uid="audit_delete")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
