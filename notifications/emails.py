"""Notification emails: HTML and text in the recipient's language, company timezone, links, unsubscribe."""

import hashlib
from urllib.parse import urlparse

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.emails import render_email

from .models import MANDATORY_KINDS, Kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

TEMPLATES = {
    Kind.ROUND_OPENED: "reminder_audit",
    Kind.DEADLINE_REMINDER: "reminder_audit",
    Kind.DEADLINE_TODAY: "reminder_audit",
    Kind.OVERDUE: "reminder_audit",
    Kind.ESCALATION: "escalation_audit",
    Kind.ESCALATION_2: "escalation_audit",
    Kind.DIGEST: "digest_weekly",
    Kind.ACTION_ASSIGNED: "action_item",
    Kind.ACTION_DUE: "action_item",
    Kind.ACTION_OVERDUE: "action_item",
}


def unsubscribe_token(*, membership, kind):
    """A signed, login-free token naming one member and one kind of email."""
    return signing.dumps({"m": membership.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(membership_id, kind); raises signing.BadSignature when tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or data.get("k") not in Kind.values:
        raise signing.BadSignature("malformed unsubscribe token")
    return data["m"], data["k"]


def absolute(path):
    return settings.SITE_URL + path


def company_home_url(company):
    return absolute(reverse("company_home", kwargs={"company_slug": company.slug}))


def audit_url(audit, company):
    """The audit page, or the company home while the audits pages are not installed."""
    try:
        return absolute(reverse("audits:audit_detail", kwargs={"company_slug": company.slug, "audit_pk": audit.pk}))
    except NoReverseMatch:
        return company_home_url(company)


def notifications_url(company):
    return absolute(reverse("notifications:list", kwargs={"company_slug": company.slug}))


def recipient_language(membership, company):
    return membership.user.language or company.language


def email_context(notification):
    company = notification.company
    audit = notification.audit
    context = {
        "notification": notification,
        "kind": notification.kind,
        "company": company,
        "recipient": notification.recipient,
        "payload": notification.payload,
        "audit": audit,
        "item": notification.action_item,
        "timezone_name": company.timezone,
        "link": audit_url(audit, company) if audit is not None else notifications_url(company),
        "notifications_link": notifications_url(company),
    }
    if audit is not None:
        context["deadline"] = timezone.localtime(audit.deadline, company.tzinfo)
        context["department"] = audit.department
        context["head"] = audit.department.head
    if notification.kind not in MANDATORY_KINDS:
        token = unsubscribe_token(membership=notification.recipient, kind=notification.kind)
        context["unsubscribe_url"] = absolute(reverse("notifications_public:unsubscribe", args=[token]))
    return context


def build_message(notification):
    """The EmailMultiAlternatives for one notification (rendered in the company's timezone)."""
    company = notification.company
    context = email_context(notification)
    with timezone.override(company.tzinfo):
        subject, text, html = render_email(TEMPLATES[notification.kind], context,
                                           recipient_language(notification.recipient, company))
    headers = {}
    if "unsubscribe_url" in context:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["Message-ID"] = message_id(notification)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL,
                                     [notification.recipient.user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def message_id(notification):
    """The same Message-ID on every attempt of one notification, derived from its outbox key: if a message is
    ever delivered twice, mail clients and servers that deduplicate by Message-ID see one."""
    digest = hashlib.sha256(f"{notification.company_id}:{notification.dedupe_key}".encode()).hexdigest()[:40]
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<notification.{digest}@{domain}>"


def send_notification_email(notification, *, before_handover=None, session=None):
    """Send one notification. `before_handover()` runs right before the message is handed over: after the SMTP
    server accepted sender and recipients, before DATA (other backends: before the send). If it raises,
    nothing is handed over. With a MailSession the message goes over its open connection; without one, over a
    connection of its own."""
    message = build_message(notification)
    if session is None:
        with MailSession() as own:
            own.send(message, before_handover=before_handover)
    else:
        session.send(message, before_handover=before_handover)


class MailSession:
    """One connection to the mail backend for many messages (a drain of the outbox): connect, EHLO and login
    once instead of per message. After any error the connection is dropped and the next message opens a new
    one (an SMTP conversation cut mid-message is in an unknown state); after MESSAGES_PER_CONNECTION it is
    renewed, since servers limit messages per connection."""

    MESSAGES_PER_CONNECTION = 100

    def __init__(self):
        self.backend = None
        self.sent_on_connection = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def send(self, message, *, before_handover=None):
        try:
            server = getattr(self.connected(), "connection", None)
            announce = before_handover is not None and callable(getattr(server, "data", None))
            if announce:
                server.data = announced(server.data, before_handover)  # this message only (removed below)
            elif before_handover is not None:
                before_handover()
            try:
                self.backend.send_messages([message])
            finally:
                if announce:
                    vars(server).pop("data", None)
            self.sent_on_connection += 1
        except BaseException:
            self.close()
            raise

    def connected(self):
        """The backend with its connection open (renewed after MESSAGES_PER_CONNECTION messages)."""
        if self.backend is not None and self.sent_on_connection >= self.MESSAGES_PER_CONNECTION:
            self.close()
        if self.backend is None:
            self.backend = mail.mailers.default
        self.backend.open()  # SMTP: connect, EHLO, login unless open; the others open nothing or a file
        return self.backend

    def close(self):
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception:  # noqa: BLE001 – a broken connection is dropped either way
                pass
        self.backend, self.sent_on_connection = None, 0


def announced(data, before_handover):
    """smtplib's DATA step, preceded by the caller's hand-over mark (on this connection object only)."""

    def data_after_mark(msg):
        before_handover()
        return data(msg)

    return data_after_mark
