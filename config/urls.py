from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("api/v1/", include(api_v1_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
