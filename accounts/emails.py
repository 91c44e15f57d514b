"""Emails of the accounts domain, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def render_email(name, context, language):
    """Subject, text and HTML of templates/emails/<name>_subject.txt, <name>.txt, <name>.html."""
    with translation.override(language):
        # Subject templates render with autoescape off (a header is plain text, not HTML); one line, since a
        # line break in a name would otherwise make an invalid header.
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def send_email(*, to, name, context, language, headers=None):
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    message.send()


def send_invitation_email(*, invitation, token):
    url = settings.SITE_URL + reverse("invitation_accept", args=[token])
    context = {"invitation": invitation, "company": invitation.company, "url": url,
               "inviter": invitation.invited_by}
    send_email(to=invitation.email, name="invitation", context=context, language=invitation.company.language)
