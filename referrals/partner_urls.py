from django.urls import path

from referrals import partner_views

app_name = "partner"

# Outside login on purpose: see referrals.partner_views.
urlpatterns = [
    path("<str:token>/", partner_views.partner_referral, name="referral"),
]
