from django.urls import path

from clients import emergency_views, views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_register, name="register"),
    path("<uuid:client_id>/", views.client_detail, name="detail"),
    path("<uuid:client_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:client_id>/history/", views.client_history, name="history"),
    path("<uuid:client_id>/status/", views.client_status, name="status"),
    path("<uuid:client_id>/access/", views.access_history, name="access_history"),
    path("<uuid:client_id>/people/new/", views.contact_add, name="contact_add"),
    path("people/<uuid:contact_id>/", views.contact_edit, name="contact_edit"),
    path("<uuid:client_id>/dependants/new/", views.dependant_add, name="dependant_add"),
    path("dependants/<uuid:dependant_id>/", views.dependant_edit, name="dependant_edit"),
    path("emergency-access/", emergency_views.emergency_access, name="emergency_access"),
    path("emergency-access/reviews/", emergency_views.emergency_reviews, name="emergency_reviews"),
    path("emergency-access/<uuid:grant_id>/review/", emergency_views.emergency_review, name="emergency_review"),
]
