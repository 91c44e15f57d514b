"""Two-factor pages of the signed-in user (outside any company)."""

from django.urls import path

from . import two_factor

urlpatterns = [
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery-codes/", two_factor.recovery_codes_new, name="two_factor_recovery_codes"),
    path("accounts/two-factor/disable/", two_factor.two_factor_disable_view, name="two_factor_disable"),
]
