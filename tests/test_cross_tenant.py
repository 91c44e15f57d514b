"""The cross-tenant sweep: no member of company A reaches company B's objects through any route.

It walks EVERY URL pattern of the project and EVERY operation of the OpenAPI schema, and for each
role of A (alpha) requests B's (beta) objects with GET, POST, PUT, PATCH and DELETE:

  (a) B's company slug with A's credentials (session, and A's API token on /api/ URLs);
  (b) A's company slug with B's object ids (and, on routes without a company, B's ids directly).

Pass: no response in 2xx, none in 5xx, and B's rows unchanged (row count and checksum of every
scoped model, B's company and B's users, read with scopes disabled). A's own list pages/endpoints
(routes whose only argument is A's slug, or none) must also never mention B.

HOW TO EXTEND (when you add a route with a new path argument)
------------------------------------------------------------
* Name object arguments `<thing>_pk` (`audit_pk`, `round_pk`, `action_item_pk`) and add ONE line to
  KWARG_FILLERS: `"audit_pk": lambda beta: DepartmentAuditFactory(company=beta.company, ...)`.
  A filler receives the beta Tenant (tests/conftest.py) and returns a beta model instance (its pk
  is used) or the exact value to put in the URL (a slug, a period string, a UUID...). It is called
  once per test and only when a route needs it.
* A bare `pk` / `id` is read as `<singular of the path segment before it>_pk`:
  `departments/<int:pk>/` → "department_pk", `activities/<int:pk>/` → "activity_pk".
* An argument that names no company object (a chart name, a period) is wrapped in plain():
  `"chart": plain(lambda beta: "heatmap")`; it is filled but never counts as "B's object".
* Routes that are public by design (no company object behind them: sign-in, sign-up, password
  reset, invitation links, unsubscribe links, iCal feeds with secret tokens, health, schema/docs)
  go in PUBLIC_ROUTES with a comment saying why.
The sweep FAILS, naming the route and the missing key, when it meets an argument it cannot fill.
"""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Company, Invitation, Role, User
from accounts.security.audit import IGNORED_FIELDS
from accounts.services import api_token_create

pytestmark = pytest.mark.cross_tenant

ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.SALES_MANAGER]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def beta_invitation(beta):
    with scopes_disabled():  # test data for company B, built outside any request
        return Invitation.objects.create(
            company=beta.company, email="pending@beta.test", role=Role.EXECUTIVE, nonce="0" * 32,
            expires_at=timezone.now() + timedelta(days=7),
        )


def beta_invitation_link_token(beta):
    """The signed token of a pending invitation of B, as its email link carries it (/api/v1/invitations/<token>/)."""
    from accounts.services import invitation_token

    with scopes_disabled():  # test data for company B, built outside any request
        invitation = Invitation.objects.create(
            company=beta.company, email="link@beta.test", role=Role.ADMIN, nonce="1" * 32,
            expires_at=timezone.now() + timedelta(days=7),
        )
    return invitation_token(invitation)


def beta_token(beta):
    with scope(company=beta.company):
        return api_token_create(membership=beta.member(Role.ADMIN), name="beta script")[0]


def beta_failed_notification(beta):
    from notifications.models import Kind, Notification, Status

    with scopes_disabled():  # test data for company B, built outside any request
        return Notification.objects.create(
            company=beta.company, recipient=beta.member(Role.ADMIN), kind=Kind.values[0],
            dedupe_key="cross-tenant-sweep", status=Status.FAILED,
        )


def plain(value_of):
    """A path argument that names no company object (a chart name, a period): filled, never swept alone."""
    value_of.is_plain = True
    return value_of


def a_department_chart(beta):
    from dashboards.catalogue import DEPARTMENT_CHARTS

    return sorted(DEPARTMENT_CHARTS)[0]


def beta_audit(beta):
    from tests.factories import DepartmentAuditFactory

    return DepartmentAuditFactory(company=beta.company, round__company=beta.company, department=beta.departments["sales"])


def beta_answer(beta):
    from audits.models import Answer
    from tests.factories import QuestionFactory

    audit = beta_audit(beta)
    question = QuestionFactory(questionnaire=audit.round.questionnaire)
    with scopes_disabled():  # test data for company B, built outside any request
        return Answer.objects.create(company=beta.company, audit=audit, question=question, scale_value=3,
                                     evidence_file="evidence/beta.pdf")


