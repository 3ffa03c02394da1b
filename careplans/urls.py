from django.urls import path

from careplans import tablet, views

app_name = "careplans"

urlpatterns = [
    path("clients/<uuid:client_id>/", views.plan_list, name="plans"),
    path("clients/<uuid:client_id>/new/", views.plan_start, name="start"),
    path("<uuid:plan_id>/", views.plan_detail, name="plan"),
    path("<uuid:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<uuid:plan_id>/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<uuid:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<uuid:goal_id>/remove/", views.goal_remove, name="goal_remove"),
    path("goals/<uuid:goal_id>/move/", views.goal_move, name="goal_move"),
    path("goals/<uuid:goal_id>/progress/", views.goal_status, name="goal_status"),
    path("<uuid:plan_id>/send/", views.plan_send, name="send"),
    path("<uuid:plan_id>/back-to-draft/", views.plan_back_to_draft, name="back_to_draft"),
    path("<uuid:plan_id>/sign/", views.plan_sign, name="sign"),
    path("<uuid:plan_id>/hand-over/", views.plan_handover, name="handover"),
    path("<uuid:plan_id>/tablet/", tablet.tablet, name="tablet"),
    path("<uuid:plan_id>/review/", views.plan_review, name="review"),
    path("<uuid:plan_id>/close/", views.plan_close, name="close"),
    path("<uuid:plan_id>/verify/", views.plan_verify, name="verify"),
    path("<uuid:plan_id>/compare/", views.plan_compare, name="compare"),
    path("<uuid:plan_id>/pdf/", views.document_download, name="pdf"),
    path("<uuid:plan_id>/pdf/status/", views.document_status, name="pdf_status"),
    path("<uuid:plan_id>/pdf/retry/", views.document_retry, name="pdf_retry"),
]
