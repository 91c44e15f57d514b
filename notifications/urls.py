"""Notification pages under /c/<company_slug>/notifications/ (membership checked by the middleware)."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/new/", views.calendar_feed_issue, name="calendar_issue"),
    path("calendar/revoke/", views.calendar_feed_revoke, name="calendar_revoke"),
    path("policy/", views.reminder_policy, name="policy"),
    path("failed/", views.failed_list, name="failed"),
    path("failed/<int:pk>/retry/", views.failed_retry, name="failed_retry"),
]
