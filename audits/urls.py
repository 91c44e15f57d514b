from django.urls import path

from . import views, views_config, views_imports

app_name = "audits"
urlpatterns = [
    # rounds and department audits (answering, submitting, reopening, evidence)
    path("", views.round_list, name="round_list"),
    path("rounds/open/", views.round_open_now, name="round_open"),
    path("rounds/<int:round_pk>/", views.round_detail, name="round_detail"),
    path("my/", views.my_audit, name="my_audit"),
    path("department-audits/<int:audit_pk>/", views.audit_detail, name="audit_detail"),
    path("department-audits/<int:audit_pk>/answer/", views.answer_save, name="answer_save"),
    path("department-audits/<int:audit_pk>/copy-previous/", views.audit_copy_previous, name="audit_copy_previous"),
    path("department-audits/<int:audit_pk>/submit/", views.audit_submit, name="audit_submit"),
    path("department-audits/<int:audit_pk>/reopen/", views.audit_reopen, name="audit_reopen"),
    path("department-audits/<int:audit_pk>/evidence/<int:answer_pk>/", views.evidence_download, name="evidence_download"),
    # import of past rounds (audits/views_imports.py)
    path("imports/", views_imports.history_import, name="history_import"),
    path("imports/template/<str:fmt>/", views_imports.history_template, name="history_template"),
    path("imports/<int:history_import_pk>/", views_imports.history_import_detail, name="history_import_detail"),
    path("imports/<int:history_import_pk>/confirm/", views_imports.history_import_confirm,
         name="history_import_confirm"),
    # action items
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:action_item_pk>/", views.action_edit, name="action_edit"),
    # configuration: responsibility matrix, schedule, questionnaire versions (audits/views_config.py)
    path("matrix/", views_config.matrix, name="matrix"),
    path("schedule/", views_config.schedule, name="schedule"),
    path("questionnaires/", views_config.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:questionnaire_pk>/", views_config.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:questionnaire_pk>/copy/", views_config.questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:questionnaire_pk>/rename/", views_config.questionnaire_rename,
         name="questionnaire_rename"),
    path("questionnaires/<int:questionnaire_pk>/publish/", views_config.questionnaire_publish,
         name="questionnaire_publish"),
    path("questionnaires/<int:questionnaire_pk>/questions/new/", views_config.question_add, name="question_add"),
    path("questionnaires/<int:questionnaire_pk>/questions/<int:question_pk>/", views_config.question_edit,
         name="question_edit"),
    path("questionnaires/<int:questionnaire_pk>/questions/<int:question_pk>/delete/", views_config.question_delete,
         name="question_delete"),
]
