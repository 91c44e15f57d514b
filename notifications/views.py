"""Notification pages in a company: the list, email choices, calendar feed, reminder policy, failed deliveries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import require_permission

from . import selectors, services
from .forms import EmailChoicesForm, ReminderPolicyForm
from .models import Status

PAGE_SIZE = 25


def page_of(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def notification_list(request, company_slug):
    membership = request.membership
    page = page_of(request, selectors.notifications_for(membership=membership))
    return render(request, "notifications/list.html", {
        "page": page, "unread": selectors.unread_count(membership=membership),
    })


@require_POST
def notification_read(request, company_slug, pk):
    notification = get_object_or_404(request.membership.notifications.in_app(), pk=pk)
    services.notification_mark_read(notification=notification, membership=request.membership)
    page = request.POST.get("page", "")
    return redirect(list_url(request) + (f"?page={page}" if page.isdigit() else ""))


@require_POST
def notification_read_all(request, company_slug):
    count = services.notifications_mark_all_read(membership=request.membership)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect(list_url(request))


def list_url(request):
    return reverse("notifications:list", kwargs={"company_slug": request.company.slug})


@require_http_methods(["GET", "POST"])
def preferences(request, company_slug):
    membership = request.membership
    form = EmailChoicesForm(request.POST or None, choices=selectors.email_choices_of(membership=membership))
    if request.method == "POST" and form.is_valid():
        services.email_choices_update(membership=membership, choices=form.cleaned_data)
        messages.success(request, _("Your email choices are saved."))
        return redirect("notifications:preferences", company_slug=request.company.slug)
    return render(request, "notifications/preferences.html", {
        "form": form, "feed": selectors.active_feed_of(membership=membership),
    })


@require_POST
def calendar_feed_issue(request, company_slug):
    """Create (or replace) the member's secret feed; the URL is shown once, only its hash is kept."""
    token = services.calendar_feed_issue(membership=request.membership)
    feed_url = request.build_absolute_uri(reverse("notifications_public:calendar", args=[token]))
    return render(request, "notifications/calendar_issued.html", {"feed_url": feed_url})


@require_http_methods(["GET", "POST"])
def calendar_feed_revoke(request, company_slug):
    feed = selectors.active_feed_of(membership=request.membership)
    if feed is None:
        messages.info(request, _("You have no calendar feed."))
        return redirect("notifications:preferences", company_slug=request.company.slug)
    if request.method == "POST":
        services.calendar_feed_revoke(membership=request.membership)
        messages.success(request, _("The calendar feed is revoked; its address no longer works."))
        return redirect("notifications:preferences", company_slug=request.company.slug)
    return render(request, "notifications/calendar_revoke_confirm.html", {"feed": feed})


@require_permission("manage_company")
@require_http_methods(["GET", "POST"])
def reminder_policy(request, company_slug):
    policy = selectors.policy_of(company=request.company)
    form = ReminderPolicyForm(request.POST or None, instance=policy, company=request.company)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "timezone"}
        try:
            services.reminder_policy_update(policy=policy, timezone_name=form.cleaned_data["timezone"], **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The reminder policy is saved."))
            return redirect("notifications:policy", company_slug=request.company.slug)
    return render(request, "notifications/policy.html", {"form": form})


@require_permission("manage_company")
def failed_list(request, company_slug):
    page = page_of(request, selectors.failed_notifications_of(company=request.company))
    return render(request, "notifications/failed.html", {"page": page})


@require_permission("manage_company")
@require_POST
def failed_retry(request, company_slug, pk):
    notification = get_object_or_404(selectors.failed_notifications_of(company=request.company), pk=pk)
    if notification.status == Status.FAILED and services.notification_retry(notification=notification):
        messages.success(request, _("The email will be sent again shortly."))
    return redirect("notifications:failed", company_slug=request.company.slug)
