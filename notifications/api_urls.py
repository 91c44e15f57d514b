"""REST API routes under /api/v1/companies/<company_slug>/notifications/."""

from django.urls import path

from . import api, api_preferences, api_settings

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/unread-count/", api.UnreadCountView.as_view(), name="api-notifications-unread-count"),
    path("notifications/<int:pk>/read/", api.NotificationReadView.as_view(), name="api-notification-read"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(), name="api-notifications-read-all"),
    path("notifications/preferences/", api_preferences.PreferencesView.as_view(),
         name="api-notifications-preferences"),
    path("notifications/policy/", api_settings.PolicyView.as_view(), name="api-notifications-policy"),
    path("notifications/calendar/", api_settings.CalendarFeedView.as_view(), name="api-notifications-calendar"),
    path("notifications/failed/", api.FailedNotificationListView.as_view(), name="api-notifications-failed"),
    path("notifications/failed/<int:pk>/retry/", api.FailedNotificationRetryView.as_view(),
         name="api-notification-failed-retry"),
]
