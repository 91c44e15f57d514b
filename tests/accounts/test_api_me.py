"""GET/PATCH /api/v1/me/: the signed-in user's own profile."""

from accounts.models import Role


def test_me_shows_the_signed_in_users_profile(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.EXECUTIVE)).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == "exec@alpha.test"


def test_me_patch_changes_names_and_language_but_not_email(alpha, api_client_for):
    user = alpha.user(Role.SALES_MANAGER)
    response = api_client_for(user).patch(
        "/api/v1/me/", {"first_name": "Ann", "language": "ru", "email": "other@evil.test"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.language, user.email) == ("Ann", "ru", "seller@alpha.test")


def test_me_patch_rejects_unknown_language_with_a_field_error(alpha, api_client_for):
    response = api_client_for(alpha.member(Role.ADMIN)).patch("/api/v1/me/", {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()


def test_me_needs_authentication(db, anon_api):
    response = anon_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
