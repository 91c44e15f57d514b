"""Every state-changing HTML form has an API operation doing the same, or a stated reason why none is needed.

The forms are discovered from the URL resolver: every named URL pattern whose view accepts POST (a function
view without a method restriction, or restricted to a list that holds POST; a class-based view with a
`post` method). A new form route is therefore a failure here until FORM_API says what its API is, checked
like the permissions table: every entry must name a real route, and every API entry a real operation of
the OpenAPI schema (path and method), so neither side can drift away from the other.
"""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

C = "/api/v1/companies/{company_slug}/"


def api(method, path):
    """An equivalent API operation: method and path as the OpenAPI schema writes it."""
    return ("api", method.lower(), path)


def none(reason):
    """No API operation needed, and why."""
    return ("none", reason)


# Pages whose function view has no method restriction: POST renders them like GET and writes nothing.
READ_ONLY = "read-only page without a method restriction; a POST renders it like GET and writes nothing"
Q = C + "questionnaires/{questionnaire_pk}/"
AUDIT = C + "department-audits/{audit_pk}/"
KNOWLEDGE = C + "scorecards/knowledge-checks/{knowledge_check_pk}/"

# Form route name → the API operation doing the same (or why none is needed).
FORM_API = {
    # ---- outside a company: sign-in, sign-up, invitations, profile, two-factor
    "login": none("browser session sign-in; API clients authenticate with a personal token"),
    "logout": none("ends the browser session; a token is revoked with DELETE tokens/{id}/"),
    "signup": api("post", "/api/v1/signup/"),
    "invitation_accept": api("post", "/api/v1/invitations/{token}/accept/"),
    "profile": api("patch", "/api/v1/me/"),
    "password_reset": none("a person-facing email flow; no script resets a password"),
    "password_reset_confirm": none("follows the reset email's signed link in a browser"),
    "password_change": none("a person's own password, entered in the browser; tokens do not carry passwords"),
    "two_factor_setup": none("scanning a QR code with an authenticator is a person's act in a browser"),
    "two_factor_verify": none("the second step of a browser sign-in"),
    "two_factor_disable": none("a person's own second factor, confirmed in a browser"),
    "two_factor_recovery_codes": none("recovery codes are shown once to a person in a browser"),
    "home": none(READ_ONLY),
    "set_language": none("Django's language switch for the browser session; the API takes Accept-Language"),
    # ---- company administration
    "department_create": api("post", C + "departments/"),
    "department_edit": api("patch", C + "departments/{id}/"),
    "department_archive": api("delete", C + "departments/{id}/"),
    "department_restore": api("post", C + "departments/{id}/restore/"),
    "member_edit": api("patch", C + "members/{id}/"),
    "member_deactivate": api("patch", C + "members/{id}/"),  # {"is_active": false}
    "member_reactivate": api("patch", C + "members/{id}/"),  # {"is_active": true}
    "invitation_create": api("post", C + "invitations/"),
    "invitation_resend": api("post", C + "invitations/{id}/resend/"),
    "invitation_revoke": api("post", C + "invitations/{id}/revoke/"),
    "company_settings": api("patch", C),
    "token_create": api("post", C + "tokens/"),
    "token_revoke": api("delete", C + "tokens/{id}/"),
    "onboarding_defaults": api("post", C + "onboarding/defaults/"),
    "company_export": none("a download for the admin to keep; the API reads every part of it already"),
    "company_deletion": none("deleting a tenant is confirmed by a person in the browser, never scripted"),
    "company_deletion_cancel": none("pairs with the deletion request, a browser-only act"),
    # ---- audits
    "audits:round_open": api("post", C + "rounds/"),
    "audits:answer_save": api("put", AUDIT + "answers/"),
    "audits:audit_detail": api("put", AUDIT + "answers/"),  # the answering page's own save button
    "audits:audit_copy_previous": api("post", AUDIT + "copy-previous/"),
    "audits:audit_submit": api("post", AUDIT + "submit/"),
    "audits:audit_reopen": api("post", AUDIT + "reopen/"),
    "audits:action_create": api("post", C + "action-items/"),
    "audits:action_edit": api("patch", C + "action-items/{action_item_pk}/"),
    "audits:matrix": api("put", C + "matrix/"),
    "audits:schedule": api("put", C + "schedule/"),
    "audits:questionnaire_copy": api("post", Q + "copy/"),
    "audits:questionnaire_rename": api("patch", Q),
    "audits:questionnaire_publish": api("post", Q + "publish/"),
    "audits:question_add": api("post", Q + "questions/"),
    "audits:question_edit": api("patch", Q + "questions/{question_pk}/"),
    "audits:question_delete": api("delete", Q + "questions/{question_pk}/"),
    # history import (TAG=import): the page uploads a file and confirms; the API posts the rows as JSON
    "audits:history_import": api("post", C + "history-imports/"),  # {"dry_run": true} is the preview
    "audits:history_import_confirm": api("post", C + "history-imports/"),
    # ---- dashboards
    "dashboards:settings": api("patch", C + "dashboard/settings/"),
    # ---- notifications
    "notifications:read": api("post", C + "notifications/{id}/read/"),
    "notifications:read_all": api("post", C + "notifications/read-all/"),
    "notifications:preferences": api("put", C + "notifications/preferences/"),
    "notifications:calendar_issue": api("post", C + "notifications/calendar/"),
    "notifications:calendar_revoke": api("delete", C + "notifications/calendar/"),
    "notifications:policy": api("put", C + "notifications/policy/"),
    "notifications:failed_retry": api("post", C + "notifications/failed/{id}/retry/"),
    "notifications_public:unsubscribe": none("a signed one-click link from an email (RFC 8058), not an API"),
    "notifications_public:calendar": none(READ_ONLY + " (the iCal feed a calendar client polls)"),
    "notifications:list": none(READ_ONLY),
    "notifications:failed": none(READ_ONLY),
    # ---- scorecards
    "scorecards:entry": api("post", C + "scorecards/activity/bulk/"),
    # the norm page also adds days off: POST scorecards/days-off/ {"manager", "date", "reason"}
    "scorecards:manager_norm": api("put", C + "scorecards/managers/{member_pk}/norm/"),
    "scorecards:day_off_delete": api("delete", C + "scorecards/days-off/{day_off_pk}/"),
    "scorecards:settings": api("put", C + "scorecards/settings/"),
    "scorecards:plans": api("post", C + "scorecards/plans/"),
    "scorecards:ratings": api("post", C + "scorecards/ratings/"),
    "scorecards:knowledge_new": api("post", C + "scorecards/knowledge-checks/"),
    # the edit page also adds a question: POST knowledge-checks/{knowledge_check_pk}/questions/
    "scorecards:knowledge_edit": api("patch", KNOWLEDGE),
    "scorecards:knowledge_take": api("post", KNOWLEDGE + "attempts/"),
    "scorecards:knowledge_question_delete": api("delete", KNOWLEDGE + "questions/{knowledge_question_pk}/"),
    "scorecards:home": none(READ_ONLY),
    "scorecards:manager": none(READ_ONLY),
    "scorecards:team": none(READ_ONLY),
    "scorecards:knowledge": none(READ_ONLY),
    # scorecard history import (activity, plans, ratings): the page uploads a file of one kind and confirms;
    # the API posts that kind's rows as JSON ({"dry_run": true} is the preview). Activity is the default kind.
    "scorecards:upload": api("post", C + "scorecards/history-imports/activity/"),
    "scorecards:upload_preview": api("post", C + "scorecards/history-imports/activity/"),
}

