"""Company pages: overview and administration (departments, members, invitations, settings, tokens).

The middleware has resolved `request.company`, checked the membership (404 otherwise) and entered the
company's scope; `@require_permission` checks the role (403). Objects are looked up from the company,
so another company's id is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import home, onboarding, selectors, services
from .forms import (
    ApiTokenForm,
    CompanySettingsForm,
    DepartmentForm,
    InvitationForm,
    MemberFilterForm,
    MemberForm,
    add_service_errors,
)
from .permissions import require_permission
from .security.two_factor import has_confirmed_device, passed_second_factor

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


def page_of(request, rows):
    """One page of rows; a missing or bad ?page= gives the first or last page, never an error."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def call_service(form, service, field_map=None, **kwargs):
    """Run a write in a savepoint; a ValidationError lands on the form (no partial write) and returns None."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field_map)
        return None


def confirm(request, *, title, question, action_label, cancel_url, danger=True, errors=None, status=200):
    """The GET half of a destructive action: a page with one POST button."""
    context = {"title": title, "question": question, "action_label": action_label, "cancel_url": cancel_url,
               "danger": danger, "errors": errors or []}
    return render(request, "accounts/confirm.html", context, status=status)


# ---------------------------------------------------------------- overview

@require_GET
def company_home(request, company_slug):
    """The member's home: the sections of every role they hold, most important first (accounts.home)."""
    return render(request, "accounts/company_home.html", {"sections": home.collect_sections(request=request)})


# ---------------------------------------------------------------- onboarding

@require_GET
@require_permission("manage_company")
def onboarding_checklist(request, company_slug):
    steps = onboarding.checklist(company=request.company)
    return render(request, "accounts/onboarding.html",
                  {"steps": steps, "complete": onboarding.is_complete(steps)})


@require_POST
@require_permission("manage_departments")
def onboarding_defaults(request, company_slug):
    """One click: the default departments (and through them the matrix proposal), then adjust."""
    created = onboarding.start_from_defaults(company=request.company)
    if created:
        messages.success(request, _("Created the departments: %(names)s. The responsibility matrix is proposed "
                                    "for them; adjust both as you need.") % {
            "names": ", ".join(d.name for d in created)})
    else:
        messages.info(request, _("The company already has every default department."))
    return redirect("department_list", company_slug=company_slug)


# ---------------------------------------------------------------- departments

@require_GET
@require_permission("view_departments")
def department_list(request, company_slug):
    rows = selectors.departments_of(company=request.company, include_archived=True).order_by("is_archived", "name")
    return render(request, "accounts/department_list.html", {"page": page_of(request, rows)})


@GET_POST
@require_permission("manage_departments")
def department_create(request, company_slug):
    form = DepartmentForm(request.POST or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        department = call_service(form, services.department_create, company=request.company, **form.cleaned_data)
        if department is not None:
            messages.success(request, _("Department “%(name)s” created.") % {"name": department.name})
            return redirect("department_list", company_slug=company_slug)
    return render(request, "accounts/department_form.html", {"form": form})


@GET_POST
@require_permission("manage_departments")
def department_edit(request, company_slug, pk):
    department = get_object_or_404(request.company.departments, pk=pk, is_archived=False)
    initial = {"name": department.name, "head": department.head_id}
    form = DepartmentForm(request.POST or None, initial=initial, company=request.company,
                          version=department.lock_version)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.department_update, department=department, **form.cleaned_data,
                        expected_version=form.expected_version()):
            messages.success(request, _("Department “%(name)s” saved.") % {"name": department.name})
            return redirect("department_list", company_slug=company_slug)
    return render(request, "accounts/department_form.html", {"form": form, "department": department})


@GET_POST
@require_permission("manage_departments")
def department_archive(request, company_slug, pk):
    department = get_object_or_404(request.company.departments, pk=pk, is_archived=False)
    if request.method == "POST":
        services.department_archive(department=department)
        messages.success(request, _("Department “%(name)s” archived.") % {"name": department.name})
        return redirect("department_list", company_slug=company_slug)
    return confirm(
        request, title=_("Archive department"),
        question=_("Archive “%(name)s”? Its history stays; it will no longer be offered for new members "
                   "or audits. You can restore it later.") % {"name": department.name},
        action_label=_("Archive"), cancel_url=reverse("department_list", args=[company_slug]),
    )


@require_POST
@require_permission("manage_departments")
def department_restore(request, company_slug, pk):
    department = get_object_or_404(request.company.departments, pk=pk, is_archived=True)
    try:
        with transaction.atomic():
            services.department_restore(department=department)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Department “%(name)s” restored.") % {"name": department.name})
    return redirect("department_list", company_slug=company_slug)


# ---------------------------------------------------------------- members

@require_GET
@require_permission("view_members")
def member_list(request, company_slug):
    filters = MemberFilterForm(request.GET or None, company=request.company)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    status = criteria.get("status")
    rows = selectors.members_of(
        company=request.company, role=criteria.get("role") or None, department=criteria.get("department"),
    )
    if status:
        rows = rows.filter(is_active=(status == "active"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page_of(request, rows), "query": query.urlencode()}
    return render(request, "accounts/member_list.html", context)


def member_of_company(request, pk):
    return get_object_or_404(request.company.memberships.select_related("user", "department"), pk=pk)


@GET_POST
@require_permission("manage_members")
def member_edit(request, company_slug, pk):
    member = member_of_company(request, pk)
    initial = {"role": member.role, "department": member.department_id}
    form = MemberForm(request.POST or None, initial=initial, company=request.company, version=member.lock_version)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.membership_update, membership=member, **form.cleaned_data,
                        expected_version=form.expected_version()):
            messages.success(request, _("%(name)s saved.") % {"name": member.user.display_name})
            return redirect("member_list", company_slug=company_slug)
    return render(request, "accounts/member_form.html", {"form": form, "member": member})


