"""The supervisor's dashboard, its charts and exports."""

from django.urls import path

from caseload import supervision_views as views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("report/", views.report_create, name="report"),
    path("report/<uuid:report_id>/", views.report_status, name="report_status"),
    path("report/<uuid:report_id>/download/", views.report_download, name="report_download"),
]
