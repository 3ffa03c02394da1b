from django.urls import path

from clients import consent_views, emergency_views, views

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
    path("<uuid:client_id>/consents/", consent_views.consent_list, name="consents"),
    path("<uuid:client_id>/consents/new/", consent_views.consent_add, name="consent_add"),
    path("consents/<uuid:consent_id>/", consent_views.consent_detail, name="consent"),
    path("consents/<uuid:consent_id>/hand-over/", consent_views.consent_handover, name="consent_handover"),
    path("consents/<uuid:consent_id>/tablet/", consent_views.consent_tablet, name="consent_tablet"),
    path("consents/<uuid:consent_id>/revoke/", consent_views.consent_revoke, name="consent_revoke"),
    path("<uuid:client_id>/disclosures/", consent_views.disclosure_list, name="disclosures"),
    path("emergency-access/", emergency_views.emergency_access, name="emergency_access"),
    path("emergency-access/reviews/", emergency_views.emergency_reviews, name="emergency_reviews"),
    path("emergency-access/<uuid:grant_id>/review/", emergency_views.emergency_review, name="emergency_review"),
]
