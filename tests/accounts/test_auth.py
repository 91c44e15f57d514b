"""Sign-in with email, sign-out, password reset by email, password change and the profile page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests.accounts.page_helpers import body
from tests.conftest import PASSWORD
from tests.factories import UserFactory

User = get_user_model()
NEW_PASSWORD = "violet-harbour-73-breeze"


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_page_renders(db, client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'type="email"' in body(response)


def test_member_signs_in_with_email_in_any_case_and_lands_in_the_company(alpha, client):
    response = sign_in(client, "SELLER@Alpha.TEST")
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("company_home", args=["alpha"])


def test_wrong_password_is_a_form_error(alpha, client):
    response = sign_in(client, "seller@alpha.test", "nope")
    assert response.status_code == 200
    assert "correct email address and password" in body(response)


@pytest.mark.parametrize("email", ["x" * 300 + "@example.com", "a\x00@example.com", "not-an-email"])
def test_bad_login_input_is_a_form_error(alpha, client, email):
    response = sign_in(client, email)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_inactive_user_sees_djangos_inactive_message(alpha, client):
    User.objects.filter(email="seller@alpha.test").update(is_active=False)
    response = sign_in(client, "seller@alpha.test")
    assert response.status_code == 200
    assert "This account is inactive." in body(response)
    wrong = sign_in(client, "seller@alpha.test", "nope")
    assert "This account is inactive." not in body(wrong)


def test_user_without_active_companies_sees_an_empty_chooser(alpha, client):
    UserFactory(email="lonely@example.com")
    sign_in(client, "lonely@example.com")
    response = client.get(reverse("home"))
    assert "not a member of any company" in body(response)


def test_sign_out_needs_post(alpha, client_for):
    client = client_for(alpha.member(Role.ADMIN))
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("profile")).status_code == 302


def test_password_reset_end_to_end(alpha, client):
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": "Head@Alpha.test"})
    assert response.url == reverse("password_reset_done")
    assert client.get(response.url).status_code == 200
    [message] = mail.outbox
    assert message.to == ["head@alpha.test"]
    assert "\n" not in message.subject and message.subject
    assert message.alternatives and "href=" in message.alternatives[0][0]
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.context["form"].errors
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert client.get(done.url).status_code == 200
    assert sign_in(client, "head@alpha.test", NEW_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    reused = client.get(link, follow=True)
    assert not reused.context["validlink"]
    assert "not valid" in body(reused)


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(alpha, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_profile_updates_name_and_language(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    page = client.get(reverse("profile"))
    assert page.status_code == 200 and "Alpha Ltd" in body(page)
    response = client.post(reverse("profile"), {"first_name": "Anna", "last_name": "K", "language": "ru"})
    assert response.status_code == 302
    user = User.objects.get(email="exec@alpha.test")
    assert (user.first_name, user.language) == ("Anna", "ru")
    assert '<html lang="ru">' in body(client.get(reverse("profile")))
    client.post(reverse("profile"), {"first_name": "Anna", "last_name": "K", "language": ""})
    assert User.objects.get(email="exec@alpha.test").language == ""


@pytest.mark.parametrize("payload,field", [
    ({"first_name": "x" * 151}, "first_name"),
    ({"first_name": "a\x00"}, "first_name"),
    ({"language": "de"}, "language"),
])
def test_bad_profile_input_is_a_form_error(alpha, client_for, payload, field):
    response = client_for(alpha.member(Role.EXECUTIVE)).post(reverse("profile"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_profile_needs_sign_in(db, client):
    assert client.get(reverse("profile")).status_code == 302


def test_password_change(alpha, client_for):
    client = client_for(alpha.member(Role.EXECUTIVE))
    assert client.get(reverse("password_change")).status_code == 200
    wrong = client.post(reverse("password_change"), {"old_password": "nope", "new_password1": NEW_PASSWORD,
                                                     "new_password2": NEW_PASSWORD})
    assert "old_password" in wrong.context["form"].errors
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD})
    assert response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    assert User.objects.get(email="exec@alpha.test").check_password(NEW_PASSWORD)
