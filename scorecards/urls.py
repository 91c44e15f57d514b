"""Scorecard pages under /c/<company_slug>/scorecards/ (membership checked by the middleware)."""

from django.urls import path

from . import views

app_name = "scorecards"
urlpatterns = [
    path("", views.home, name="home"),
    path("activity/", views.entry, name="entry"),
    path("team/", views.team, name="team"),
    path("managers/<int:member_pk>/", views.manager_scorecard, name="manager"),
    path("managers/<int:member_pk>/norm/", views.manager_norm, name="manager_norm"),
    path("days-off/<int:day_off_pk>/delete/", views.day_off_delete, name="day_off_delete"),
    path("settings/", views.settings_page, name="settings"),
    path("plans/", views.plans, name="plans"),
    path("knowledge/", views.knowledge_list, name="knowledge"),
    path("knowledge/new/", views.knowledge_new, name="knowledge_new"),
    path("knowledge/ratings/", views.ratings, name="ratings"),
    path("knowledge/<int:knowledge_check_pk>/", views.knowledge_edit, name="knowledge_edit"),
    path("knowledge/<int:knowledge_check_pk>/take/", views.knowledge_take, name="knowledge_take"),
    path("knowledge/questions/<int:knowledge_question_pk>/delete/", views.knowledge_question_delete,
         name="knowledge_question_delete"),
    path("import/", views.upload, name="upload"),
    path("import/<int:import_pk>/", views.upload_preview, name="upload_preview"),
    path("import/template/<str:fmt>/", views.upload_template, name="upload_template"),
]
