"""Writes about companies and people. Keyword-only arguments; validate, then save."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .concurrency import save_versioned
from .models import DUE_NOW, ApiToken, Company, Department, Invitation, Membership, Role, User, hash_token
from .security.audit import update_logged

INVITATION_SALT = "accounts.invitation"


# ---------------------------------------------------------------- companies

@transaction.atomic
def company_signup(*, name, slug, timezone_name, language, email, password, first_name="", last_name="", user=None):
    """A visitor creates a company and becomes its first admin (a signed-in user attaches instead)."""
    company = Company(name=name, slug=slug, timezone=timezone_name, language=language)
    company.full_clean()
    company.save()
    if user is None:
        user = User(email=email.lower(), first_name=first_name, last_name=last_name, language=language)
        user.set_password(password)
        user.full_clean()
        user.save()
    with scope(company=company):
        Membership.objects.create(company=company, user=user, role=Role.ADMIN)
    return company, user


def company_update(*, company, name, timezone_name, language, require_two_factor=None, expected_version=None):
    company.name, company.timezone, company.language = name, timezone_name, language
    if require_two_factor is not None:
        company.require_two_factor = require_two_factor
    company.full_clean()
    save_versioned(company, expected_version=expected_version,
                   update_fields=["name", "timezone", "language", "require_two_factor"])
    company_mark_due(company_id=company.pk)  # a new timezone moves every local moment
    return company


def company_set_suspended(*, company, suspended):
    """Platform staff: a suspended company's members see a notice and its tasks stop."""
    company.is_suspended = suspended
    company.suspended_at = timezone.now() if suspended else None
    company.save(update_fields=["is_suspended", "suspended_at"])
    if not suspended:
        company_mark_due(company_id=company.pk)  # whatever fell due while it was suspended
    return company


def company_mark_due(*, company_id):
    """Something the beat tick schedules for this company changed (a round, a deadline, a due date, the policy):
    have the next tick look at it. After the commit, so the caller's transaction holds no lock on the company
    row (and a rollback marks nothing); were the process to die in between, the daily look catches up."""
    transaction.on_commit(lambda: Company.objects.filter(pk=company_id).exclude(next_due_at=DUE_NOW)
                          .update(next_due_at=DUE_NOW))


def company_delete(*, company):
    """Platform staff (or the purge after a requested deletion): the company, everything it owns, its files."""
    from .security.services import company_delete_with_data

    company_delete_with_data(company=company)


def company_delete_by_slug(*, slug):
    """Delete the company with this slug, if any (benchmarks recreate their throw-away tenants)."""
    company = Company.objects.filter(slug=slug).first()
    if company is not None:
        company_delete(company=company)


# ---------------------------------------------------------------- departments

def _check_department_name(*, company, name, exclude_pk=None):
    # Compared in Python: SQLite's LOWER() folds ASCII only, so "ПРОДАЖИ" would pass next to "Продажи".
    # A company has a handful of departments, so loading their names is cheap.
    wanted = name.strip().casefold()
    others = company.departments.exclude(pk=exclude_pk) if exclude_pk else company.departments.all()
    if any(existing.casefold() == wanted for existing in others.values_list("name", flat=True)):
        raise ValidationError({"name": _("A department with this name already exists.")})


def _save_department(department, *, expected_version=None, update_fields=None):
    """Save in a savepoint; a concurrent duplicate name caught by the unique constraint becomes a field error."""
    try:
        with transaction.atomic():
            if department.pk is None:
                department.save()
            else:
                save_versioned(department, expected_version=expected_version, update_fields=update_fields)
    except IntegrityError:
        raise ValidationError({"name": _("A department with this name already exists.")}) from None


def _check_head(*, company, head):
    if head is not None and (head.company_id != company.pk or not head.is_active):
        raise ValidationError({"head": _("The head must be an active member of this company.")})


def department_create(*, company, name, head=None):
    name = name.strip()
    _check_department_name(company=company, name=name)
    _check_head(company=company, head=head)
    department = Department(company=company, name=name, head=head)
    department.full_clean()
    _save_department(department)
    if head is not None and head.department_id is None:
        head.department = department
        head.save(update_fields=["department"])
    return department


def department_update(*, department, name, head=None, expected_version=None):
    name = name.strip()
    _check_department_name(company=department.company, name=name, exclude_pk=department.pk)
    _check_head(company=department.company, head=head)
    department.name, department.head = name, head
    department.full_clean()
    _save_department(department, update_fields=["name", "head"], expected_version=expected_version)
    return department


def department_archive(*, department):
    """Departments are archived, not deleted, so audit history keeps its owner."""
    department.is_archived = True
    department.save(update_fields=["is_archived"])
    return department


def department_restore(*, department):
    _check_department_name(company=department.company, name=department.name, exclude_pk=department.pk)
    department.is_archived = False
    _save_department(department, update_fields=["is_archived"])
    return department


# ---------------------------------------------------------------- members

def _check_department(*, company, department):
    if department is not None and (department.company_id != company.pk or department.is_archived):
        raise ValidationError({"department": _("Choose an active department of this company.")})


