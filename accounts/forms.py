"""Forms of the accounts pages. Business rules live in services; forms only shape input."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .concurrency import StaleObject, VersionedFormMixin, form_stale
from .models import TIMEZONE_CHOICES, Company, Role, User, validate_no_nul


def add_service_errors(form, error, field_map=None):
    """Put a service's ValidationError on the form: known fields get theirs, the rest become form-wide errors."""
    field_map = field_map or {}
    if isinstance(error, StaleObject):
        form_stale(form, error)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = field_map.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


class NoNulMixin:
    """Every text field refuses NUL bytes with a form error (PostgreSQL cannot store them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and validate_no_nul not in field.validators:
                field.validators.append(validate_no_nul)


class EmailAuthenticationForm(NoNulMixin, AuthenticationForm):
    username = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            # ModelBackend refuses inactive users silently; with the right password, say why instead.
            if error.code == "invalid_login" and self._inactive_user_with_this_password():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _inactive_user_with_this_password(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not email or not password:
            return False
        user = User.objects.filter(email__iexact=email, is_active=False).first()
        return user is not None and user.check_password(password)


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


class ProfileForm(NoNulMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("Company's language"))] + list(settings.LANGUAGES),
        help_text=_("Leave empty to use the language of the company you are looking at."),
    )


class CompanySettingsForm(VersionedFormMixin, NoNulMixin, forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    timezone = forms.ChoiceField(label=_("Timezone"), choices=TIMEZONE_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 help_text=_("Default language for members who have not chosen their own."))
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for all members"), required=False,
        help_text=_("Members without a second factor are sent to set one up before they see any company data."),
    )


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.display_name} ({obj.user.email})"


class DepartmentForm(VersionedFormMixin, NoNulMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    head = MembershipChoiceField(label=_("Head"), queryset=None, required=False, empty_label=_("No head"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = company.memberships.filter(is_active=True).select_related("user")


def active_departments_field(company, label, empty_label):
    return forms.ModelChoiceField(
        label=label, required=False, empty_label=empty_label,
        queryset=company.departments.filter(is_archived=False).order_by("name"),
    )


class MemberForm(VersionedFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = active_departments_field(company, _("Department"), _("No department"))


class MemberFilterForm(forms.Form):
    """Filters of the member list (GET); an invalid value is shown as an error and ignored."""

    STATUS_CHOICES = [("", _("Active and inactive")), ("active", _("Active")), ("inactive", _("Inactive"))]

    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles"))] + list(Role.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = active_departments_field(company, _("Department"), _("All departments"))
        self.order_fields(["role", "department", "status"])


class InvitationForm(NoNulMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = active_departments_field(company, _("Department"), _("No department"))


class InvitationSignupForm(NoNulMixin, forms.Form):
    """A new visitor accepting an invitation: name and a password that passes Django's validators."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Password"), max_length=128, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), max_length=128, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            probe = User(email=self.email, first_name=cleaned.get("first_name") or "",
                         last_name=cleaned.get("last_name") or "")
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApiTokenForm(NoNulMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. \"CRM export script\"."))
