"""Pages outside any company: sign-in, sign-up, password reset, invitations, profile."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views_auth
from .forms import EmailAuthenticationForm
from .security import passwords

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=EmailAuthenticationForm,
        redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="emails/password_reset.txt",
        html_email_template_name="emails/password_reset.html",
        subject_template_name="emails/password_reset_subject.txt"), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", passwords.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("accounts/password-change/", passwords.PasswordChangeView.as_view(
        template_name="accounts/password_change.html"), name="password_change"),
    path("accounts/password-change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("signup/", views_auth.signup, name="signup"),
    path("profile/", views_auth.profile, name="profile"),
    path("invitations/<str:token>/", views_auth.invitation_accept, name="invitation_accept"),
    path("", include("accounts.security.urls")),  # two-factor pages
]
