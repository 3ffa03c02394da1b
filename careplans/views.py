"""Care plan pages. Scope check → form → service → redirect or render; the tablet pages are in tablet.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment, AssessmentItem
from careplans import compare, services
from careplans.content import plan_parts, plans_parts
from careplans.forms import (
    ActionForm,
    CloseForm,
    GoalForm,
    GoalStatusForm,
    ObjectiveForm,
    PasswordForm,
    PlanForm,
    PlanStartForm,
    row_formset,
)
from careplans.handover import handover_start
from careplans.models import CarePlan, Goal, PlanDocument, PlanFrozen, Signature
from caseload import audit
from clients.models import ClientContact
from clients.selectors import get_client_for_user, get_client_record_for_user
from clients.services import ConcurrentEditError


def _plan(request, plan_id, summary: str, related: tuple[str, ...] = ("created_by",)) -> CarePlan:
    """The plan if the user may see it; `related=()` for a page that never shows who made it (one join less)."""
    return get_client_record_for_user(request.user, CarePlan, plan_id, summary=summary, related=related)


def _goal(request, goal_id, summary: str) -> Goal:
    goal = get_client_record_for_user(request.user, Goal, goal_id, summary=summary)
    goal.plan = CarePlan.objects.select_related("client").get(pk=goal.plan_id)
    goal.plan.client = goal.client
    return goal


def _posted_version(request) -> int:
    """The version a button's form was rendered at; anything unreadable counts as out of date."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _labelled(signers: list[dict]) -> list[dict]:
    return [{**signer, "role_label": Signature.Role(signer["role"]).label} for signer in signers]


def _frozen_redirect(request, plan):
    messages.error(request, _("This version is no longer a draft. Changes need a new version: review the plan."))
    return redirect("careplans:plan", plan_id=plan.pk)


def planning_context(client) -> dict:
    """What is shown beside the plan while it is made: the advance statement and the people around."""
    contacts = ClientContact.in_display_order(ClientContact.objects.filter(client=client, is_active=True))
    for contact in contacts:
        contact.client = client  # may_be_involved asks whether the client is a minor
    return {"contacts": contacts}


@login_required
def plan_list(request, client_id):
    """The client's plan in force (or in progress) and every earlier version."""
    client = get_client_for_user(request.user, client_id, summary="care plans")
    plans = list(CarePlan.objects.filter(client=client).select_related("created_by"))
    current = next((p for p in plans if p.status in (CarePlan.Status.DRAFT, CarePlan.Status.AWAITING)), None)
    active = next((p for p in plans if p.status == CarePlan.Status.ACTIVE), None)
    return render(
        request, "careplans/plan_list.html",
        {"client": client, "plans": plans, "active": active, "current": current, "today": timezone.localdate()},
    )


def _latest_assessment(client):
    assessments = Assessment.objects.filter(client=client).order_by("-assessed_on", "-created_at")
    return assessments.filter(status=Assessment.Status.COMPLETED).first() or assessments.first()


