"""The reminder policy (admin) and a member's secret calendar feed through the API: the same services as the
policy page and the preferences page's feed buttons (notifications.views)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.api import CompanyAPIView

from . import selectors, services
from .models import ReminderPolicy


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
                      "example": "09:00"})
class ClockTimeField(serializers.TimeField):
    """A local wall-clock time as "HH:MM" (JSON Schema's "time" format demands a UTC offset, which this is not)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PolicySerializer(serializers.ModelSerializer):
    """The model's own validators (ranges, offsets 1–90) apply; the service validates again before saving."""

    reminder_offsets = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=90),
                                             max_length=20, help_text="Days before the deadline, e.g. [7, 1].")
    send_window_start = ClockTimeField(help_text="Emails go out from this local time (company timezone).")
    send_window_end = ClockTimeField(help_text="…until this local time.")

    class Meta:
        model = ReminderPolicy
        fields = ["reminder_offsets", "remind_on_deadline_day", "overdue_every_days", "escalate_after_days",
                  "second_escalation_after_days", "send_window_start", "send_window_end", "skip_weekends",
                  "remind_department_members", "digest_weekday", "digest_hour"]


class PolicyView(CompanyAPIView):
    """When reminders, escalations and the weekly digest go out (the reminder-policy page; admin only)."""

    required_permission = "manage_company"
    serializer_class = PolicySerializer

    @extend_schema(responses=PolicySerializer, operation_id="notifications_policy_retrieve")
    def get(self, request, company_slug):
        return Response(PolicySerializer(selectors.policy_of(company=self.company)).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer, operation_id="notifications_policy_update")
    def put(self, request, company_slug):
        return self.save(partial=False)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer,
                   operation_id="notifications_policy_partial_update")
    def patch(self, request, company_slug):
        return self.save(partial=True)

    def save(self, *, partial):
        policy = selectors.policy_of(company=self.company)
        data = self.validated(PolicySerializer, partial=partial)
        if "reminder_offsets" in data:
            data["reminder_offsets"] = sorted(set(data["reminder_offsets"]), reverse=True)  # as the page's field
        policy = services.reminder_policy_update(policy=policy, **data)
        return Response(PolicySerializer(policy).data)


class FeedOutputSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The secret iCal address; shown once, only its hash is kept.")


class CalendarFeedView(CompanyAPIView):
    """The member's own iCal feed of deadlines: POST issues a new address (the old one stops), DELETE revokes."""

    serializer_class = FeedOutputSerializer
    http_method_names = ["post", "delete", "options"]

    @extend_schema(request=None, responses={201: FeedOutputSerializer})
    def post(self, request, company_slug):
        token = services.calendar_feed_issue(membership=self.membership)
        url = request.build_absolute_uri(reverse("notifications_public:calendar", args=[token]))
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="The member has no calendar feed.")})
    def delete(self, request, company_slug):
        if selectors.active_feed_of(membership=self.membership) is None:
            raise NotFound
        services.calendar_feed_revoke(membership=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
