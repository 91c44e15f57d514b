"""REST API: a member's notifications (list, unread count, mark read) and the admin's failed deliveries."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.api import CompanyAPIView
from accounts.api_filters import query_bool

from . import selectors, services
from .models import Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "status", "created_at", "sent_at", "read_at", "unread",
                  "audit", "action_item", "round", "payload"]

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class FailedNotificationOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    recipient_email = serializers.EmailField(source="recipient.user.email")

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "recipient", "recipient_email", "attempts", "last_error", "created_at"]


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class RetriedSerializer(serializers.Serializer):
    retried = serializers.BooleanField()


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class MemberNotificationsView(CompanyAPIView):
    model = Notification

    def company_queryset(self):
        return selectors.notifications_for(membership=self.membership)


class NotificationListView(MemberNotificationsView):
    """The signed-in member's notifications, newest first; `?unread=true` for unread only."""

    serializer_class = NotificationOutputSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only unread notifications")],
                   responses=NotificationOutputSerializer(many=True))
    def get(self, request, company_slug):
        queryset = self.get_queryset()
        if query_bool(request, "unread"):
            queryset = queryset.filter(read_at__isnull=True)
        return self.paginated(queryset, NotificationOutputSerializer)


class UnreadCountView(MemberNotificationsView):
    serializer_class = UnreadCountSerializer

    def get(self, request, company_slug):
        return Response({"unread": selectors.unread_count(membership=self.membership)})


class NotificationReadView(MemberNotificationsView):
    """Mark one of the member's own notifications as read (another member's id → 404)."""

    serializer_class = NotificationOutputSerializer

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    def post(self, request, company_slug, pk):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        services.notification_mark_read(notification=notification, membership=self.membership)
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllView(MemberNotificationsView):
    serializer_class = MarkedReadSerializer

    @extend_schema(request=None)
    def post(self, request, company_slug):
        return Response({"marked": services.notifications_mark_all_read(membership=self.membership)})


class FailedNotificationListView(CompanyAPIView):
    """Emails that could not be delivered (company admin)."""

    required_permission = "manage_company"
    model = Notification
    serializer_class = FailedNotificationOutputSerializer

    def company_queryset(self):
        return selectors.failed_notifications_of(company=self.company)

    @extend_schema(responses=FailedNotificationOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), FailedNotificationOutputSerializer)


class FailedNotificationRetryView(CompanyAPIView):
    """Send a failed email again (the failed-deliveries page's "Try again"); another state is a 400."""

    required_permission = "manage_company"
    model = Notification
    serializer_class = FailedNotificationOutputSerializer

    def company_queryset(self):
        return selectors.failed_notifications_of(company=self.company)

    @extend_schema(request=None, responses={200: RetriedSerializer})
    def post(self, request, company_slug, pk):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        if not services.notification_retry(notification=notification):
            raise serializers.ValidationError({"status": [_("Only a failed email can be sent again.")]})
        return Response({"retried": True})
