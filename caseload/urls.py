from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView

from caseload import two_factor_views
from caseload.forms import LoginForm

admin.site.site_header = _("Caseload administration")
admin.site.site_title = _("Caseload administration")

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("login/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("login/enrol/", two_factor_views.enrol, name="two_factor_enrol"),
    path("confirm-password/", two_factor_views.confirm_password, name="confirm_password"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clients/", include("clients.urls")),
    path("assessments/", include("assessments.urls")),
    path("careplans/", include("careplans.urls")),
    path("referrals/", include("referrals.urls")),
    path("partner/", include("referrals.partner_urls")),
    path("notes/", include("caseload.note_urls")),
    path("supervision/", include("caseload.supervision_urls")),
    path("supervision/", include("caseload.reassignment_urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL_PATH + "favicon.svg")),
    path("", include("caseload.caseload_urls")),
]
