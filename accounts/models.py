"""Companies (tenants), people, memberships with roles, departments, invitations and API tokens."""

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.timezone import now as current_time
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .concurrency import version_field


def validate_timezone(value):
    """Reject a timezone name that the IANA database does not know."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown timezone: %(tz)s."), params={"tz": value}, code="invalid_timezone")


def validate_no_nul(value):
    """PostgreSQL refuses NUL bytes in text; say so instead of failing on save."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(_("Null characters are not allowed."), code="null_characters")


TIMEZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person; the email address is the login. One person may belong to several companies."""

    username = None
    email = models.EmailField(_("email address"), unique=True, validators=[validate_no_nul])
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True,
        help_text=_("Leave empty to use the company's language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email


# A moment before any tick: a company marked with it is due at the very next tick, whatever the clock says.
DUE_NOW = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class Company(models.Model):
    """The tenant. Every tenant-owned row hangs off one company."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_no_nul])
    slug = models.SlugField(
        _("address name"), max_length=50, unique=True,
        help_text=_("Used in every link of the company: /c/<address name>/"),
    )
    timezone = models.CharField(
        _("timezone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ru")
    is_suspended = models.BooleanField(_("suspended"), default=False)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication for all members"), default=False,
        help_text=_("Members without a second factor see no company data until they set one up."),
    )
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=current_time)
    lock_version = version_field()  # optimistic concurrency: accounts/concurrency.py
    # When the beat tick must next look at this company (a round to open, an audit turning overdue, a reminder,
    # a digest, a send): each tick selects only companies due by now. DUE_NOW means "at the next tick".
    next_due_at = models.DateTimeField(default=DUE_NOW, editable=False)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        indexes = [models.Index(fields=["next_due_at"], name="company_next_due",
                                condition=models.Q(is_suspended=False))]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)


class Role(models.TextChoices):
    ADMIN = "admin", _("Company admin")
    EXECUTIVE = "executive", _("Executive")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    SALES_MANAGER = "sales_manager", _("Sales manager")


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=100, validators=[validate_no_nul])
    head = models.ForeignKey(
        "Membership", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="headed_departments", verbose_name=_("head"),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=current_time)
    lock_version = version_field()

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "company", name="department_name_unique_per_company"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in one company: role, department, active or not."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="members", verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=current_time)
    lock_version = version_field()

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__email"]
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="one_membership_per_company")]

    def __str__(self):
        return f"{self.user} @ {self.company} ({self.get_role_display()})"

    def can(self, permission):
        from .permissions import role_has

        return self.is_active and role_has(self.role, permission)


class Invitation(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"), validators=[validate_no_nul])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    nonce = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    created_at = models.DateTimeField(default=current_time)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.company}"

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_status_display(self):
        return {
            "accepted": _("Accepted"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "pending": _("Pending"),
        }[self.status]


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token, bound to one membership; only its hash is stored."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, validators=[validate_no_nul])
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=current_time)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(company="company")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


from .security.models import AuditAction, AuditLogEntry  # noqa: E402, F401  (the audit log lives with its code)
