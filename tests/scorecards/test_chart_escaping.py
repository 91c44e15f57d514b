"""Managers' names are text in the team chart, never Plotly markup."""

import json

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role

pytestmark = pytest.mark.django_db
MARKUP = "<b>X</b><a href=x>y</a>"


def test_manager_name_is_escaped_in_the_team_figures(alpha, api_client_for, team):
    get_user_model().objects.filter(pk=team["seller"].user_id).update(first_name=MARKUP, last_name="")
    data = api_client_for(alpha.member(Role.EXECUTIVE)).get(
        "/api/v1/companies/alpha/scorecards/team/?period=2026-Q1").json()
    figures = json.dumps(data["figures"], ensure_ascii=False)
    assert MARKUP not in figures and "<a href" not in figures
    assert "&lt;b&gt;X&lt;/b&gt;&lt;a href=x&gt;y&lt;/a&gt;" in figures