# Namespaces outside the product's forms.
IGNORED_PREFIXES = ("admin:",)

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def _allowed_methods(view):
    """The methods a function view allows (from require_http_methods' closure), or None when unrestricted."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, (list, tuple, set, frozenset)) and value and set(value) <= HTTP_METHODS:
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def accepts_post(callback):
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in getattr(view_class, "http_method_names", ["post"])
    methods = _allowed_methods(callback)
    return methods is None or "POST" in methods


def post_routes():
    """(route name, how it was found) for every named non-API URL pattern whose view accepts POST."""
    found = []

    def walk(patterns, namespace="", prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace,
                     prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}{p.name}"
                route = prefix + str(p.pattern)
                if route.startswith("api/") or name.startswith(IGNORED_PREFIXES):
                    continue
                if accepts_post(p.callback):
                    found.append((name, inspect.getsourcefile(inspect.unwrap(p.callback)) or ""))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture(scope="module")
def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def test_every_form_route_is_in_the_table():
    missing = sorted(name for name, _source in post_routes() if name not in FORM_API)
    assert not missing, (
        "These pages accept POST but tests/test_form_api_parity.py FORM_API does not say which API operation "
        "does the same (api(method, path)) or why none is needed (none(reason)):\n  " + "\n  ".join(missing))


def test_every_table_entry_is_a_form_route():
    routes = {name for name, _source in post_routes()}
    stale = sorted(set(FORM_API) - routes)
    assert not stale, "FORM_API names routes that no longer accept POST (or no longer exist):\n  " + "\n  ".join(stale)


def test_every_api_entry_is_an_operation_of_the_schema(db, schema_operations):
    wrong = sorted(f"{name}: {entry[1].upper()} {entry[2]}" for name, entry in FORM_API.items()
                   if entry[0] == "api" and (entry[1], entry[2]) not in schema_operations)
    assert not wrong, "FORM_API points at operations the OpenAPI schema does not have:\n  " + "\n  ".join(wrong)


def test_every_exception_gives_a_reason():
    assert all(len(entry) >= 2 and entry[0] in ("api", "none") for entry in FORM_API.values())
    assert all(entry[1].strip() for entry in FORM_API.values() if entry[0] == "none")
