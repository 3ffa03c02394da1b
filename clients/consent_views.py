"""Consents (releases of information): recorded by staff, signed by the client on the tablet, revocable.

And the accounting of disclosures: every time the client's information left the agency, and under
which consent.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from careplans.forms import PasswordForm, TabletSignForm
from careplans.handover import handover_end, handover_is_for, handover_start_for
from careplans.language import client_language
from careplans.signature_payload import InvalidSignature, clean_signature
from clients import selectors
from clients.consent_forms import ConsentForm, RevokeConsentForm
from clients.models import Consent
from referrals import services
from referrals.models import Disclosure, Organization


def _consent(request, consent_id, summary: str = "consent") -> Consent:
    return selectors.get_client_record_for_user(request.user, Consent, consent_id, summary=summary,
                                                related=("organization", "created_by", "witnessed_by"))


@login_required
def consent_list(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="consents")
    consents = list(Consent.objects.filter(client=client).select_related("organization"))
    return render(request, "clients/consent_list.html", {"client": client, "consents": consents})


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="consent (new)")
    initial = {}
    organization = Organization.objects.filter(pk=_uuid(request.GET.get("organization"))).first()
    if organization:
        initial = {"organization": organization, "purpose": _("Referral to %(name)s") % {"name": organization.name}}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ConsentForm.Meta.fields}
        consent = services.consent_create(client=client, by=request.user, values=values)
        messages.success(request, _("The consent is recorded. Hand the tablet to the client to sign it."))
        return redirect("clients:consent", consent_id=consent.pk)
    return render(request, "clients/consent_form.html", {"client": client, "form": form})


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@login_required
def consent_detail(request, consent_id):
    consent = _consent(request, consent_id)
    return render(request, "clients/consent_detail.html", {
        "client": consent.client, "consent": consent, "revoke_form": RevokeConsentForm(),
    })


@login_required
def consent_handover(request, consent_id):
    consent = _consent(request, consent_id, "consent (hand-over)")
    if request.method != "POST":
        return redirect("clients:consent", consent_id=consent.pk)
    if consent.signed_at or consent.revoked_at:
        messages.info(request, _("This consent cannot be signed now."))
        return redirect("clients:consent", consent_id=consent.pk)
    handover_start_for(request, record=consent, kind="consent",
                       url=reverse("clients:consent_tablet", args=[consent.pk]))
    return redirect("clients:consent_tablet", consent_id=consent.pk)


@login_required
@require_http_methods(["GET", "POST"])
def consent_tablet(request, consent_id):
    """The consent in the client's hands: read, sign with a finger, hand back (the care-plan signing)."""
    consent = _consent(request, consent_id, "consent (tablet)")
    if not handover_is_for(request, "consent", consent):
        return redirect("clients:consent", consent_id=consent.pk)
    with translation.override(client_language(consent.client)):
        sign_form = TabletSignForm(initial={"printed_name": consent.client.full_name})
        return_form = PasswordForm(user=request.user)
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "return":
            return_form = PasswordForm(request.POST, user=request.user)
            if return_form.is_valid():
                handover_end(request, consent)
                messages.success(request, _("Welcome back. The tablet is yours again."))
                return redirect("clients:consent", consent_id=consent.pk)
        elif action == "sign" and not consent.signed_at:
            sign_form = TabletSignForm(request.POST)
            if _sign(request, consent, sign_form):
                return redirect("clients:consent_tablet", consent_id=consent.pk)
        return render(request, "clients/consent_tablet.html", {
            "client": consent.client, "consent": consent, "sign_form": sign_form, "return_form": return_form,
            "tablet_language": translation.get_language(),
        })


def _sign(request, consent, form) -> bool:
    if not form.is_valid():
        return False
    try:
        image = clean_signature(form.cleaned_data["signature_svg"], form.cleaned_data["signature_png"])
        services.consent_sign(consent=consent, witness=request.user, printed_name=form.cleaned_data["printed_name"],
                              image=image)
    except InvalidSignature as error:
        form.add_error(None, error.message)
        return False
    except services.NotAllowed as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("Thank you. Your answer is saved."))
    return True


@login_required
def consent_revoke(request, consent_id):
    consent = _consent(request, consent_id, "consent (revoke)")
    if request.method != "POST":
        return redirect("clients:consent", consent_id=consent.pk)
    form = RevokeConsentForm(request.POST)
    if not form.is_valid():
        return render(request, "clients/consent_detail.html", {
            "client": consent.client, "consent": consent, "revoke_form": form}, status=400)
    services.consent_revoke(consent=consent, by=request.user, reason=form.cleaned_data["revoke_reason"])
    messages.success(request, _("The consent is revoked. Nothing more is shared under it."))
    return redirect("clients:consent", consent_id=consent.pk)


@login_required
def disclosure_list(request, client_id):
    """The accounting of disclosures: what, to whom, when, how, under which consent."""
    client = selectors.get_client_for_user(request.user, client_id, summary="accounting of disclosures")
    disclosures = list(
        Disclosure.objects.filter(client=client).select_related("consent", "referral__service", "disclosed_by")[:500]
    )
    return render(request, "clients/disclosure_list.html", {"client": client, "disclosures": disclosures})
