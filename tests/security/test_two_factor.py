"""Two-factor authentication: enrolment with a TOTP app and recovery codes, the second sign-in step, and the
company setting under which unenrolled members reach no company data."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.security.two_factor import recovery_codes_regenerate
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def after_a_pause():
    """django-otp throttles a device after a wrong code (1 s, then doubling); a real user waits that long."""
    return time_machine.travel(timezone.now() + timedelta(minutes=1))


def enrol(user):
    """A confirmed authenticator and ten recovery codes, as the setup page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, recovery_codes_regenerate(user=user)


def sign_in_with_password(client, email):
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return response


# ---------------------------------------------------------------- enrolment

def test_user_enrols_from_the_profile_page(alpha, client_for):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    assert reverse("two_factor_setup") in client.get(reverse("profile")).content.decode()
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "otpauth://totp/" in text and "issuer=Responsibility%20Audit" in text
    device = TOTPDevice.objects.get(user=alpha.user(Role.SALES_MANAGER), confirmed=False)
    assert re.search(r'value="[A-Z2-7]{32}"', text)

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    with after_a_pause():
        done = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=device.user).count() == 10
    status = client.get(reverse("two_factor_setup"))
    assert "accounts/security/two_factor_status.html" in [t.name for t in status.templates]
    assert not any(code in status.content.decode() for code in codes)  # shown once only


def test_setup_requires_sign_in(db, client):
    assert client.get(reverse("two_factor_setup")).status_code == 302


def test_empty_code_is_a_form_error(alpha, client_for):
    client = client_for(alpha.member(Role.SALES_MANAGER))
    assert client.post(reverse("two_factor_setup"), {"code": ""}).status_code == 400


# ---------------------------------------------------------------- the second step of signing in

def test_enrolled_user_must_give_a_code_before_reaching_anything(alpha, client, api_client_for):
    device, _ = enrol(alpha.user(Role.EXECUTIVE))
    sign_in_with_password(client, "exec@alpha.test")
    company_page = client.get(reverse("company_home", args=["alpha"]))
    assert company_page.status_code == 302 and company_page["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("profile")).status_code == 302
    api = client.get(reverse("api-departments", args=["alpha"]))
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]

    assert client.get(reverse("two_factor_verify")).status_code == 200
    assert client.post(reverse("two_factor_verify"), {"code": "12345x"}).status_code == 400
    with after_a_pause():
        response = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": "/c/alpha/"})
        assert response.status_code == 302 and response["Location"] == "/c/alpha/"
        assert client.get(reverse("company_home", args=["alpha"])).status_code == 200
        assert client.get(reverse("api-departments", args=["alpha"])).status_code == 200


def test_verify_ignores_an_offsite_next(alpha, client):
    device, _ = enrol(alpha.user(Role.EXECUTIVE))
    sign_in_with_password(client, "exec@alpha.test")
    response = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": "https://evil.test/"})
    assert response["Location"] == reverse("home")


def test_recovery_code_works_once(alpha, client):
    _, codes = enrol(alpha.user(Role.EXECUTIVE))
    sign_in_with_password(client, "exec@alpha.test")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("company_home", args=["alpha"])).status_code == 200
    client.post(reverse("logout"))
    sign_in_with_password(client, "exec@alpha.test")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400
    with after_a_pause():
        assert client.post(reverse("two_factor_verify"), {"code": codes[1]}).status_code == 302


def test_user_without_device_signs_in_with_the_password_only(alpha, client):
    sign_in_with_password(client, "exec@alpha.test")
    assert client.get(reverse("company_home", args=["alpha"])).status_code == 200
    assert client.get(reverse("two_factor_verify")).status_code == 302  # nothing to verify


def test_new_recovery_codes_replace_the_old_ones(alpha, client):
    device, old_codes = enrol(alpha.user(Role.EXECUTIVE))
    sign_in_with_password(client, "exec@alpha.test")
    client.post(reverse("two_factor_verify"), {"code": old_codes[0]})
    assert client.get(reverse("two_factor_recovery_codes")).status_code == 200
    assert client.post(reverse("two_factor_recovery_codes"), {"code": "999999x"}).status_code == 400
    with after_a_pause():
        response = client.post(reverse("two_factor_recovery_codes"), {"code": old_codes[1]})
        new_codes = response.context["codes"]
        assert client.get(reverse("company_home", args=["alpha"])).status_code == 200  # still verified
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert not StaticToken.objects.filter(token__in=old_codes).exists()


def test_turning_off_needs_a_current_code(alpha, client):
    device, codes = enrol(alpha.user(Role.EXECUTIVE))
    sign_in_with_password(client, "exec@alpha.test")
    client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert client.get(reverse("two_factor_disable")).status_code == 200
    assert client.post(reverse("two_factor_disable"), {"code": "bad"}).status_code == 400
    assert TOTPDevice.objects.filter(user=device.user).exists()
    with after_a_pause():
        assert client.post(reverse("two_factor_disable"), {"code": codes[1]}).status_code == 302
        assert not TOTPDevice.objects.filter(user=device.user).exists()
        assert client.get(reverse("two_factor_disable")).status_code == 302  # nothing left to turn off
        assert client.get(reverse("company_home", args=["alpha"])).status_code == 200


# ---------------------------------------------------------------- "require two-factor for all members"

def require_two_factor(company):
    company.require_two_factor = True
    company.save(update_fields=["require_two_factor"])


def test_admin_turns_the_requirement_on_in_company_settings(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    form = client.get(reverse("company_settings", args=["alpha"]))
    assert 'name="require_two_factor"' in form.content.decode()
    response = client.post(reverse("company_settings", args=["alpha"]), {
        "name": "Alpha Ltd", "timezone": "Europe/Moscow", "language": "en", "require_two_factor": "on"})
    assert response.status_code == 302
    alpha.company.refresh_from_db()
    assert alpha.company.require_two_factor


def test_unenrolled_member_reaches_no_company_page_until_enrolled(alpha, client_for):
    require_two_factor(alpha.company)
    client = client_for(alpha.member(Role.DEPARTMENT_HEAD))
    for url in [reverse("company_home", args=["alpha"]), reverse("department_list", args=["alpha"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("profile")).status_code == 200  # outside the company: still reachable
    device = TOTPDevice.objects.create(user=alpha.user(Role.DEPARTMENT_HEAD), name="a", confirmed=False)
    client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert client.get(reverse("company_home", args=["alpha"])).status_code == 200


def test_unenrolled_member_gets_403_with_a_message_from_the_api(alpha, api_client_for):
    require_two_factor(alpha.company)
    response = api_client_for(alpha.member(Role.DEPARTMENT_HEAD)).get(reverse("api-departments", args=["alpha"]))
    assert response.status_code == 403
    assert "requires two-factor" in response.json()["detail"]


def test_unenrolled_member_api_token_is_refused_too(alpha, anon_api):
    from django_scopes import scope

    from accounts.services import api_token_create

    with scope(company=alpha.company):
        _, raw = api_token_create(membership=alpha.member(Role.DEPARTMENT_HEAD), name="script")
    require_two_factor(alpha.company)
    anon_api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anon_api.get(reverse("api-departments", args=["alpha"])).status_code == 403


def test_requirement_leaves_other_companies_alone(alpha, beta, client_for):
    require_two_factor(alpha.company)
    assert client_for(beta.member(Role.DEPARTMENT_HEAD)).get(reverse("company_home", args=["beta"])).status_code == 200