def beta_action_item(beta):
    from tests.factories import ActionItemFactory

    return ActionItemFactory(company=beta.company, owner=beta.member(Role.DEPARTMENT_HEAD))


def beta_scorecard_row(beta, kind):
    from tests.scorecards.factories import beta_scorecard_objects

    return beta_scorecard_objects(beta)[kind]


def beta_history_import(beta):
    from audits.models import HistoryImport

    with scopes_disabled():  # test data for company B, built outside any request
        return HistoryImport.objects.create(company=beta.company, content_hash="0" * 64, file_name="beta.csv",
                                            preview={"rows_read": 1, "error_count": 0, "rounds": 1})


def beta_draft_questionnaire(beta):
    from tests.factories import QuestionnaireFactory

    return QuestionnaireFactory(company=beta.company, status="draft")


def beta_draft_question(beta):
    from tests.factories import QuestionFactory

    return QuestionFactory(questionnaire__company=beta.company, questionnaire__status="draft")


# Path argument → company B's object (or the URL value). One line per argument name.
KWARG_FILLERS = {
    "company_slug": lambda beta: beta.company.slug,
    "department_pk": lambda beta: beta.departments["sales"],
    "member_pk": lambda beta: beta.member(Role.SALES_MANAGER),
    "membership_pk": lambda beta: beta.member(Role.SALES_MANAGER),
    "invitation_pk": beta_invitation,
    "token_pk": beta_token,
    "token": beta_invitation_link_token,  # invitation acceptance API: A's members are not the invited person
    "notification_pk": beta_failed_notification,
    "failed_pk": beta_failed_notification,  # /notifications/failed/<pk>/retry/
    "department_id": lambda beta: beta.departments["sales"],  # dashboards; prefer `department_pk` in new routes
    "chart": plain(a_department_chart),
    "audit_id": beta_audit,  # dashboards; prefer `audit_pk` in new routes
    "audit_pk": beta_audit,
    "audit_log_entry_pk": lambda beta: __import__("accounts.security.audit", fromlist=["record"]).record(
        action="export", company_id=beta.company.pk, object_repr="beta export"),
    "round_pk": lambda beta: beta_audit(beta).round,
    "answer_pk": beta_answer,
    "action_item_pk": beta_action_item,
    "factor_key": plain(lambda beta: "product"),  # the factor catalogue is global
    "questionnaire_pk": beta_draft_questionnaire,
    "question_pk": beta_draft_question,
    "dataset": plain(lambda beta: "scores"),
    "fmt": plain(lambda beta: "csv"),
    "day_off_pk": lambda beta: beta_scorecard_row(beta, "day_off"),  # scorecards
    "import_pk": lambda beta: beta_scorecard_row(beta, "import"),
    "history_import_pk": beta_history_import,  # audits: import of past rounds
    "knowledge_check_pk": lambda beta: beta_scorecard_row(beta, "check"),
    "knowledge_question_pk": lambda beta: beta_scorecard_row(beta, "question"),
}

# Public by design: these routes do not address a company's objects (by URL name; "ns:*" = namespace).
PUBLIC_ROUTES = {
    "admin:*",  # platform staff only (Django admin checks is_staff; tenant roles are never staff)
    "password_reset_confirm",  # signed uid/token from a reset email, no company in it
    "invitation_accept",  # signed, single-use invitation link; the token names the invitation
    "set_language",  # Django's language switch
    "notifications_public:unsubscribe",  # signed one-click unsubscribe link from an email
    "notifications_public:calendar",  # iCal feed addressed by its secret token
}

BETA_MARKERS = ("Beta Inc", "@beta.test")
PLACEHOLDER = re.compile(r"\{(?P<name>[^}]+)\}")


# ---------------------------------------------------------------- routes

@dataclass(frozen=True)
class Route:
    """A path template with `{arg}` placeholders, as a URL pattern or an OpenAPI path writes it."""

    template: str
    name: str
    source: str  # "urls" or "openapi"
    methods: tuple = tuple(METHODS)

    @property
    def args(self):
        return PLACEHOLDER.findall(self.template)


def django_template(route):
    """'c/<slug:company_slug>/x/<int:pk>/' → '/c/{company_slug}/x/{pk}/'."""
    return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", route)