@login_required
@require_http_methods(["GET", "POST"])
def plan_start(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="care plan (start)")
    assessment = _latest_assessment(client)
    items = list(
        AssessmentItem.objects.filter(assessment=assessment).order_by("domain", "kind", "position")
    ) if assessment else []
    offered = [item for item in items if item.kind in (AssessmentItem.Kind.GOAL, AssessmentItem.Kind.NEED)]
    strengths = "\n".join(item.text for item in items if item.kind == AssessmentItem.Kind.STRENGTH)
    form = PlanStartForm(
        request.POST or None, items=offered,
        initial={"items": [str(item.pk) for item in offered if item.kind == AssessmentItem.Kind.GOAL],
                 "strengths": strengths},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_start(
                client=client, by=request.user, assessment=assessment,
                item_ids=[int(pk) for pk in form.cleaned_data["items"]], strengths=form.cleaned_data["strengths"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Care plan started. Word each goal with the client, then add how to get there."))
            return redirect("careplans:edit", plan_id=plan.pk)
    return render(
        request, "careplans/plan_start.html", {"client": client, "form": form, "assessment": assessment, "offered": offered}
    )


@login_required
def plan_detail(request, plan_id):
    plan = _plan(request, plan_id, "care plan")
    parts = plan_parts(plan)
    signatures = list(Signature.objects.filter(plan=plan).defer("image_png"))
    pending = services.pending_signers(plan, signatures) if plan.status == CarePlan.Status.AWAITING else []
    pending = _labelled(pending)
    document = PlanDocument.objects.filter(plan=plan).first()
    return render(
        request,
        "careplans/plan_detail.html",
        {
            "client": plan.client, "plan": plan, "goals": parts.goals, "signatures": signatures, "pending": pending,
            "document": document, "can_sign": [s for s in pending if services.may_sign_as(request.user, plan, s)],
            "tablet_pending": [s for s in pending if s["role"] in services.TABLET_ROLES],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id):
    plan = _plan(request, plan_id, "care plan (edit)", related=())
    if not plan.is_editable:
        return _frozen_redirect(request, plan)
    form = PlanForm(request.POST or None, instance=plan, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in CarePlan.CONTENT_FIELDS}
        try:
            services.plan_save(plan=plan, by=request.user, expected_version=form.cleaned_data["version"], values=values)
        except ConcurrentEditError as error:
            form.add_error(None, error.user_message)
        except PlanFrozen:
            return _frozen_redirect(request, plan)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("careplans:edit", plan_id=plan.pk)
    parts = plan_parts(plan)
    return render(
        request, "careplans/plan_form.html",
        {"client": plan.client, "plan": plan, "form": form, "goals": parts.goals, **planning_context(plan.client)},
    )


GOAL_ROWS_EXTRA = 2


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request, plan_id):
    plan = _plan(request, plan_id, "care plan goal (add)")
    return _goal_form(request, plan, None)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, goal_id):
    goal = _goal(request, goal_id, "care plan goal (edit)")
    return _goal_form(request, goal.plan, goal)


def _goal_form(request, plan, goal):
    if not plan.is_editable:
        return _frozen_redirect(request, plan)
    data = request.POST or None
    # "More rows" re-shows the form as typed with room for another objective or action.
    extra = GOAL_ROWS_EXTRA + (1 if request.POST.get("more_rows") else 0)
    objectives_initial = [{"text": o.text, "target_date": o.target_date} for o in goal.objectives.all()] if goal else []
    actions_initial = [
        {"text": a.text, "who": a.who, "who_name": a.who_name, "due_on": a.due_on} for a in goal.actions.all()
    ] if goal else []
    if data and request.POST.get("more_rows"):
        data = data.copy()
        for prefix in ("objectives", "actions"):
            data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS") or 0) + 1)
    form = GoalForm(data, instance=goal, initial={"version": plan.version})
    objectives = row_formset(ObjectiveForm, extra)(data, initial=objectives_initial, prefix="objectives")
    actions = row_formset(ActionForm, extra)(data, initial=actions_initial, prefix="actions")
    if request.method == "POST" and not request.POST.get("more_rows"):
        if form.is_valid() & objectives.is_valid() & actions.is_valid():
            try:
                services.goal_save(
                    plan=plan, by=request.user, expected_version=form.cleaned_data["version"], goal=goal,
                    values=form.cleaned_data, objectives=objectives.rows(), actions=actions.rows(),
                )
            except ConcurrentEditError as error:
                form.add_error(None, error.user_message)
            except PlanFrozen:
                return _frozen_redirect(request, plan)
            else:
                messages.success(request, _("Goal saved."))
                return redirect(reverse("careplans:edit", args=[plan.pk]) + "#goals")
    return render(
        request, "careplans/goal_form.html",
        {"client": plan.client, "plan": plan, "goal": goal, "form": form, "objectives": objectives,
         "actions": actions, **planning_context(plan.client)},
    )


@login_required
def goal_remove(request, goal_id):
    goal = _goal(request, goal_id, "care plan goal (remove)")
    if request.method != "POST":
        return redirect(reverse("careplans:edit", args=[goal.plan_id]) + "#goals")
    try:
        services.goal_remove(goal=goal, by=request.user, expected_version=_posted_version(request))
    except ConcurrentEditError as error:
        messages.error(request, error.user_message)
    except PlanFrozen:
        return _frozen_redirect(request, goal.plan)
    else:
        messages.success(request, _("Goal taken out of the draft."))
    return redirect(reverse("careplans:edit", args=[goal.plan_id]) + "#goals")


@login_required
def goal_move(request, goal_id):
    goal = _goal(request, goal_id, "care plan goal (reorder)")
    if request.method != "POST":
        return redirect(reverse("careplans:edit", args=[goal.plan_id]) + "#goals")
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.goal_move(goal=goal, by=request.user, expected_version=_posted_version(request), offset=offset)
    except ConcurrentEditError as error:
        messages.error(request, error.user_message)
    except PlanFrozen:
        return _frozen_redirect(request, goal.plan)
    return redirect(reverse("careplans:edit", args=[goal.plan_id]) + "#goals")


@login_required
@require_http_methods(["GET", "POST"])
def goal_status(request, goal_id):
    goal = _goal(request, goal_id, "care plan goal (progress)")
    form = GoalStatusForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        services.goal_set_status(
            goal=goal, by=request.user, status=form.cleaned_data["status"], reason=form.cleaned_data["status_reason"]
        )
        messages.success(request, _("Progress on the goal recorded."))
        return redirect("careplans:plan", plan_id=goal.plan_id)
    return render(request, "careplans/goal_status.html", {"client": goal.client, "plan": goal.plan, "goal": goal, "form": form})


@login_required
def plan_send(request, plan_id):
    plan = _plan(request, plan_id, "care plan (send for signatures)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    try:
        services.plan_send_for_signatures(plan=plan, by=request.user, expected_version=_posted_version(request))
    except ConcurrentEditError as error:
        messages.error(request, error.user_message)
        return redirect("careplans:edit", plan_id=plan.pk)
    except PlanFrozen:
        return _frozen_redirect(request, plan)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("careplans:edit", plan_id=plan.pk)
    messages.success(request, _("The plan is ready to sign. Hand the tablet to the client when you are with them."))
    return redirect("careplans:plan", plan_id=plan.pk)


@login_required
def plan_back_to_draft(request, plan_id):
    plan = _plan(request, plan_id, "care plan (back to draft)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    try:
        services.plan_back_to_draft(plan=plan, by=request.user, expected_version=_posted_version(request))
    except ConcurrentEditError as error:
        messages.error(request, error.user_message)
    except PlanFrozen:
        messages.error(request, _("Someone has signed this version: changes need a new version."))
    else:
        messages.success(request, _("The plan is a draft again."))
        return redirect("careplans:edit", plan_id=plan.pk)
    return redirect("careplans:plan", plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_sign(request, plan_id):
    """A case manager or supervisor signs for themselves, confirming with their password."""
    plan = _plan(request, plan_id, "care plan (sign)")
    signatures = list(Signature.objects.filter(plan=plan))
    mine = [s for s in services.pending_signers(plan, signatures) if services.may_sign_as(request.user, plan, s)]
    if plan.status != CarePlan.Status.AWAITING or not mine:
        messages.info(request, _("There is nothing for you to sign on this version."))
        return redirect("careplans:plan", plan_id=plan.pk)
    signer = _labelled(mine)[0]
    form = PasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.signature_record(
                plan=plan, role=signer["role"], witness=request.user, signer_user=request.user,
                device=request.headers.get("User-Agent", ""),
            )
        except services.PlanTampered:
            messages.error(request, _("The stored plan no longer matches what was signed. Nobody can sign it: tell your administrator."))
            return redirect("careplans:verify", plan_id=plan.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Signed."))
            return redirect("careplans:plan", plan_id=plan.pk)
    parts = plan_parts(plan)
    return render(
        request, "careplans/plan_sign.html",
        {"client": plan.client, "plan": plan, "goals": parts.goals, "form": form, "signer": signer,
         "meaning": services.MEANINGS[signer["role"]]},
    )


@login_required
def plan_handover(request, plan_id):
    plan = _plan(request, plan_id, "care plan (hand to client)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    if plan.status != CarePlan.Status.AWAITING:
        messages.error(request, _("Send the plan for signatures before handing the tablet over."))
        return redirect("careplans:plan", plan_id=plan.pk)
    handover_start(request, plan)
    return redirect("careplans:tablet", plan_id=plan.pk)


@login_required
def plan_review(request, plan_id):
    plan = _plan(request, plan_id, "care plan (review)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    try:
        draft = services.plan_review_start(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("careplans:plan", plan_id=plan.pk)
    messages.success(
        request, _("Version %(number)s is a draft made from the plan in force. Change what the review found.")
        % {"number": draft.number},
    )
    return redirect("careplans:edit", plan_id=draft.pk)


@login_required
def plan_close(request, plan_id):
    plan = _plan(request, plan_id, "care plan (close)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the plan is closed."))
        return redirect("careplans:plan", plan_id=plan.pk)
    try:
        services.plan_close(plan=plan, by=request.user, reason=form.cleaned_data["close_reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is closed. It stays in the client's record."))
    return redirect("careplans:plan", plan_id=plan.pk)


@login_required
def plan_verify(request, plan_id):
    """Recompute the SHA-256 of the stored content and compare it with what each signer signed."""
    plan = _plan(request, plan_id, "care plan (verify)", related=())
    digest = plan_parts(plan).hash
    signatures = list(Signature.objects.filter(plan=plan).defer("image_svg", "image_png"))  # the page shows no image
    checks = [(signature, signature.content_hash == digest) for signature in signatures]
    document = PlanDocument.objects.filter(plan=plan, status=PlanDocument.Status.READY).first()
    pdf_intact = None
    if document:
        pdf_intact = services.document_file_sha256(document) == document.sha256
    intact = bool(plan.content_hash) and digest == plan.content_hash and all(ok for _s, ok in checks)
    return render(
        request, "careplans/plan_verify.html",
        {"client": plan.client, "plan": plan, "digest": digest, "checks": checks, "intact": intact,
         "document": document, "pdf_intact": pdf_intact},
    )


@login_required
def plan_compare(request, plan_id):
    """This version beside the one before it, section by section and goal by goal."""
    plan = _plan(request, plan_id, "care plan (compare versions)", related=())
    if plan.previous_id is None:
        messages.info(request, _("This is the first version: there is nothing to compare it with."))
        return redirect("careplans:plan", plan_id=plan.pk)
    previous = CarePlan.objects.get(pk=plan.previous_id)
    rows = compare.compare_versions(*plans_parts([previous, plan]))
    return render(
        request, "careplans/plan_compare.html",
        {"client": plan.client, "plan": plan, "previous": previous, "rows": rows,
         "changed": sum(1 for row in rows if row.changed)},
    )


@login_required
def document_status(request, plan_id):
    """The PDF's state, for the page to update itself without a reload."""
    plan = _plan(request, plan_id, "care plan PDF status")
    document = PlanDocument.objects.filter(plan=plan).first()
    if document is None:
        return JsonResponse({"status": "none"})
    return JsonResponse({
        "status": document.status, "label": str(document.get_status_display()),
        "download": reverse("careplans:pdf", args=[plan.pk]) if document.status == PlanDocument.Status.READY else "",
    })


@login_required
def document_download(request, plan_id):
    plan = _plan(request, plan_id, "care plan PDF")
    document = PlanDocument.objects.filter(plan=plan, status=PlanDocument.Status.READY).first()
    if document is None or not document.file:
        messages.info(request, _("The PDF is not ready yet."))
        return redirect("careplans:plan", plan_id=plan.pk)
    audit.record(action="download", client_id=plan.client_id, obj=document, summary="care plan PDF")
    name = f"care-plan-{plan.client.client_number}-v{plan.number}.pdf"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
def document_retry(request, plan_id):
    plan = _plan(request, plan_id, "care plan PDF (retry)")
    if request.method != "POST":
        return redirect("careplans:plan", plan_id=plan.pk)
    if not PlanDocument.objects.filter(plan=plan).exists():
        return redirect("careplans:plan", plan_id=plan.pk)
    services.document_queue(plan)
    messages.info(request, _("The PDF is being made again."))
    return redirect("careplans:plan", plan_id=plan.pk)
