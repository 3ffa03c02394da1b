from django.urls import path

from caseload import note_views

app_name = "notes"

urlpatterns = [
    path("clients/<uuid:client_id>/", note_views.timeline, name="timeline"),
    path("clients/<uuid:client_id>/new/", note_views.note_new, name="new"),
    path("<uuid:note_id>/", note_views.note_detail, name="note"),
    path("<uuid:note_id>/edit/", note_views.note_edit, name="edit"),
    path("<uuid:note_id>/addenda/", note_views.note_addendum, name="addendum"),
]
