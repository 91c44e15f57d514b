"""Password change and reset pages that also revoke the user's API tokens (Django's views otherwise).

A token taken while someone else knew the old password must stop working once it is changed; both in one
transaction, so a password is never saved while the tokens stay.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction

from .services import api_tokens_revoke_for_user


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            api_tokens_revoke_for_user(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            api_tokens_revoke_for_user(user=form.user)
        return response


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Platform staff setting a user's password revoke the user's tokens too, like the user's own change."""

    def save(self, commit=True):
        with transaction.atomic():
            user = super().save(commit=commit)
            if commit:
                api_tokens_revoke_for_user(user=user)
        return user
