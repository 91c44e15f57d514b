"""Company pages of the security features: the audit log, the data export and the deletion request.

The middleware resolved the company, checked the membership (404) and entered the scope;
`@require_permission` checks the role (403).
"""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..permissions import require_permission
from . import services
from .audit import record
from .middleware import PRIVATE_CACHE_CONTROL
from .models import AuditAction
from .selectors import audit_log_of

PAGE_SIZE = 50


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False,
                               choices=[("", gettext_lazy("All actions"))] + list(AuditAction.choices))
    actor = forms.ModelChoiceField(label=gettext_lazy("Person"), required=False, queryset=None,
                                   empty_label=gettext_lazy("Everyone"))
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import User

        self.fields["actor"].queryset = User.objects.filter(memberships__company=company).order_by("email")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def filtered_log(request):
    """(filter form, criteria used, rows); invalid filters are shown as errors and ignored."""
    filters = AuditLogFilterForm(request.GET or None, company=request.company)
    criteria = {k: v for k, v in filters.cleaned_data.items() if v} if filters.is_valid() else {}
    return filters, criteria, audit_log_of(company=request.company, **criteria)


@require_GET
@require_permission("view_audit_log")
def audit_log(request, company_slug):
    filters, _criteria, rows = filtered_log(request)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if filters.errors else 200
    return render(request, "accounts/security/audit_log.html",
                  {"filters": filters, "page": page, "query": query.urlencode()}, status=status)


def csv_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas; such text is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@require_permission("view_audit_log")
def audit_log_csv(request, company_slug):
    filters, criteria, rows = filtered_log(request)
    if filters.errors:
        return HttpResponse(" ".join(e for errs in filters.errors.values() for e in errs), status=400,
                            content_type="text/plain; charset=utf-8")
    record(action=AuditAction.EXPORT, company_id=request.company.pk, object_repr=_("Audit log (CSV)"),
           changes={"filters": {k: str(v) for k, v in criteria.items()}})
    # Built while the request's company scope is active (a streamed body would be read after it ends).
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow([_("Time"), _("Person"), _("Action"), _("Object type"), _("Object id"), _("Object"),
                     _("Changes"), _("IP address")])
    for entry in rows.iterator(chunk_size=500):
        writer.writerow([csv_cell(v) for v in (
            entry.at.isoformat(), entry.actor_email, entry.get_action_display(), entry.object_type,
            entry.object_id, entry.object_repr, entry.changes, entry.ip_address)])
    response["Content-Disposition"] = f'attachment; filename="audit-log-{company_slug}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@require_permission("manage_company")
def company_export(request, company_slug):
    """GET explains the export; POST downloads it (an audit-log event, so not a link that prefetching could follow)."""
    if request.method == "GET":
        return render(request, "accounts/security/company_export.html")
    data = services.company_export(company=request.company, by=request.user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{company_slug}-export-{stamp}.zip"'
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


class DeletionConfirmForm(forms.Form):
    confirm_slug = forms.CharField(label=gettext_lazy("Type the company's address name to confirm"), max_length=50)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_confirm_slug(self):
        value = self.cleaned_data["confirm_slug"].strip()
        if value != self.company.slug:
            raise forms.ValidationError(_("This is not the company's address name."))
        return value


@require_http_methods(["GET", "POST"])
@require_permission("manage_company")
def company_deletion(request, company_slug):
    """Request the deletion of the company (carried out after the grace period) or see that it is pending."""
    company = request.company
    form = DeletionConfirmForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            due = services.company_request_deletion(company=company, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.warning(request, _("%(company)s will be deleted on %(date)s unless you cancel.")
                             % {"company": company.name, "date": timezone.localtime(due, company.tzinfo).date()})
            return redirect("company_deletion", company_slug=company_slug)
    context = {"form": form, "grace_days": services.grace_period().days,
               "due": company.deletion_requested_at and company.deletion_requested_at + services.grace_period()}
    return render(request, "accounts/security/company_deletion.html", context, status=400 if form.errors else 200)


@require_POST
@require_permission("manage_company")
def company_deletion_cancel(request, company_slug):
    try:
        services.company_cancel_deletion(company=request.company, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The deletion is cancelled."))
    return redirect("company_deletion", company_slug=company_slug)
