"""Forms of the accounts pages. Business rules live in services; forms only shape input."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import TIMEZONE_CHOICES, Company, User, validate_no_nul


class NoNulMixin:
    """Every text field refuses NUL bytes with a form error (PostgreSQL cannot store them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and validate_no_nul not in field.validators:
                field.validators.append(validate_no_nul)


class EmailAuthenticationForm(NoNulMixin, AuthenticationForm):
    username = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))


class SignupForm(NoNulMixin, forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address name"), max_length=50,
        help_text=_("Latin letters, digits and hyphens; your links will start with /c/<address name>/."),
    )
    timezone = forms.ChoiceField(label=_("Timezone"), choices=TIMEZONE_CHOICES, initial="Europe/Moscow")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="ru")
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=128)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            for name in ("first_name", "last_name", "email", "password"):
                del self.fields[name]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Company.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("This address name is taken; choose another."))
        return slug

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists. Sign in first, then create the company."))
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password and "password" in self.fields:
            probe = User(email=cleaned.get("email") or "", first_name=cleaned.get("first_name") or "",
                         last_name=cleaned.get("last_name") or "")
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
