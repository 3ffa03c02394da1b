from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from caseload import audit, two_factor


def client_address(request) -> str | None:
    """The address a request came from; behind a trusted proxy, the first forwarded-for hop."""
    if settings.AUDIT_TRUST_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the user and address of the current request available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_context(
            actor=request.user,
            remote_addr=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        try:
            return self.get_response(request)
        finally:
            audit.reset_context(token)


class NoStoreMiddleware:
    """Pages for signed-in staff carry client data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL_PATH):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response


class SessionLimitsMiddleware:
    """However active, a session ends SESSION_ABSOLUTE_HOURS after sign-in (the idle limit is the cookie's age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and two_factor.session_expired(request):
            audit.record(action="logout", actor=request.user, summary="session ended: time limit since sign-in")
            logout(request)
            messages.info(request, _("You were signed out: a session lasts at most %(hours)s hours. Sign in again.")
                          % {"hours": settings.SESSION_ABSOLUTE_HOURS})
            return redirect(reverse("login") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until a user who must give a second factor has given it, every page sends them to give it.

    Only the pages of signing in (and out) and static files are open to a half-signed-in session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(settings.STATIC_URL_PATH) and two_factor.needs_verification(request):
            allowed = {reverse(name) for name in ("two_factor_verify", "two_factor_enrol", "logout", "login")}
            if request.path not in allowed:
                step = "two_factor_verify" if two_factor.has_authenticator(request.user) else "two_factor_enrol"
                return redirect(reverse(step) + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
