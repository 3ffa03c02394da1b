"""Second factor, session limits and password re-entry: what a signed-in session has proved, and when.

The session remembers three things about its sign-in:

- `SIGNED_IN_AT`: when the password was accepted; the session ends SESSION_ABSOLUTE_HOURS later.
- `PASSWORD_CONFIRMED_AT`: when the password was last typed (at sign-in or on the confirm page);
  sensitive actions ask for it again after REAUTHENTICATE_MINUTES.
- `VERIFIED_USER`: the user whose second factor this session checked. Nothing else marks a session
  verified, so a new password (set by an administrator) never lets anyone past the second factor.
"""

from __future__ import annotations

import secrets
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload import audit

SIGNED_IN_AT = "signed_in_at"
PASSWORD_CONFIRMED_AT = "password_confirmed_at"
VERIFIED_USER = "second_factor_user"
RECOVERY_CODE_COUNT = 10


def session_started(session) -> None:
    """Called at every sign-in (the `user_logged_in` signal)."""
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[PASSWORD_CONFIRMED_AT] = now
    session.pop(VERIFIED_USER, None)


def is_verified(request) -> bool:
    return request.session.get(VERIFIED_USER) == request.user.pk


def needs_verification(request) -> bool:
    """Signed in with a password, but the second factor this user must give is still missing."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    from caseload.models import AgencySettings

    # Cached on the user for the scoping function, which needs the same row.
    agency = getattr(user, "_agency_settings", None)
    if agency is None and not (user.is_supervisor or user.is_administrator):
        agency = user._agency_settings = AgencySettings.load()
    return user.needs_second_factor(agency)


def mark_verified(request, device) -> None:
    request.session[VERIFIED_USER] = request.user.pk
    request.session.cycle_key()  # a new session key for the stronger sign-in
    audit.record(action="login", actor=request.user, summary=f"second factor verified ({device._meta.verbose_name})")


def session_expired(request) -> bool:
    signed_in_at = request.session.get(SIGNED_IN_AT)
    return signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600


def password_recently_confirmed(request) -> bool:
    confirmed_at = request.session.get(PASSWORD_CONFIRMED_AT)
    return confirmed_at is not None and time.time() - confirmed_at <= settings.REAUTHENTICATE_MINUTES * 60


def password_confirmed(request) -> None:
    request.session[PASSWORD_CONFIRMED_AT] = time.time()


def confirm_password_url(next_url: str) -> str:
    return reverse("confirm_password") + "?" + urlencode({"next": next_url})


def recent_password_required(view=None, *, return_to=None):
    """Before a sensitive action, ask for the password again if it was last typed too long ago.

    `return_to(request)` names where to come back to; by default the same address (a GET). A POST
    comes back to the page that holds its button, since a form post cannot be replayed.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not password_recently_confirmed(request):
                target = return_to(request) if return_to else request.get_full_path()
                return redirect(confirm_password_url(target))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


def device_for_enrolment(user) -> TOTPDevice:
    """The user's authenticator-app device still waiting for its first code (made once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; issue recovery codes. None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=user)
    audit.record(action="security", actor=user, summary="authenticator app enrolled, recovery codes issued")
    return codes


def recovery_codes_issue(*, user) -> list[str]:
    """Ten new single-use recovery codes, replacing any earlier ones. Shown once: only their use is stored."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:4]}-{code[4:]}" for code in codes]


@transaction.atomic
def second_factor_check(*, user, code: str):
    """The device that accepts `code` (a code from the app, or a recovery code), or None.

    A code from the app is accepted once: django-otp remembers the last time step used and refuses
    it and any earlier one. A recovery code is removed when used. Each device throttles failures.
    """
    code = _digits(code)
    if not code:
        return None
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def _digits(code: str) -> str:
    return "".join(character for character in (code or "") if character.isalnum())


def sessions_end_for(user) -> int:
    """End every session of `user` now (on deactivation). Sessions live in the database."""
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
