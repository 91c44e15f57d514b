"""Dashboard API under /api/v1/companies/<company_slug>/dashboard/."""

from django.urls import path

from . import api

urlpatterns = [
    path("dashboard/summary/", api.SummaryView.as_view(), name="api-dashboard-summary"),
    path("dashboard/data/", api.DataView.as_view(), name="api-dashboard-data"),
    path("dashboard/settings/", api.SettingsView.as_view(), name="api-dashboard-settings"),
    path("dashboard/charts/<slug:chart>/", api.ChartView.as_view(), name="api-dashboard-chart"),
    path("dashboard/departments/<int:department_id>/summary/", api.DepartmentSummaryView.as_view(),
         name="api-department-dashboard-summary"),
    path("dashboard/departments/<int:department_id>/charts/<slug:chart>/", api.DepartmentChartView.as_view(),
         name="api-department-dashboard-chart"),
]
