"""The iCal feed of a member's deadlines, built with the icalendar library."""

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import selectors
from .emails import audit_url, notifications_url, recipient_language


def calendar_for(*, membership):
    """Bytes of a VCALENDAR with one event per open audit deadline and open action item due date."""
    company = membership.company
    audits, items = selectors.calendar_entries_of(membership=membership)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Responsibility Audit//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{company.name}: audit deadlines")
    host = settings.SITE_URL.split("//")[-1]
    stamp = timezone.now()
    with override(recipient_language(membership, company)):
        for audit in audits:
            event = icalendar.Event()
            event.add("uid", f"audit-{audit.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", _("Audit due: %(department)s (%(period)s)")
                      % {"department": audit.department.name, "period": audit.round.period})
            event.add("dtstart", audit.deadline)
            event.add("dtend", audit.deadline + datetime.timedelta(minutes=30))
            event.add("url", audit_url(audit, company))
            calendar.add_component(event)
        for item in items:
            event = icalendar.Event()
            event.add("uid", f"action-{item.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", _("Action item due: %(title)s") % {"title": item.title})
            event.add("dtstart", item.due_date)
            event.add("dtend", item.due_date + datetime.timedelta(days=1))
            event.add("url", notifications_url(company))
            calendar.add_component(event)
    return calendar.to_ical()
