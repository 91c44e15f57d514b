"""examples/setup_company.py against a live server: a whole company, its people and two years of history
through the API alone (CI runs this test, so the example cannot rot)."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django_scopes import scopes_disabled

from audits.models import Round

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "setup_company.py"
LINK = re.compile(r"/invitations/([^/\s]+)/")

pytestmark = pytest.mark.django_db(transaction=True)


def load_script():
    spec = importlib.util.spec_from_file_location("setup_company", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invitation_token(email):
    """The token of the newest invitation email to `email` (the locmem outbox stands in for the inbox)."""
    for message in reversed(mail.outbox):
        if email in message.to:
            return LINK.search(message.body).group(1)
    return None


def test_the_example_script_sets_up_a_company_with_people_and_two_years_of_history(live_server, capsys):
    cache.clear()  # the sign-up throttle counts per address in the cache
    script = load_script()
    result = script.run(live_server.url, slug="acme", email="admin@acme.example", quarters=8,
                        accept=invitation_token)
    with capsys.disabled():
        print(f"\nexample script: {result['calls']} API calls, {result['accepted']} invitations accepted, "
              f"{len(result['periods'])} quarters imported, {result['rows']} rows in {result['import_seconds']:.2f} s, "
              f"whole set-up {result['seconds']:.1f} s")
    assert result["departments"] == 5
    assert result["accepted"] == len(script.PEOPLE)
    assert result["rated"] == 2  # both invited sales managers joined and were rated
    steps = {step["key"]: step["done"] for step in result["checklist"]["steps"]}
    assert all(steps.values()) and result["checklist"]["complete"], steps
    with scopes_disabled():  # reading the result from the test
        periods = sorted(Round.objects.filter(company__slug="acme").values_list("period", flat=True))
    assert periods == sorted(result["periods"]) and len(periods) == 8
    assert result["summary"]["period"] == result["periods"][-1]
    assert result["summary"]["system_index"] is not None
    # The problems planted in the history are what the dashboard reports, from the imported dates and answers.
    sentences = {s["kind"]: s for s in result["summary"]["sentences"]}
    assert sentences["late_department"]["department"] == script.LATE_DEPARTMENT
    assert sentences["late_department"]["values"]["late"] == 8, sentences["late_department"]
    falls = [s for s in result["summary"]["sentences"]
             if s["kind"] == "factor_change" and s["values"]["direction"] == "fell"]
    assert [s["factor"] for s in falls][:1] == [script.SLIDING_FACTOR], result["summary"]["sentences"]
    assert "API calls" not in capsys.readouterr().err
