"""Reads for notifications: what is due, what a member sees, the digest's figures, calendar entries."""

from decimal import Decimal

from django.db.models import Min, Q

from accounts.models import Membership, Role
from accounts.numbers import whole
from audits.models import (
    OPEN_ACTION_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    AuditStatus,
    DepartmentAudit,
    Factor,
    Round,
)
from dashboards.filters import Filters
from dashboards.readmodel import overview as dashboard_overview

from .models import (
    OPTIONAL_KINDS,
    CalendarFeed,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    Status,
)


def policy_of(*, company):
    """The company's reminder policy, or an unsaved default one (reads never write)."""
    return ReminderPolicy.objects.filter(company=company).first() or ReminderPolicy(company=company)


def send_moments_of(*, companies):
    """{company id: {waiting: earliest due time of planned rows not queued yet, sending: earliest claim of rows
    being sent}} for the companies that have such rows, in one query."""
    rows = (Notification.objects.filter(company__in=companies, status__in=[Status.PLANNED, Status.SENDING])
            .order_by().values("company_id")
            .annotate(waiting=Min("due_at", filter=Q(status=Status.PLANNED, enqueued_at__isnull=True)),
                      sending=Min("claimed_at", filter=Q(status=Status.SENDING))))
    return {row["company_id"]: {"waiting": row["waiting"], "sending": row["sending"]} for row in rows}


def open_audits_of(*, companies):
    return (
        DepartmentAudit.objects.filter(company__in=companies, status__in=OPEN_STATUSES)
        .select_related("round", "department__head__user")
        .order_by("deadline", "pk")
    )


def department_members_of(*, companies, department_ids):
    """Active members of the given departments of these companies (one query)."""
    return Membership.objects.filter(company__in=companies, department_id__in=department_ids, is_active=True) \
        .select_related("user").order_by("pk")


def executives_of(*, companies):
    return Membership.objects.filter(company__in=companies, role=Role.EXECUTIVE, is_active=True) \
        .select_related("user").order_by("pk")


def open_action_items_of(*, companies):
    return (
        ActionItem.objects.filter(company__in=companies, status__in=OPEN_ACTION_STATUSES, owner__isnull=False,
                                  owner__is_active=True)
        .select_related("owner__user").order_by("pk")
    )


def notifications_for(*, membership):
    """A member's in-app notifications, newest first."""
    return membership.notifications.in_app().select_related("audit__department", "action_item").order_by("-created_at", "-pk")


def unread_count(*, membership):
    return membership.notifications.unread().count()


def failed_notifications_of(*, company):
    return (
        Notification.objects.filter(company=company, status=Status.FAILED)
        .select_related("recipient__user", "audit__department")
        .order_by("-created_at", "-pk")
    )


def email_choices_of(*, membership):
    """{kind: email_enabled} for every optional kind (on unless the member turned it off)."""
    chosen = dict(
        NotificationPreference.objects.filter(membership=membership).values_list("kind", "email_enabled")
    )
    return {kind.value: chosen.get(kind.value, True) for kind in OPTIONAL_KINDS}


def email_enabled(*, membership, kind):
    if kind not in {k.value for k in OPTIONAL_KINDS}:
        return True
    return not NotificationPreference.objects.filter(membership=membership, kind=kind, email_enabled=False).exists()


def active_feed_of(*, membership):
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()


def calendar_entries_of(*, membership):
    """Deadlines of the audits a member answers (their headed departments) and their open action items."""
    company = membership.company
    audits = (
        DepartmentAudit.objects.filter(company=company, department__head=membership)
        .exclude(status=AuditStatus.SUBMITTED)
        .select_related("department", "round")
        .order_by("deadline")
    )
    items = company.action_items.filter(owner=membership, status__in=OPEN_ACTION_STATUSES, due_date__isnull=False)
    return list(audits), list(items.order_by("due_date"))


def digest_content(*, company, now, since):
    """The weekly digest's figures, or None when there is nothing to say.

    Scores and moves come from the dashboards' story (the one computation), as structured values; the email
    renders them in the recipient's language, rounded as on every other surface.
    """
    content = {}
    open_round = Round.objects.filter(company=company).order_by("-opened_at", "-pk").first()
    if open_round is not None:
        audits = list(DepartmentAudit.objects.filter(round=open_round).select_related("department"))
        submitted = sum(1 for a in audits if a.status == AuditStatus.SUBMITTED)
        if audits and submitted < len(audits):
            content["round"] = {"period": open_round.period, "submitted": submitted, "expected": len(audits),
                                "percent": whole(Decimal(100 * submitted) / len(audits)),
                                "provisional": open_round.deadline > now}
        overdue = [a for a in audits if a.status in OPEN_STATUSES and a.deadline < now]
        if overdue:
            content["overdue"] = [{"department": a.department.name, "days": (now - a.deadline).days} for a in overdue]
        recently_submitted = any(a.submitted_at and a.submitted_at >= since for a in audits)
        if recently_submitted:
            moves = factor_moves(company=company)
            if moves:
                content["moves"] = moves
    late_items = company.action_items.filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lt=now.astimezone(company.tzinfo).date()
    ).select_related("owner__user").order_by("due_date")[:20]
    if late_items:
        content["late_actions"] = [
            {"title": item.title, "due": item.due_date.isoformat(),
             "owner": item.owner.user.display_name if item.owner else ""} for item in late_items
        ]
    return content or None


def factor_moves(*, company, limit=3):
    """The factor changes that are news in the company's story (latest final round, told whole), largest first."""
    story = dashboard_overview(company=company, filters=Filters()).story
    names = {f.key: (f.name_en, f.name_ru) for f in Factor.objects.all()}
    return [{"factor_key": change.key, "factor_en": names[change.key][0], "factor_ru": names[change.key][1],
             "delta": change.delta_display, "score": whole(change.end), "start": whole(change.start),
             "start_period": change.start_period, "period": change.end_period, "steps": change.steps}
            for change in story.news[:limit]]


def members_by_id(*, company, ids):
    return {m.pk: m for m in Membership.objects.filter(company=company, pk__in=ids).select_related("user")}
