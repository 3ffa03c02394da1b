from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/import/", views.directory_import, name="directory_import"),
    path("directory/export/", views.directory_export, name="directory_export"),
    path("clients/<uuid:client_id>/", views.referral_list, name="referrals"),
    path("clients/<uuid:client_id>/new/", views.referral_new, name="new"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("<uuid:referral_id>/send/", views.referral_send, name="send"),
    path("<uuid:referral_id>/status/", views.referral_status, name="status"),
    path("<uuid:referral_id>/reopen/", views.referral_reopen, name="reopen"),
    path("<uuid:referral_id>/link/", views.partner_link_create, name="link"),
    path("<uuid:referral_id>/link/revoke/", views.partner_link_revoke, name="link_revoke"),
    path("<uuid:referral_id>/letter/", views.letter_queue, name="letter"),
    path("<uuid:referral_id>/letter.pdf", views.letter_download, name="letter_pdf"),
    path("<uuid:referral_id>/email/", views.letter_email, name="email"),
]