def _check_not_last_admin(*, membership, new_role=None, deactivate=False):
    losing_admin = membership.role == Role.ADMIN and (deactivate or (new_role and new_role != Role.ADMIN))
    if not losing_admin:
        return
    others = membership.company.memberships.filter(role=Role.ADMIN, is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError({"role": _("A company needs at least one active admin.")})


def membership_update(*, membership, role, department, expected_version=None):
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _check_department(company=membership.company, department=department)
    _check_not_last_admin(membership=membership, new_role=role)
    membership.role, membership.department = role, department
    save_versioned(membership, expected_version=expected_version, update_fields=["role", "department"])
    return membership


def membership_set_active(*, membership, active, by=None):
    """Deactivate or reactivate; `by` (the acting user, if known) may not lock themself out."""
    if not active:
        if by is not None and membership.user_id == by.pk:
            raise ValidationError({"is_active": _("You cannot deactivate yourself; ask another admin.")})
        _check_not_last_admin(membership=membership, deactivate=True)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    if not active:
        update_logged(membership.company.api_tokens.filter(membership=membership, revoked_at__isnull=True),
                      revoked_at=timezone.now())
        # An inactive member cannot head a department (see _check_head).
        update_logged(membership.company.departments.filter(head=membership), head=None)
    return membership


# ---------------------------------------------------------------- invitations

def invitation_create(*, company, email, role, department=None, invited_by):
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _check_department(company=company, department=department)
    existing = company.memberships.filter(user__email__iexact=email).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"email": _("This person is already a member of the company.")})
    if existing is not None:
        raise ValidationError({"email": _("This person is a deactivated member; reactivate them on the members page.")})
    if company.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise ValidationError({"email": _("An invitation to this address is already pending; resend it instead.")})
    invitation = Invitation(
        company=company, email=email, role=role, department=department, invited_by=invited_by,
        # The model default (token_hex() = 64 chars) overflows max_length=32 and fails full_clean().
        nonce=secrets.token_hex(16),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    invitation_send(invitation=invitation)
    return invitation


def invitation_token(invitation):
    """A signed token naming the invitation and its nonce; a resend changes the nonce."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_send(*, invitation):
    from .emails import send_invitation_email

    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    token = invitation_token(invitation)
    transaction.on_commit(lambda: send_invitation_email(invitation=invitation, token=token))


def invitation_resend(*, invitation):
    """New nonce (old links stop working) and a fresh expiry."""
    if invitation.status in ("accepted", "revoked"):
        raise ValidationError(_("This invitation can no longer be resent."))
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    invitation.save(update_fields=["nonce", "expires_at"])
    invitation_send(invitation=invitation)
    return invitation


def invitation_revoke(*, invitation):
    if invitation.status == "accepted":
        raise ValidationError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_from_token(token):
    """The pending invitation a link names, or a ValidationError saying why it cannot be used."""
    max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid.")) from None
    # The link names its company only through the invitation row.
    with scopes_disabled():
        invitation = Invitation.objects.select_related("company", "department").filter(pk=data.get("i")).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is no longer valid."))
    if invitation.status == "revoked":
        raise ValidationError(_("This invitation was revoked. Ask the company's admin for a new one."))
    if invitation.nonce != data.get("n"):
        raise ValidationError(_("This link was replaced by a newer invitation email; use the latest one."))
    if invitation.status == "accepted":
        raise ValidationError(_("This invitation has already been used."))
    if invitation.status == "expired":
        raise ValidationError(_("This invitation link has expired. Ask for a new one."))
    if invitation.company.is_suspended:
        raise ValidationError(_("This company is suspended."))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation, user=None, password=None, first_name="", last_name=""):
    """Attach an existing account, or create one; the invitation is single-use."""
    company = invitation.company
    with scope(company=company):
        # Claim the invitation first: a second accept of the same link finds nothing to claim.
        claimed = update_logged(
            Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True),
            accepted_at=timezone.now(),
        )
        if not claimed:
            raise ValidationError(_("This invitation has already been used."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(_("An account with this email exists; sign in to accept."))
            user = User(email=invitation.email, first_name=first_name, last_name=last_name, language=company.language)
            user.set_password(password)
            user.full_clean()
            user.save()
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(_("This invitation was sent to %(email)s.") % {"email": invitation.email})
        update_logged(Invitation.objects.filter(pk=invitation.pk), accepted_by=user)
        department = invitation.department if invitation.department and not invitation.department.is_archived else None
        membership = company.memberships.filter(user=user).first()
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        company=company, user=user, role=invitation.role, department=department
                    )
            except IntegrityError:
                raise ValidationError(_("You are already a member of this company.")) from None
        else:
            membership.role, membership.department, membership.is_active = invitation.role, department, True
            membership.save(update_fields=["role", "department", "is_active"])
    return membership


# ---------------------------------------------------------------- API tokens

def api_token_create(*, membership, name, second_factor_verified=False):
    """Returns (token, raw key); the raw key is shown once and never stored.

    A member with two-factor on gets one only from a session that gave the second factor
    (`second_factor_verified`, see security.two_factor.passed_second_factor): every later call with the token
    skips the second factor, so the password alone must not be enough to obtain one.
    """
    from .security.two_factor import has_confirmed_device

    if not second_factor_verified and has_confirmed_device(membership.user):
        raise ValidationError(_("Enter your two-factor code first: API tokens of accounts with two-factor "
                                "authentication are issued only after it."), code="second_factor")
    raw = "ra_" + secrets.token_urlsafe(32)
    token = ApiToken(
        company=membership.company, membership=membership, name=name.strip(),
        prefix=raw[:10], key_hash=hash_token(raw),
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token):
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


# ---------------------------------------------------------------- users

def user_update_profile(*, user, first_name, last_name, language):
    user.first_name, user.last_name, user.language = first_name, last_name, language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "language"])
    return user
