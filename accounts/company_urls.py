"""Company pages under /c/<company_slug>/ (membership checked by the middleware)."""

from django.urls import path

from . import views_company

urlpatterns = [
    path("", views_company.company_home, name="company_home"),
]
