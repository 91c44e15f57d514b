"""Audits API routes under /api/v1/companies/<company_slug>/ (config/urls.py mounts this file there)."""

from django.urls import path

from . import api, api_imports

questionnaire = "questionnaires/<int:questionnaire_pk>/"
audit = "department-audits/<int:audit_pk>/"

urlpatterns = [
    path("factors/", api.FactorListView.as_view(), name="api-factors"),
    path("factors/<slug:factor_key>/", api.FactorDetailView.as_view(), name="api-factor"),
    path("questionnaires/", api.QuestionnaireListView.as_view(), name="api-questionnaires"),
    path(questionnaire, api.QuestionnaireDetailView.as_view(), name="api-questionnaire"),
    path(questionnaire + "copy/", api.QuestionnaireCopyView.as_view(), name="api-questionnaire-copy"),
    path(questionnaire + "publish/", api.QuestionnairePublishView.as_view(), name="api-questionnaire-publish"),
    path(questionnaire + "questions/", api.QuestionListView.as_view(), name="api-questions"),
    path(questionnaire + "questions/<int:question_pk>/", api.QuestionDetailView.as_view(), name="api-question"),
    path("matrix/", api.MatrixView.as_view(), name="api-matrix"),
    path("matrix/propose/", api.MatrixProposeView.as_view(), name="api-matrix-propose"),
    path("schedule/", api.ScheduleView.as_view(), name="api-schedule"),
    path("rounds/", api.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:round_pk>/", api.RoundDetailView.as_view(), name="api-round"),
    path("rounds/<int:round_pk>/scores/", api.RoundScoresView.as_view(), name="api-round-scores"),
    path("department-audits/", api.DepartmentAuditListView.as_view(), name="api-department-audits"),
    path(audit, api.DepartmentAuditDetailView.as_view(), name="api-department-audit"),
    path(audit + "answers/", api.AuditAnswersView.as_view(), name="api-department-audit-answers"),
    path(audit + "answers/<int:question_pk>/evidence/", api.AnswerEvidenceView.as_view(),
         name="api-department-audit-answer-evidence"),
    path(audit + "copy-previous/", api.AuditCopyPreviousView.as_view(), name="api-department-audit-copy-previous"),
    path(audit + "submit/", api.AuditSubmitView.as_view(), name="api-department-audit-submit"),
    path(audit + "reopen/", api.AuditReopenView.as_view(), name="api-department-audit-reopen"),
    path(audit + "scores/", api.AuditScoresView.as_view(), name="api-department-audit-scores"),
    path("action-items/", api.ActionItemListView.as_view(), name="api-action-items"),
    path("action-items/<int:action_item_pk>/", api.ActionItemDetailView.as_view(), name="api-action-item"),
    path("history-imports/", api_imports.HistoryImportListView.as_view(), name="api-history-imports"),
    path("history-imports/<int:history_import_pk>/", api_imports.HistoryImportDetailView.as_view(),
         name="api-history-import"),
]
