"""Handing the tablet to the client: while it lasts the session shows one plan's signing page and nothing else.

The case manager starts it from the plan's page; it ends only when the case manager enters their
password on the tablet. A client who taps the address bar, the back button or a bookmark lands on
the signing page again.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from caseload import audit

SESSION_KEY = "careplans.handover"


def handover_start(request, plan) -> None:
    request.session[SESSION_KEY] = {"plan": str(plan.pk), "user": request.user.pk, "at": timezone.now().isoformat()}
    request.session.cycle_key()
    audit.record(action="handover", client_id=plan.client_id, obj=plan, summary="tablet handed to the client")


def handover_for(request) -> dict | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def handover_end(request, plan) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    audit.record(action="handover", client_id=plan.client_id, obj=plan, summary="tablet taken back by staff")


class HandoverMiddleware:
    """While the tablet is handed over, every other page of the app leads back to the signing page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        handover = handover_for(request)
        if handover and not request.path.startswith(self.static_prefix):
            tablet = reverse("careplans:tablet", args=[handover["plan"]])
            if request.path != tablet:
                return redirect(tablet)
        return self.get_response(request)
