"""Schemathesis against the project's own OpenAPI schema, in-process, as each role of a seeded company.

How a run works (`run_fuzz`):
- the schema is loaded from /api/schema/ through the Django WSGI app (no server, no network);
- for every role (admin, executive, department head, sales manager) a Bearer API token is made, and every
  operation of the schema is fuzzed with schemathesis' own Hypothesis test builder: the schema's examples,
  the coverage phase (boundary and invalid values, positive and negative) and `examples` generated cases in
  positive and negative mode; `company_slug` is always the seeded company, so requests reach the views;
- operations with id path parameters run twice: with generated ids (mostly unknown → 404) and with the id
  of a real row the role sees, so updates, deletes and actions hit real rows (each half gets half the budget);
- every request runs inside a savepoint that is rolled back afterwards, so DELETE/POST never destroy the
  seed for later examples, and the run leaves the database as it found it;
- every response goes through all of schemathesis' built-in checks (not_a_server_error,
  status_code_conformance, content_type_conformance, response_schema_conformance,
  response_headers_conformance, negative_data_rejection, ignored_auth,
  missing_required_header, unsupported_method, use_after_free, ...).

The result counts operations, calls of the test function (examples) and failures per role and operation.
"""

import gzip
import logging
import os
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

SCHEMA_PATH = "/api/schema/"
# Left out on purpose: positive_data_acceptance demands 2xx for every schema-valid request, but business rules
# the schema cannot express answer 400 by design (an unknown timezone name, another company's id, reopening an
# audit that is not submitted). Every other built-in check runs.
EXCLUDED_CHECKS = [positive_data_acceptance]


@dataclass
class FuzzResult:
    operations: int = 0
    examples: Counter = field(default_factory=Counter)  # (role, operation label) → calls
    failures: list = field(default_factory=list)  # (role, operation label, message)
    server_errors: list = field(default_factory=list)  # tracebacks of 500s
    auth_confirmed: set = field(default_factory=set)  # (role, operation) whose auth enforcement was proven
    seconds: float = 0.0

    @property
    def total_examples(self):
        return sum(self.examples.values())

    def per_operation(self):
        totals = Counter()
        for (_, label), count in self.examples.items():
            totals[label] += count
        return totals

    def summary(self):
        per_op = self.per_operation()
        roles = sorted({role for role, _ in self.examples})
        lines = [
            f"schemathesis {schemathesis.__version__}: {self.operations} operations x {len(roles)} roles, "
            f"{self.total_examples} examples in {self.seconds:.0f}s, "
            f"min {min(per_op.values(), default=0)} / max {max(per_op.values(), default=0)} examples per operation "
            f"(all roles), {len(self.failures)} failures",
        ]
        for role in roles:
            counts = [c for (r, _), c in self.examples.items() if r == role]
            lines.append(f"  {role}: {sum(counts)} examples, min {min(counts)} per operation")
        for role, label, message in self.failures:
            lines.append(f"FAILURE as {role}: {label}\n{message}")
        for text in self.server_errors[:10]:
            lines.append(f"SERVER ERROR traceback:\n{text}")
        return "\n".join(lines)


class _SameConnection:
    """Keep Django from closing the test's connection between requests (as django.test.Client does)."""

    def __enter__(self):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)

    def __exit__(self, *exc):
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class _InflatingClient:
    """The WSGI app as an HTTP client sees it: a gzip-encoded body arrives inflated.

    Schemathesis' WSGI transport sends requests' default `Accept-Encoding: gzip, deflate` but, unlike requests over
    HTTP, hands the checks the body as sent. The dashboards API answers such clients with its stored gzip bodies
    (tests/dashboards/test_stored_bodies.py); inflating here lets every check read what a client reads."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        answer = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        headers = answer["headers"]
        if any(name.lower() == "content-encoding" and value == "gzip" for name, value in headers):
            body = gzip.decompress(body)
            headers = [(name, value) for name, value in headers
                       if name.lower() not in ("content-encoding", "content-length")]
            headers.append(("Content-Length", str(len(body))))
        start_response(answer["status"], headers, answer["exc_info"])
        return [body]


def load_schema():
    app = _InflatingClient(get_wsgi_application())
    with _SameConnection():
        return schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)


def _settings(max_examples, seed):
    return hypothesis.settings(
        max_examples=max_examples, deadline=None, database=None, derandomize=seed is None,
        suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
        verbosity=hypothesis.Verbosity.quiet, print_blob=False,
    )


def real_path_parameters(operation, ids):
    """`ids`: (URL segment before the parameter, parameter name) → a real row's id, or None."""
    segments = operation.path.strip("/").split("/")
    found = {}
    for before, segment in zip(segments, segments[1:], strict=False):
        if segment.startswith("{") and segment != "{company_slug}":
            name = segment[1:-1]
            found[name] = ids.get((before, name))
    if not found or any(value is None for value in found.values()):
        return None
    return found


