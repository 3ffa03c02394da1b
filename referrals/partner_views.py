"""The receiving organization's page: reached by a one-time link, outside any sign-in.

Deliberately outside login: the partner has no account. The token in the address is the only key; it
is 256 random bits, stored only as its SHA-256, and stops working once used, when it expires, when it
is revoked, or when the client's consent ends. Every opening is audited and logged as a disclosure.
The page shows only what the consent lets go (services.shared_record), never the record itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from caseload import audit
from referrals import services
from referrals.forms import PartnerUpdateForm
from referrals.models import REDISCLOSURE_NOTICE


def _private(response):
    response["Cache-Control"] = "no-store, " + response.get("Cache-Control", "private")
    # The token must not travel to another site. "same-origin", not "no-referrer": with no referrer the
    # browser sends `Origin: null` on the form's POST, and the CSRF check rightly refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def partner_referral(request, token):
    link, consent = services.partner_link_for_token(token)
    if link is None:
        return _private(render(request, "referrals/partner_gone.html", status=404))
    referral = link.referral
    form = PartnerUpdateForm(request.POST or None, statuses=referral.next_statuses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.partner_update(token=token, to_status=data["to_status"], appointment_at=data["appointment_at"],
                                    note=data["note"], name=data["name"])
        except services.NotAllowed as error:
            form.add_error("to_status", str(error))
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
        else:
            audit.record(action="update", client_id=referral.client_id, obj=referral,
                         summary="referral updated through the partner link", actor_name=services.partner_name(link))
            return _private(render(request, "referrals/partner_done.html", {"referral": referral}))
    services.partner_link_opened(link=link, consent=consent)
    shared = services.shared_record(referral, consent)
    return _private(render(request, "referrals/partner_referral.html", {
        "referral": referral, "shared": shared, "form": form, "link": link, "notice": REDISCLOSURE_NOTICE,
        "title": _("Referral to %(service)s") % {"service": referral.service.name},
    }, status=400 if form.errors else 200))
