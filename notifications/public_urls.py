"""Login-free links: one-click unsubscribe (signed) and the iCal feed (secret token)."""

from django.urls import path

from . import views_public

app_name = "notifications_public"
urlpatterns = [
    path("unsubscribe/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    path("calendar/<str:token>.ics", views_public.calendar_feed, name="calendar"),
]
