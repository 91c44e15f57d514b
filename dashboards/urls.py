"""Dashboard pages under /c/<company_slug>/dashboard/."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.executive, name="executive"),
    path("mine/", views.my_department, name="my_department"),
    path("departments/<int:department_id>/", views.department, name="department"),
    path("departments/<int:department_id>/export/<slug:dataset>.<str:fmt>", views.department_export,
         name="department_export"),
    path("factors/<slug:factor_key>/", views.factor, name="factor"),
    path("audits/<int:audit_id>/", views.audit, name="audit"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("export/<slug:dataset>.<str:fmt>", views.export, name="export"),
    path("png/<slug:chart>/", views.chart_png, name="png"),
    path("settings/", views.dashboard_settings, name="settings"),
    path("how-we-compute/", views.how, name="how"),
]