def is_public(name):
    return name in PUBLIC_ROUTES or any(p.endswith("*") and name.startswith(p[:-1]) for p in PUBLIC_ROUTES)


def url_routes():
    """Every URL pattern of the project; regex patterns outside PUBLIC_ROUTES are reported as unsupported."""
    routes, unsupported = [], []

    def walk(patterns, prefix="", namespace="", regex=False):
        for p in patterns:
            is_regex = regex or not isinstance(p.pattern, RoutePattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, is_regex)
            elif isinstance(p, URLPattern):
                template = prefix + str(p.pattern)
                name = f"{namespace}{p.name or template}"
                if is_public(name):
                    continue
                if is_regex:
                    unsupported.append(f"{name}: regex pattern {template!r}; use path() or list it in PUBLIC_ROUTES")
                    continue
                routes.append(Route(django_template(template), name, "urls"))

    walk(get_resolver().url_patterns)
    return routes, unsupported


def openapi_routes():
    """Every operation of the OpenAPI schema, as drf-spectacular generates it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = []
    for path, item in schema["paths"].items():
        methods = tuple(m.upper() for m in item if m.upper() in METHODS)
        routes.append(Route(path, f"openapi {path}", "openapi", methods))
    return routes


def singular(word):
    word = word.replace("-", "_")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def filler_key(template, arg):
    """The KWARG_FILLERS key for an argument; a bare pk/id is named by the path segment before it."""
    if arg not in ("pk", "id"):
        return arg
    before = template.split("{" + arg + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    return f"{singular(before)}_pk"


def unfillable(routes):
    missing = []
    for route in routes:
        for arg in route.args:
            key = filler_key(route.template, arg)
            if key not in KWARG_FILLERS:
                missing.append(
                    f"{route.name} ({route.template}): argument {arg!r} needs KWARG_FILLERS[{key!r}] "
                    f"= lambda beta: <company B's object> in tests/test_cross_tenant.py"
                )
    return missing


# ---------------------------------------------------------------- company B's objects and rows

@dataclass
class World:
    alpha: object
    beta: object
    values: dict = field(default_factory=dict)

    def value(self, key):
        """Cached per filler, so two argument names sharing one filler share one object."""
        filler = KWARG_FILLERS[key]
        if filler not in self.values:
            produced = filler(self.beta)
            self.values[filler] = produced.pk if isinstance(produced, models.Model) else produced
        return self.values[filler]

    def targets(self, route):
        """(variant, URL) pairs aimed at company B's objects; none for routes without arguments."""
        args = {arg: filler_key(route.template, arg) for arg in route.args}
        beta_values = {arg: self.value(key) for arg, key in args.items()}
        object_args = [a for a, key in args.items() if key != "company_slug" and not is_plain(key)]
        if "company_slug" in args:
            yield "B slug", fill(route.template, beta_values)
            if object_args:
                yield "A slug + B ids", fill(route.template, {**beta_values, "company_slug": self.alpha.company.slug})
        elif object_args:
            yield "B ids", fill(route.template, beta_values)

    def plain_values(self, route):
        return {arg: self.value(key) for arg in route.args if is_plain(key := filler_key(route.template, arg))}

    def payload(self):
        """A body that would change B's rows if a view accepted it."""
        return {
            "name": "Cross-tenant write", "email": "intruder@alpha.test", "role": Role.ADMIN,
            "department": self.value("department_pk"), "head": self.value("member_pk"), "is_active": False,
            "timezone": "UTC", "language": "en", "first_name": "Intruder", "confirm": "1",
        }


def is_plain(key):
    return getattr(KWARG_FILLERS[key], "is_plain", False)


def fill(template, values):
    return PLACEHOLDER.sub(lambda m: str(values[m["name"]]), template)


def scoped_models():
    """Every tenant model (django-scopes manager) that has a table: a model without one holds no rows of B."""
    tables = set(connection.introspection.table_names())
    return [m for m in apps.get_models() if hasattr(m._default_manager, "with_scope") and m._meta.db_table in tables]


