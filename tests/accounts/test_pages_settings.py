"""Company settings page (admin only): name, timezone, language."""

import pytest

from accounts.models import Role
from tests.accounts.page_helpers import page


def test_admin_sees_current_settings_and_saves_new_ones(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(page(alpha, "company_settings")).context["form"].initial["name"] == "Alpha Ltd"
    response = client.post(page(alpha, "company_settings"),
                           {"name": "Alpha Group", "timezone": "Asia/Yekaterinburg", "language": "ru"})
    assert response.status_code == 302
    alpha.company.refresh_from_db()
    assert (alpha.company.name, alpha.company.timezone, alpha.company.language) == (
        "Alpha Group", "Asia/Yekaterinburg", "ru")


@pytest.mark.parametrize("payload,field", [
    ({"name": "A", "timezone": "Mars/Olympus", "language": "en"}, "timezone"),
    ({"name": "A", "timezone": "UTC", "language": "de"}, "language"),
    ({"name": "x" * 121, "timezone": "UTC", "language": "en"}, "name"),
    ({"name": "A\x00B", "timezone": "UTC", "language": "en"}, "name"),
    ({"name": "", "timezone": "UTC", "language": "en"}, "name"),
])
def test_bad_settings_are_form_errors_and_nothing_changes(alpha, client_for, payload, field):
    response = client_for(alpha.member(Role.ADMIN)).post(page(alpha, "company_settings"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    alpha.company.refresh_from_db()
    assert (alpha.company.name, alpha.company.timezone) == ("Alpha Ltd", "Europe/Moscow")