@GET_POST
@require_permission("manage_members")
def member_deactivate(request, company_slug, pk):
    member = member_of_company(request, pk)
    errors = []
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.membership_set_active(membership=member, active=False, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("%(name)s deactivated.") % {"name": member.user.display_name})
            return redirect("member_list", company_slug=company_slug)
    return confirm(
        request, title=_("Deactivate member"),
        question=_("Deactivate %(name)s? They will lose access to this company and their API tokens "
                   "will be revoked. You can reactivate them later.") % {"name": member.user.display_name},
        action_label=_("Deactivate"), cancel_url=reverse("member_list", args=[company_slug]),
        errors=errors, status=400 if errors else 200,
    )


@require_POST
@require_permission("manage_members")
def member_reactivate(request, company_slug, pk):
    member = member_of_company(request, pk)
    services.membership_set_active(membership=member, active=True)
    messages.success(request, _("%(name)s reactivated.") % {"name": member.user.display_name})
    return redirect("member_list", company_slug=company_slug)


# ---------------------------------------------------------------- invitations

@require_GET
@require_permission("manage_invitations")
def invitation_list(request, company_slug):
    rows = selectors.invitations_of(company=request.company)
    return render(request, "accounts/invitation_list.html", {"page": page_of(request, rows)})


@GET_POST
@require_permission("manage_invitations")
def invitation_create(request, company_slug):
    form = InvitationForm(request.POST or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        invitation = call_service(form, services.invitation_create, company=request.company,
                                  invited_by=request.user, **form.cleaned_data)
        if invitation is not None:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("invitation_list", company_slug=company_slug)
    context = {"form": form, "max_age_days": settings.INVITATION_MAX_AGE_DAYS}
    return render(request, "accounts/invitation_form.html", context)


@require_POST
@require_permission("manage_invitations")
def invitation_resend(request, company_slug, pk):
    invitation = get_object_or_404(request.company.invitations, pk=pk)
    try:
        with transaction.atomic():
            services.invitation_resend(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation sent again to %(email)s; the previous link no longer works.")
                         % {"email": invitation.email})
    return redirect("invitation_list", company_slug=company_slug)


@GET_POST
@require_permission("manage_invitations")
def invitation_revoke(request, company_slug, pk):
    invitation = get_object_or_404(request.company.invitations, pk=pk)
    errors = []
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.invitation_revoke(invitation=invitation)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
            return redirect("invitation_list", company_slug=company_slug)
    return confirm(
        request, title=_("Revoke invitation"),
        question=_("Revoke the invitation to %(email)s? The link in the email will stop working.")
        % {"email": invitation.email},
        action_label=_("Revoke"), cancel_url=reverse("invitation_list", args=[company_slug]),
        errors=errors, status=400 if errors else 200,
    )


# ---------------------------------------------------------------- company settings

@GET_POST
@require_permission("manage_company")
def company_settings(request, company_slug):
    company = request.company
    initial = {"name": company.name, "timezone": company.timezone, "language": company.language,
               "require_two_factor": company.require_two_factor}
    form = CompanySettingsForm(request.POST or None, initial=initial, version=company.lock_version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(form, services.company_update, {"timezone": "timezone"}, company=company,
                             name=data["name"], timezone_name=data["timezone"], language=data["language"],
                             require_two_factor=data["require_two_factor"], expected_version=form.expected_version())
        if saved is not None:
            messages.success(request, _("Company settings saved."))
            return redirect("company_settings", company_slug=company_slug)
        company.refresh_from_db()
    return render(request, "accounts/company_settings.html", {"form": form})


# ---------------------------------------------------------------- API tokens

@require_GET
@require_permission("use_api_tokens")
def token_list(request, company_slug):
    tokens = selectors.tokens_of(membership=request.membership)
    return render(request, "accounts/token_list.html", {"tokens": tokens})


@GET_POST
@require_permission("use_api_tokens")
def token_create(request, company_slug):
    if not passed_second_factor(request) and has_confirmed_device(request.user):
        # A two-factor account's tokens come only from a verified session: ask for the code, then come back.
        return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(form, services.api_token_create, membership=request.membership,
                               name=form.cleaned_data["name"], second_factor_verified=True)
        if created is not None:
            token, raw_key = created
            # Rendered, not redirected: the raw key exists only in this response and is never stored.
            response = render(request, "accounts/token_created.html", {"token": token, "raw_key": raw_key})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/token_form.html", {"form": form})


@GET_POST
@require_permission("use_api_tokens")
def token_revoke(request, company_slug, pk):
    token = get_object_or_404(selectors.tokens_of(membership=request.membership), pk=pk)
    if request.method == "POST":
        services.api_token_revoke(token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("token_list", company_slug=company_slug)
    return confirm(
        request, title=_("Revoke API token"),
        question=_("Revoke the token “%(name)s”? Scripts using it will stop working at once.")
        % {"name": token.name},
        action_label=_("Revoke"), cancel_url=reverse("token_list", args=[company_slug]),
    )
