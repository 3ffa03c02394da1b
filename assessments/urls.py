from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("clients/<uuid:client_id>/instruments/", views.instrument_list, name="instruments"),
    path("clients/<uuid:client_id>/instruments/<slug:code>/", views.instrument_administer, name="administer"),
    path("clients/<uuid:client_id>/instruments/<slug:code>/history/", views.instrument_history, name="history"),
    path("results/<uuid:response_id>/", views.instrument_response, name="response"),
    path("clients/<uuid:client_id>/risk-flags/new/", views.risk_flag_add, name="risk_flag_add"),
    path("risk-flags/<uuid:flag_id>/clear/", views.risk_flag_clear, name="risk_flag_clear"),
    path("clients/<uuid:client_id>/assessments/", views.assessment_list, name="assessments"),
    path("clients/<uuid:client_id>/assessments/new/", views.assessment_start, name="assessment_start"),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="assessment"),
    path("assessments/<uuid:assessment_id>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<uuid:assessment_id>/sign/", views.assessment_sign, name="assessment_sign"),
    path("assessments/<uuid:assessment_id>/addenda/", views.assessment_addendum, name="assessment_addendum"),
]
