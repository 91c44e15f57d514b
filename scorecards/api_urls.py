"""Scorecard API routes under /api/v1/companies/<company_slug>/scorecards/."""

from django.urls import path

from . import api, api_imports, api_knowledge, api_settings

check = "scorecards/knowledge-checks/<int:knowledge_check_pk>/"

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
    path("scorecards/history-imports/activity/", api_imports.ActivityHistoryImportView.as_view(),
         name="api-scorecards-history-activity"),
    path("scorecards/history-imports/plans/", api_imports.PlanHistoryImportView.as_view(),
         name="api-scorecards-history-plans"),
    path("scorecards/history-imports/ratings/", api_imports.RatingHistoryImportView.as_view(),
         name="api-scorecards-history-ratings"),
    path("scorecards/days-off/", api_settings.DayOffListView.as_view(), name="api-scorecards-days-off"),
    path("scorecards/days-off/<int:day_off_pk>/", api_settings.DayOffDetailView.as_view(),
         name="api-scorecards-day-off"),
    path("scorecards/knowledge-checks/", api_knowledge.KnowledgeCheckListView.as_view(),
         name="api-scorecards-knowledge-checks"),
    path(check, api_knowledge.KnowledgeCheckDetailView.as_view(), name="api-scorecards-knowledge-check"),
    path(check + "questions/", api_knowledge.KnowledgeQuestionListView.as_view(),
         name="api-scorecards-knowledge-questions"),
    path(check + "questions/<int:knowledge_question_pk>/", api_knowledge.KnowledgeQuestionDetailView.as_view(),
         name="api-scorecards-knowledge-question"),
    path(check + "attempts/", api_knowledge.KnowledgeAttemptView.as_view(), name="api-scorecards-knowledge-attempts"),
]