def beta_rows_fingerprint(beta):
    """Per-model row count and checksum of everything company B owns."""
    fingerprint = {}
    with scopes_disabled():  # reading B's rows from the test, outside any request
        for model in scoped_models():
            # Bookkeeping columns (a token's last use) may change on a refused request; the rows' content may not.
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
            rows = list(model._default_manager.with_scope(company=beta.company).order_by("pk").values_list(*fields))
            fingerprint[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        company = list(Company.objects.filter(pk=beta.company.pk).values_list())
        users = list(User.objects.filter(memberships__company=beta.company).order_by("pk").values_list())
    fingerprint["accounts.Company"] = (1, hashlib.sha256(repr(company).encode()).hexdigest())
    fingerprint["accounts.User"] = (len(users), hashlib.sha256(repr(users).encode()).hexdigest())
    return fingerprint


# ---------------------------------------------------------------- requests

def send(client, method, url, body):
    if method in ("GET", "DELETE"):
        return client.generic(method, url)
    if url.startswith("/api/"):
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    return client.generic(method, url, urlencode(body), content_type="application/x-www-form-urlencoded")


def session_client(membership):
    client = Client(raise_request_exception=False)  # a 500 is a response to count, not an exception
    client.force_login(membership.user)
    return client


def token_client(membership):
    """A client sending a fresh personal API token of the membership (no session)."""
    with scope(company=membership.company):
        _, raw = api_token_create(membership=membership, name="sweep")
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def all_routes():
    routes, unsupported = url_routes()
    routes += openapi_routes()
    problems = unsupported + unfillable(routes)
    if problems:
        pytest.fail("The cross-tenant sweep cannot reach these routes:\n  " + "\n  ".join(problems), pytrace=False)
    return routes


def test_every_route_argument_can_be_filled_with_company_b_objects(db, all_routes):
    assert any(r.source == "openapi" for r in all_routes) and any(r.source == "urls" for r in all_routes)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_company_a_reaches_company_b(alpha, beta, all_routes, role):
    world = World(alpha, beta)
    plan = [(route, variant, url) for route in all_routes for variant, url in world.targets(route)]
    body = world.payload()
    before = beta_rows_fingerprint(beta)
    member = alpha.member(role)
    api_clients = {"session": session_client(member), "token": token_client(member)}
    page_clients = {"session": api_clients["session"]}

    bad, sent, seen, statuses = [], 0, set(), Counter()
    for route, variant, url in plan:
        clients = api_clients if url.startswith("/api/") else page_clients
        for method in route.methods:
            for kind, client in clients.items():
                if (method, url, kind) in seen:
                    continue  # an OpenAPI operation already swept through its URL pattern
                seen.add((method, url, kind))
                status = send(client, method, url, body).status_code
                sent += 1
                statuses[status] += 1
                if 200 <= status < 300 or status >= 500:
                    bad.append(f"{status} {method} {url} [{role} {kind}, {variant}; route {route.name}]")

    after = beta_rows_fingerprint(beta)
    changed = sorted(label for label in before if before[label] != after[label])
    sources = Counter(route.source for route, _, _ in plan)
    print(f"\ncross-tenant sweep, role {role}: {sent} requests for {len(plan)} targets "
          f"({sources['urls']} from URL patterns, {sources['openapi']} from OpenAPI), statuses {dict(sorted(statuses.items()))}")
    assert sent >= len(plan), "the sweep sent fewer requests than it planned"
    assert not bad, f"{len(bad)} responses in 2xx/5xx on company B's objects:\n  " + "\n  ".join(bad[:40])
    assert not changed, f"company B's rows changed: {changed}"


@pytest.mark.parametrize("role", ROLES)
def test_company_a_lists_never_mention_company_b(alpha, beta, all_routes, role):
    """Routes with no object argument (A's own lists, the user's pages) must not show B's data."""
    client = session_client(alpha.member(role))
    world = World(alpha, beta)
    leaks, sent = [], 0
    for route in all_routes:
        keys = {filler_key(route.template, arg) for arg in route.args}
        if any(key != "company_slug" and not is_plain(key) for key in keys) or "GET" not in route.methods:
            continue
        url = fill(route.template, {"company_slug": alpha.company.slug, **world.plain_values(route)})
        response = client.get(url)
        sent += 1
        content = response.content.decode(errors="replace") if response.status_code == 200 else ""
        leaks += [f"GET {url} shows {marker!r}" for marker in BETA_MARKERS if marker in content]
    assert sent
    assert not leaks, "\n".join(leaks)
