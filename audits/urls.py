from django.urls import path

from . import views

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
    # action items
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:action_item_pk>/", views.action_edit, name="action_edit"),
]
