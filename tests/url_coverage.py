"""Fails the run when a URL pattern was never requested by a test (outside the cross-tenant sweep).

Every test-client request records the resolved route; at the end of a full run the routes
never hit are compared with EXEMPT. Works with pytest-xdist through files in a temp folder.
"""

import os
import tempfile
from pathlib import Path

import pytest

# Routes no test needs to request, with the reason.
EXEMPT = {
    "admin:*",  # Django's admin is tested through the company admin tests, not route by route
    "set_language",  # Django's own view, used by every page's language form
}

HITS: set[str] = set()
_RUN_DIR = Path(os.environ.get("URL_COVERAGE_DIR", tempfile.gettempdir())) / "url-coverage"


def all_routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return names


def is_exempt(name):
    return name in EXEMPT or any(e.endswith("*") and name.startswith(e[:-1]) for e in EXEMPT)


@pytest.fixture(autouse=True)
def _record_routes(request):
    if request.node.get_closest_marker("cross_tenant"):
        yield
        return
    from django.test import client as test_client

    original = test_client.ClientHandler.__call__

    def recording(self, environ):
        response = original(self, environ)
        match = getattr(getattr(response, "wsgi_request", None), "resolver_match", None)
        if match is not None and match.view_name:
            HITS.add(match.view_name)
        return response

    test_client.ClientHandler.__call__ = recording
    try:
        yield
    finally:
        test_client.ClientHandler.__call__ = original


def _is_full_run(config):
    args = [a for a in config.args if not a.startswith("-")]
    # `make test` leaves the long API fuzz to its own CI step (-m "not fuzz"); that is still the whole suite.
    return (not args or args == [str(config.rootpath / "tests")] or args == ["tests"]) and not config.option.keyword \
        and config.option.markexpr in ("", "not fuzz") and not getattr(config.option, "lf", False)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        _RUN_DIR.mkdir(parents=True, exist_ok=True)
        for f in _RUN_DIR.glob("*.txt"):
            f.unlink()


def pytest_sessionfinish(session, exitstatus):
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    if worker:
        (_RUN_DIR / f"{worker}.txt").write_text("\n".join(sorted(HITS)))
        return
    if not _is_full_run(session.config) or exitstatus != 0:
        return
    hits = set(HITS)
    for f in _RUN_DIR.glob("*.txt"):
        hits |= set(f.read_text().split())
    missing = sorted(r for r in all_routes() - hits if not is_exempt(r))
    if missing:
        session.config._url_coverage_missing = missing
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, config):
    missing = getattr(config, "_url_coverage_missing", None)
    if missing:
        terminalreporter.section("URL patterns no test requested")
        for name in missing:
            terminalreporter.write_line(f"  {name}")
        terminalreporter.write_line("Add a test that requests each, or an exemption with a reason in tests/url_coverage.py.")
