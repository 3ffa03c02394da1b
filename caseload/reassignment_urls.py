"""A case manager's caseload seen by their supervisor, moving clients with a preview, and acuity."""

from django.urls import path

from caseload import reassignment_views as views

app_name = "reassignment"

urlpatterns = [
    path("case-managers/<int:user_id>/", views.caseload, name="caseload"),
    # The ticked clients travel in the form body, never in these addresses.
    path("case-managers/<int:user_id>/move/", views.move_preview, name="preview"),
    path("case-managers/<int:user_id>/move/confirm/", views.move_confirm, name="confirm"),
    path("clients/<uuid:client_id>/acuity/", views.acuity, name="acuity"),
]
