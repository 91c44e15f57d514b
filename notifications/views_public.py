"""Login-free endpoints reached from emails and calendar clients: one-click unsubscribe and the iCal feed.

They live outside /c/<company>/ because the person may not be signed in; the signed token or the
secret feed token is the authorisation, and the view enters that company's scope itself.
"""

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_scopes import scope, scopes_disabled

from accounts.models import Membership

from . import services
from .calendar import calendar_for
from .emails import read_unsubscribe_token
from .models import OPTIONAL_KINDS, CalendarFeed, Kind, hash_feed_token


def unsubscribe_target(token):
    """(membership, kind) named by a signed token, or a (status, message) problem."""
    try:
        membership_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return None, (400, _("This unsubscribe link is damaged. Copy the whole link from the email, or change "
                             "your email choices after signing in."))
    # Outside any company: the signed token names the membership; its company scope is entered below.
    with scopes_disabled():
        membership = Membership.objects.select_related("company", "user").filter(pk=membership_id).first()
    if membership is None or kind not in {k.value for k in OPTIONAL_KINDS}:
        return None, (404, _("This unsubscribe link is no longer valid: the membership it belongs to was removed."))
    return (membership, kind), None


@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs without a session; the signed token authorises
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    target, problem = unsubscribe_target(token)
    if problem:
        status, message = problem
        return render(request, "notifications/unsubscribe_invalid.html", {"message": message}, status=status)
    membership, kind = target
    context = {"target_membership": membership, "kind_label": Kind(kind).label,
               "target_company": membership.company}
    if request.method == "POST":
        with scope(company=membership.company):
            services.unsubscribe(membership=membership, kind=kind)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe_confirm.html", context)


def calendar_feed(request, token):
    """The member's deadlines as text/calendar; a revoked or unknown token is a plain 404."""
    # Outside any company: the secret token names the feed; its company scope is entered below.
    with scopes_disabled():
        feed = CalendarFeed.objects.select_related("membership__company", "membership__user").filter(
            token_hash=hash_feed_token(token), revoked_at__isnull=True, membership__is_active=True
        ).first()
    if feed is None or feed.membership.company.is_suspended:
        raise Http404
    with scope(company=feed.membership.company):
        body = calendar_for(membership=feed.membership)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="audit-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
