"""The fail-closed guard: every tenant-owned model is scoped, and a query outside a scope raises."""

import pytest
from django.apps import apps
from django_scopes import ScopeError

from accounts.models import Company, Department

# Models that belong to no single company, with the reason.
NOT_TENANT_OWNED = {
    "accounts.User": "a person may belong to several companies",
    "accounts.Company": "the tenant itself",
    "audits.Factor": "the fixed, global catalogue of the seven system factors",
}
FRAMEWORK_APPS = {"admin", "auth", "contenttypes", "sessions", "axes", "otp_totp", "otp_static", "django_celery_beat"}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label not in FRAMEWORK_APPS]


def reaches_company(model, depth=0):
    """True when the model has a foreign-key path to Company."""
    if model is Company:
        return True
    if depth > 4:
        return False
    return any(
        (f.many_to_one or f.one_to_one) and f.related_model is not None and reaches_company(f.related_model, depth + 1)
        for f in model._meta.get_fields()
        if f.concrete
    )


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_every_tenant_owned_model_is_scoped(model):
    label = model._meta.label
    if label in NOT_TENANT_OWNED:
        return
    assert reaches_company(model), f"{label} has no path to Company; add it or list it in NOT_TENANT_OWNED with a reason"
    with pytest.raises(ScopeError):
        list(model.objects.all()[:1])


def test_query_outside_scope_raises(alpha):
    with pytest.raises(ScopeError):
        list(Department.objects.all())


def test_query_inside_scope_sees_only_that_company(alpha, beta, in_scope):
    with in_scope(alpha.company):
        names = set(Department.objects.values_list("company__slug", flat=True))
    assert names == {"alpha"}
