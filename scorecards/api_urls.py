"""Scorecard API routes under /api/v1/companies/<company_slug>/scorecards/."""

from django.urls import path

from . import api, api_settings

urlpatterns = [
    path("scorecards/activity/", api.ActivityListView.as_view(), name="api-scorecards-activity"),
    path("scorecards/activity/bulk/", api.ActivityBulkUpsertView.as_view(), name="api-scorecards-activity-bulk"),
    path("scorecards/plans/", api.PlanListView.as_view(), name="api-scorecards-plans"),
    path("scorecards/managers/<int:member_pk>/diagnosis/", api.DiagnosisView.as_view(),
         name="api-scorecards-diagnosis"),
    path("scorecards/team/", api.TeamView.as_view(), name="api-scorecards-team"),
    path("scorecards/settings/", api_settings.SettingsView.as_view(), name="api-scorecards-settings"),
    path("scorecards/managers/<int:member_pk>/norm/", api_settings.ManagerNormView.as_view(),
         name="api-scorecards-manager-norm"),
    path("scorecards/ratings/", api_settings.RatingListView.as_view(), name="api-scorecards-ratings"),
]
