"""The tablet in the client's hands: the plan in large type, in their language, and a signature pad.

Reached only through a handover (careplans.handover); every other page redirects here until the
staff member who handed it over takes it back with their password (a form on the same page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from careplans import services
from careplans.content import plan_parts
from careplans.forms import DeclineForm, PasswordForm, TabletSignForm
from careplans.handover import handover_end, handover_for
from careplans.language import client_language
from careplans.models import CarePlan, Signature
from careplans.signature_payload import InvalidSignature, clean_signature
from clients.selectors import get_client_record_for_user

TABLET_DEVICE = "tablet handed to the signer"


@login_required
@require_http_methods(["GET", "POST"])
def tablet(request, plan_id):
    plan = get_client_record_for_user(request.user, CarePlan, plan_id, summary="care plan (tablet)")
    handover = handover_for(request)
    if not handover or handover.get("plan") != str(plan.pk):
        return redirect("careplans:plan", plan_id=plan.pk)
    signatures = list(Signature.objects.filter(plan=plan))
    pending = services.pending_signers(plan, signatures) if plan.status == CarePlan.Status.AWAITING else []
    signer = next((s for s in pending if s["role"] in services.TABLET_ROLES), None)
    staff_language = translation.get_language()
    with translation.override(client_language(plan.client)):
        sign_form = TabletSignForm(initial={"printed_name": signer["name"]} if signer else None)
        decline_form = DeclineForm()
        return_form = PasswordForm(user=request.user)
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "return":
            return_form = PasswordForm(request.POST, user=request.user)
            if return_form.is_valid():
                handover_end(request, plan)
                with translation.override(staff_language):  # the staff member reads it, on their own page
                    messages.success(request, _("Welcome back. The tablet is yours again."))
                return redirect("careplans:plan", plan_id=plan.pk)
        elif action and signer:
            if action == "sign":
                sign_form = TabletSignForm(request.POST)
                if _sign(request, plan, signer, sign_form):
                    return redirect("careplans:tablet", plan_id=plan.pk)
            elif action == "decline":
                decline_form = DeclineForm(request.POST)
                if _decline(request, plan, signer, decline_form):
                    return redirect("careplans:tablet", plan_id=plan.pk)
        parts = plan_parts(plan)
        response = render(
            request, "careplans/tablet.html",
            {"client": plan.client, "plan": plan, "goals": parts.goals, "signer": signer,
             "signer_role": Signature.Role(signer["role"]).label if signer else "",
             "meaning": services.MEANINGS[signer["role"]] if signer else "",
             "signed": [s for s in signatures if s.role in services.TABLET_ROLES],
             "sign_form": sign_form, "decline_form": decline_form,
             "return_form": return_form, "tablet_language": translation.get_language()},
        )
    return response


def _sign(request, plan, signer, form) -> bool:
    if not form.is_valid():
        return False
    try:
        image = clean_signature(form.cleaned_data["signature_svg"], form.cleaned_data["signature_png"])
    except InvalidSignature as error:
        form.add_error(None, error.message)
        return False
    return _record(request, plan, signer, form, printed_name=form.cleaned_data["printed_name"], image=image)


def _decline(request, plan, signer, form) -> bool:
    if not form.is_valid():
        return False
    return _record(request, plan, signer, form, declined=True, decline_reason=form.cleaned_data["decline_reason"])


def _record(request, plan, signer, form, **values) -> bool:
    try:
        services.signature_record(
            plan=plan, role=signer["role"], witness=request.user,
            device=f"{TABLET_DEVICE}; {request.headers.get('User-Agent', '')}", **values,
        )
    except services.PlanTampered:
        form.add_error(None, _("This plan cannot be signed now. Please hand the tablet back."))
        return False
    except ValidationError as error:
        for text in error.messages:
            form.add_error(None, text)
        return False
    messages.success(request, _("Thank you. Your answer is saved."))
    return True
