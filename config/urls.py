from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

company_patterns = [
    path("", include("accounts.company_urls")),
    path("audits/", include("audits.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("notifications/", include("notifications.urls")),
    path("scorecards/", include("scorecards.urls")),
]

api_v1_patterns = [
    path("", include("accounts.api_urls")),
    path("companies/<slug:company_slug>/", include("audits.api_urls")),
    path("companies/<slug:company_slug>/", include("dashboards.api_urls")),
    path("companies/<slug:company_slug>/", include("notifications.api_urls")),
    path("companies/<slug:company_slug>/", include("scorecards.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", account_views.health, name="health"),
    path("", include("accounts.urls")),
    path("c/<slug:company_slug>/", include(company_patterns)),
    # Login-free links from emails and calendar clients (signed or secret; outside the company guard).
    path("notifications/", include("notifications.public_urls")),
    path("api/v1/", include(api_v1_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: the init script is a separate file, so the page needs no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# An unmatched /api/ URL answers JSON like the API's own 404s (accounts.api_errors.not_found).
handler404 = "accounts.api_errors.not_found"
# A crash under /api/ answers JSON too; pages get templates/500.html.
handler500 = "accounts.error_views.server_error"