def run_fuzz(*, schema, company_slug, tokens, real_ids, examples_per_role, coverage=True, seed=None,
             operation_filter=None, log=print):
    """Fuzz every operation as each role. `tokens`: role → raw Bearer token; `real_ids`: role → ids (see above)."""
    result = FuzzResult()
    operations = [op.ok() for op in schema.get_all_operations()]
    if operation_filter:
        operations = [op for op in operations if operation_filter in op.label]
    result.operations = len(operations)
    project = schema.config
    started = time.monotonic()

    def on_exception(sender, request=None, **kwargs):
        result.server_errors.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    signals.got_request_exception.connect(on_exception)
    request_logger = logging.getLogger("django.request")
    level, request_logger.level = request_logger.level, logging.CRITICAL  # 4xx lines by the thousand; 500s below
    try:
        with _SameConnection():
            for role, token in tokens.items():
                role_started = time.monotonic()
                headers = {"Authorization": f"Bearer {token}"}
                for operation in operations:
                    runs = [{"company_slug": company_slug}]
                    real = real_path_parameters(operation, real_ids[role])
                    if real:
                        runs.append({"company_slug": company_slug, **real})
                    budget = max(1, -(-examples_per_role // len(runs)))  # rounded up: never under the budget
                    for path_parameters in runs:
                        _fuzz_one(operation, role, headers, path_parameters, budget, project, seed, result,
                                  coverage=coverage)
                log(f"fuzz: {role} done in {time.monotonic() - role_started:.0f}s")
    finally:
        signals.got_request_exception.disconnect(on_exception)
        request_logger.level = level
        result.seconds = time.monotonic() - started
    return result


def call_and_check(case, headers, excluded=()):
    """Send the case and run every check not excluded, the response-conformance ones included
    (tests/fuzz/test_response_checks.py proves a wrong status, content type or body fails here)."""
    return case.call_and_validate(headers=headers, excluded_checks=[*EXCLUDED_CHECKS, *excluded])


def _fuzz_one(operation, role, headers, path_parameters, max_examples, project, seed, result, *, coverage):
    key = (role, operation.label)

    def test(case):
        result.examples[key] += 1
        # ignored_auth re-sends a 2xx request without and with a wrong token; as in schemathesis' own engine,
        # one confirmation per operation (and role) is enough: enforcement is a property of the operation.
        excluded = [ignored_auth] if key in result.auth_confirmed else []
        with transaction.atomic():
            try:
                response = call_and_check(case, headers, excluded)
                if 200 <= response.status_code < 300:
                    result.auth_confirmed.add(key)
            finally:
                transaction.set_rollback(True)

    modes = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING]
    if coverage:
        modes.append(HypothesisTestMode.COVERAGE)
    config = HypothesisTestConfig(
        project=project, modes=modes, settings=_settings(max_examples, seed), seed=seed,
        override=Override(path_parameters=path_parameters),
    )
    hypothesis_test = create_test(operation=operation, test_func=test, config=config)
    try:
        hypothesis_test()
    except hypothesis.errors.Unsatisfiable:
        pass
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - each operation's failures are reported
        result.failures.append((role, f"{operation.label} {path_parameters}", str(error)[:4000]))


def env_int(name, default):
    return int(os.environ.get(name) or default)
