"""Signing in with a second factor, enrolling an authenticator app, and typing the password again
before a sensitive action. A locked-out sign-in gets the sign-in page with one message for all."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from caseload import audit, two_factor
from caseload.forms import LoginForm, PasswordConfirmForm, SecondFactorForm

# Wrong passwords on the confirm page before the session is ended.
PASSWORD_CONFIRM_ATTEMPTS = 5


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    if not two_factor.needs_verification(request):
        return redirect(_next_url(request))
    if not two_factor.has_authenticator(request.user):
        return redirect("two_factor_enrol")
    form = SecondFactorForm(request.POST or None, user=request.user, check=two_factor.second_factor_check)
    if request.method == "POST":
        if form.is_valid():
            two_factor.mark_verified(request, form.device)
            return redirect(_next_url(request))
        audit.record(action="login_failed", actor=request.user, summary="second factor refused")
    return render(request, "registration/two_factor_verify.html",
                  {"form": form, "next": _next_url(request), "second_factor_pending": True})


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request):
    """Set up an authenticator app: scan the code (or type the secret), then prove it with a first code."""
    if two_factor.has_authenticator(request.user):
        return redirect("two_factor_verify")
    device = two_factor.device_for_enrolment(request.user)
    recovery_codes: list[str] = []

    def first_code(*, user, code):
        codes = two_factor.authenticator_confirm(user=user, device=device, code=code)
        if codes is None:
            return None
        recovery_codes.extend(codes)
        return device

    form = SecondFactorForm(request.POST or None, user=request.user, check=first_code)
    if request.method == "POST" and form.is_valid():
        two_factor.mark_verified(request, device)
        return render(request, "registration/recovery_codes.html", {"codes": recovery_codes, "next": _next_url(request)})
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(qr.svg_inline(scale=4, dark="#000", light="#fff")),  # segno's own markup: no text of ours
        "secret": two_factor.secret_for_typing(device),
        "second_factor_pending": True,  # no menu: none of it opens before the second step
    }
    return render(request, "registration/two_factor_enrol.html", context)


@never_cache
@sensitive_post_parameters("password")
@login_required
def confirm_password(request):
    """Type the password again before a sensitive action, then go back to it."""
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            two_factor.password_confirmed(request)
            request.session.pop("password_confirm_failures", None)
            return redirect(_next_url(request))
        failures = request.session.get("password_confirm_failures", 0) + 1
        request.session["password_confirm_failures"] = failures
        audit.record(action="login_failed", actor=request.user, summary="password re-entry refused")
        if failures >= PASSWORD_CONFIRM_ATTEMPTS:
            logout(request)
            messages.warning(request, _("You were signed out after too many wrong passwords. Sign in again."))
            return redirect("login")
    return render(request, "registration/confirm_password.html", {"form": form, "next": _next_url(request)})


def locked_out(request, original_response=None, credentials=None):
    """django-axes refused the sign-in: the same page and message whether or not the account exists."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    message = form.error_messages["locked_out"] % {"minutes": round(settings.AXES_COOLOFF_TIME * 60)}
    context = {"form": form, "next": _next_url(request), "locked_out": message}
    return render(request, "registration/login.html", context, status=429)
