"""Handing the tablet to the client: while it lasts the session shows one signing page and nothing else.

One page: a care plan's (careplans.tablet) or a consent's (clients.consent_views). The case manager
starts it from the record's page; it ends only when the case manager enters their
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
    handover_start_for(request, record=plan, kind="plan", url=reverse("careplans:tablet", args=[plan.pk]))


def handover_start_for(request, *, record, kind: str, url: str) -> None:
    """Hand the tablet over for `record` (of a client); `url` is its signing page, the only one open."""
    request.session[SESSION_KEY] = {
        kind: str(record.pk), "url": url, "user": request.user.pk, "at": timezone.now().isoformat(),
    }
    request.session.cycle_key()
    audit.record(action="handover", client_id=record.client_id, obj=record, summary="tablet handed to the client")


def handover_is_for(request, kind: str, record) -> bool:
    handover = handover_for(request)
    return bool(handover) and handover.get(kind) == str(record.pk)


def handover_for(request) -> dict | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def handover_end(request, record) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    audit.record(action="handover", client_id=record.client_id, obj=record, summary="tablet taken back by staff")


class HandoverMiddleware:
    """While the tablet is handed over, every other page of the app leads back to the signing page.

    The partner page (referrals.partner_views) is for another organization's browser, outside any
    session: it is never redirected, and never reads the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        self.partner_prefix = "/partner/"

    def __call__(self, request):
        if request.path.startswith(self.partner_prefix):
            return self.get_response(request)
        handover = handover_for(request)
        if handover and not request.path.startswith(self.static_prefix):
            tablet = handover.get("url") or reverse("careplans:tablet", args=[handover["plan"]])
            if request.path != tablet:
                return redirect(tablet)
        return self.get_response(request)
