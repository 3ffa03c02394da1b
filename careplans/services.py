"""Writes to care plans. Each is one transaction with its audit entries; a signed version never changes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import AssessmentItem, RiskFlag
from careplans.content import plan_parts
from careplans.models import Action, CarePlan, Goal, Objective, PlanDocument, PlanFrozen, Signature
from caseload import outbox
from caseload.models import AgencySettings, Team
from clients.models import ClientContact
from clients.services import ConcurrentEditError

# What signing means, for each kind of signer: shown above the signature and kept with it.
MEANINGS = {
    Signature.Role.CLIENT: gettext_lazy("I took part in making this plan and I agree with it."),
    Signature.Role.GUARDIAN: gettext_lazy(
        "As guardian, I took part in making this plan and I agree with it on the client's behalf."
    ),
    Signature.Role.NOMINATED_PERSON: gettext_lazy(
        "The client asked me to be involved. I took part in making this plan and I support it."
    ),
    Signature.Role.CASE_MANAGER: gettext_lazy(
        "I made this plan with the client, it reflects what we agreed, and I will carry out my part of it."
    ),
    Signature.Role.SUPERVISOR: gettext_lazy("I have reviewed this plan and I approve it."),
}
TABLET_ROLES = {Signature.Role.CLIENT, Signature.Role.GUARDIAN, Signature.Role.NOMINATED_PERSON}
STAFF_ROLES = {Signature.Role.CASE_MANAGER, Signature.Role.SUPERVISOR}


class PlanTampered(Exception):
    """The stored content no longer matches the hash taken at the first signature."""


def _lock(plan: CarePlan, expected_version: int | None = None) -> CarePlan:
    locked = CarePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(locked)
    return locked


def _touch(plan: CarePlan, by) -> None:
    plan.updated_by = by
    plan.version += 1
    plan.save()


def _editable(plan: CarePlan, expected_version: int | None, by) -> CarePlan:
    locked = _lock(plan, expected_version)
    if not locked.is_editable:
        raise PlanFrozen(_("This version is no longer a draft: changes need a new version."))
    return locked


# --- Starting and editing a draft ----------------------------------------------------------------


@transaction.atomic
def plan_start(*, client, by, assessment=None, item_ids: list[int] = (), strengths: str = "") -> CarePlan:
    """A first draft, with the chosen needs and goals of the assessment as its starting goals."""
    if CarePlan.objects.filter(client=client, status__in=[CarePlan.Status.DRAFT, CarePlan.Status.AWAITING]).exists():
        raise ValidationError(_("This client already has a care plan in progress: continue that one."))
    if CarePlan.objects.filter(client=client, status=CarePlan.Status.ACTIVE).exists():
        raise ValidationError(_("This client has an active care plan: review it to make the next version."))
    number = (CarePlan.objects.filter(client=client).aggregate(n=Max("number"))["n"] or 0) + 1
    team = Team.objects.filter(pk=client.team_id).first()
    plan = CarePlan(
        client=client, number=number, source_assessment=assessment, created_by=by, updated_by=by,
        strengths=strengths.strip(), cosignature_required=bool(team and team.plan_cosignature_required),
        professional_contacts=_default_professional_contacts(client, by),
    )
    plan.full_clean()
    plan.save()
    if assessment is not None and item_ids:
        items = AssessmentItem.objects.filter(assessment=assessment, pk__in=item_ids).order_by("domain", "kind", "position")
        for position, item in enumerate(items):
            Goal.objects.create(
                plan=plan, client=client, position=position, area=area_for_domain(item.domain),
                client_words=item.text, source_item=item,
            )
    return plan


def _default_professional_contacts(client, by) -> str:
    carrier = client.case_manager or by
    line = _("Case manager: %(name)s") % {"name": carrier.display_name}
    return line


# Assessment domain → area of life of the goal it suggests.
DOMAIN_AREAS = {
    "mental_state": Goal.Area.MENTAL_HEALTH,
    "co_occurring": Goal.Area.MENTAL_HEALTH,
    "wellbeing": Goal.Area.MENTAL_HEALTH,
    "coping": Goal.Area.MENTAL_HEALTH,
    "physical_health": Goal.Area.PHYSICAL_HEALTH,
    "substance_use": Goal.Area.SUBSTANCE_USE,
    "safety": Goal.Area.SAFETY,
    "relationships": Goal.Area.RELATIONSHIPS,
    "occupation": Goal.Area.WORK,
    "daily_living": Goal.Area.DAILY_LIVING,
    "income_housing": Goal.Area.HOUSING,
    "rights_advocacy": Goal.Area.LEGAL,
    "culture_language": Goal.Area.COMMUNITY,
}


def area_for_domain(domain: str) -> str:
    return DOMAIN_AREAS.get(domain, Goal.Area.OTHER)


@transaction.atomic
def plan_save(*, plan: CarePlan, by, expected_version: int, values: dict) -> CarePlan:
    """Save the draft's header and safety plan. Refused if someone saved in between, or once signed."""
    locked = _editable(plan, expected_version, by)
    for name in CarePlan.CONTENT_FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    locked.full_clean()
    _touch(locked, by)
    return locked


@transaction.atomic
def goal_save(
    *, plan: CarePlan, by, expected_version: int, goal: Goal | None, values: dict,
    objectives: list[dict], actions: list[dict],
) -> Goal:
    """Add or change one goal of a draft with its objectives and actions, as typed (empty rows dropped)."""
    locked = _editable(plan, expected_version, by)
    if goal is None:
        last = Goal.objects.filter(plan=locked).aggregate(p=Max("position"))["p"]
        goal = Goal(plan=locked, client_id=locked.client_id, position=0 if last is None else last + 1)
    elif goal.plan_id != locked.pk:
        raise ValidationError(_("This goal belongs to another version."))
    for name in ("area", "client_words", "description"):
        setattr(goal, name, values[name])
    goal.full_clean()
    goal.save()
    _replace_rows(Objective, goal, objectives, ("text", "target_date"))
    _replace_rows(Action, goal, actions, ("text", "who", "who_name", "due_on"))
    _touch(locked, by)
    return goal


def _replace_rows(model, goal: Goal, rows: list[dict], fields: tuple[str, ...]) -> None:
    """Keep a draft goal's list as typed: change rows in place, add new ones, remove the rest."""
    existing = list(model.objects.filter(goal=goal).order_by("position", "id"))
    for position, values in enumerate(rows):
        row = existing[position] if position < len(existing) else model(goal=goal, client_id=goal.client_id)
        changed = row.pk is None or row.position != position or any(getattr(row, f) != values[f] for f in fields)
        if changed:
            row.position = position
            for name in fields:
                setattr(row, name, values[name])
            row.full_clean()
            row.save()
    for row in existing[len(rows):]:
        row.delete()


@transaction.atomic
def goal_remove(*, goal: Goal, by, expected_version: int) -> None:
    locked = _editable(goal.plan, expected_version, by)
    Objective.objects.filter(goal=goal).delete()
    Action.objects.filter(goal=goal).delete()
    goal.delete()
    for position, remaining in enumerate(Goal.objects.filter(plan=locked).order_by("position", "id")):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])
    _touch(locked, by)


@transaction.atomic
def goal_move(*, goal: Goal, by, expected_version: int, offset: int) -> None:
    locked = _editable(goal.plan, expected_version, by)
    goals = list(Goal.objects.filter(plan=locked).order_by("position", "id"))
    index = next(i for i, g in enumerate(goals) if g.pk == goal.pk)
    target = index + offset
    if 0 <= target < len(goals):
        goals[index], goals[target] = goals[target], goals[index]
        for position, row in enumerate(goals):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
    _touch(locked, by)


@transaction.atomic
def goal_set_status(*, goal: Goal, by, status: str, reason: str = "") -> Goal:
    """Progress on a goal: tracked on the version in force, without a new version."""
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if status == Goal.Status.DISCONTINUED and not reason.strip():
        raise ValidationError({"status_reason": _("Say why the goal is discontinued.")})
    locked.status, locked.status_reason = status, reason.strip()
    locked.status_changed_at, locked.status_changed_by = timezone.now(), by
    locked.full_clean()
    locked.save()
    return locked


# --- Signatures ----------------------------------------------------------------------------------


def required_signers(plan: CarePlan) -> list[dict]:
    """Who signs this version, in signing order: the client, the people the client involves, staff."""
    client = plan.client
    signers = [{"role": Signature.Role.CLIENT, "name": client.full_name, "user": None, "contact": None}]
    taken = set()
    contacts = ClientContact.in_display_order(
        ClientContact.objects.filter(
            client=client, is_active=True, role__in=[ClientContact.Role.GUARDIAN, ClientContact.Role.NOMINATED_PERSON]
        ).select_related("client")
    )
    for contact in contacts:
        if contact.role in taken or not contact.may_be_involved:
            continue
        # A guardian signs for a minor; a nominated person when the client has agreed to their involvement.
        taken.add(contact.role)
        signers.append({"role": contact.role, "name": contact.name, "user": None, "contact": str(contact.pk)})
    carrier = client.case_manager or plan.created_by
    signers.append(
        {"role": Signature.Role.CASE_MANAGER, "name": carrier.display_name, "user": carrier.pk, "contact": None}
    )
    if plan.cosignature_required:
        signers.append({"role": Signature.Role.SUPERVISOR, "name": "", "user": None, "contact": None})
    return signers


@transaction.atomic
def plan_send_for_signatures(*, plan: CarePlan, by, expected_version: int) -> CarePlan:
    """The draft is finished: from now on it is signed as it stands, or sent back to draft before anyone signs."""
    locked = _editable(plan, expected_version, by)
    errors = []
    if not Goal.objects.filter(plan=locked).exists():
        errors.append(_("Add at least one goal before the plan is signed."))
    if RiskFlag.objects.filter(client_id=locked.client_id).active().exists() and not locked.safety_plan_filled:
        errors.append(_("The client has a risk flag: make the safety plan with them before the plan is signed."))
    if errors:
        raise ValidationError(errors)
    locked.status = CarePlan.Status.AWAITING
    locked.sent_for_signatures_at = timezone.now()
    locked.required_signers = required_signers(locked)
    _touch(locked, by)
    return locked


@transaction.atomic
def plan_back_to_draft(*, plan: CarePlan, by, expected_version: int) -> CarePlan:
    locked = _lock(plan, expected_version)
    if locked.status != CarePlan.Status.AWAITING or locked.frozen_at is not None:
        raise PlanFrozen(_("Someone has signed this version: changes need a new version."))
    locked.status = CarePlan.Status.DRAFT
    locked.required_signers = []
    locked.sent_for_signatures_at = None
    _touch(locked, by)
    return locked


def pending_signers(plan: CarePlan, signatures: list[Signature]) -> list[dict]:
    done = {signature.role for signature in signatures}
    return [signer for signer in plan.required_signers if signer["role"] not in done]


def may_sign_as(user, plan: CarePlan, signer: dict) -> bool:
    """Staff sign for themselves: the case manager named on the plan, or a supervisor of the client's team."""
    if signer["role"] == Signature.Role.CASE_MANAGER:
        return signer["user"] == user.pk
    if signer["role"] == Signature.Role.SUPERVISOR:
        return user.is_supervisor and Team.objects.filter(pk=plan.client.team_id, supervisors=user).exists()
    return False


@transaction.atomic
def signature_record(
    *, plan: CarePlan, role: str, witness, device: str, printed_name: str = "", image=None,
    declined: bool = False, decline_reason: str = "", signer_user=None,
) -> Signature:
    """One signer signs (or declines) the version as it stands; the last one makes it active.

    The first signature freezes the version and takes the SHA-256 of its content; every later
    signature recomputes it and is refused if the stored content no longer matches.
    `image` is a careplans.signature_payload.CleanSignature for signatures given on the tablet.
    """
    locked = _lock(plan)
    if locked.status != CarePlan.Status.AWAITING:
        raise ValidationError(_("This version is not waiting for signatures."))
    signatures = list(Signature.objects.filter(plan=locked))
    signer = next((s for s in pending_signers(locked, signatures) if s["role"] == role), None)
    if signer is None:
        raise ValidationError(_("This signature has already been given."))
    if role in STAFF_ROLES:
        if signer_user is None or not may_sign_as(signer_user, locked, signer):
            raise ValidationError(_("Only %(name)s can sign as %(role)s.") % {
                "name": signer["name"] or _("a supervisor of the client's team"),
                "role": Signature.Role(role).label.lower(),
            })
        printed_name = signer_user.display_name
    elif declined:
        if not decline_reason.strip():
            raise ValidationError({"decline_reason": _("Write down why the plan is not signed.")})
    elif image is None:
        raise ValidationError({"signature": _("Sign in the box with your finger before pressing Sign.")})
    printed_name = (printed_name or signer["name"]).strip()
    if not printed_name:
        raise ValidationError({"printed_name": _("Write the name of the person signing.")})

    digest = plan_parts(locked).hash
    if locked.frozen_at is None:
        locked.content_hash, locked.frozen_at = digest, timezone.now()
        locked.save(update_fields=["content_hash", "frozen_at", "updated_at"])
    elif digest != locked.content_hash:
        raise PlanTampered(locked.pk)

    signature = Signature(
        plan=locked, client_id=locked.client_id, role=role, printed_name=printed_name[:200],
        meaning=str(MEANINGS[role]), declined=declined, decline_reason=decline_reason.strip() if declined else "",
        device=device[:300], witnessed_by=witness, content_hash=digest,
        signer_user=signer_user if role in STAFF_ROLES else None,
        signer_contact_id=signer["contact"],
        image_svg=image.svg if image and not declined else "",
        image_png=image.png if image and not declined else b"",
    )
    signature.full_clean(exclude=["image_png"])
    signature.save()
    if not pending_signers(locked, [*signatures, signature]):
        _activate(locked, by=witness)
    return signature


def _activate(plan: CarePlan, *, by) -> None:
    """All signatures are in: this version is the plan now, the previous one is superseded, the PDF is queued."""
    today = timezone.localdate()
    now = timezone.now()
    for previous in CarePlan.objects.select_for_update().filter(client_id=plan.client_id, status=CarePlan.Status.ACTIVE):
        previous.status, previous.ended_at = CarePlan.Status.SUPERSEDED, now
        previous.save(update_fields=["status", "ended_at", "updated_at"])
    plan.status = CarePlan.Status.ACTIVE
    plan.effective_on = today
    plan.review_on = today + timedelta(days=AgencySettings.load().plan_review_days)
    _touch(plan, by)
    document_queue(plan)


def document_queue(plan: CarePlan) -> PlanDocument:
    """Make (or reset) the PDF's status row, then queue the render once the transaction commits.

    The row is what counts: if the broker is down the task is queued again by the beat sweep
    (careplans.tasks.requeue_stale_documents), and the task does nothing if the PDF is already there.
    """
    from careplans.tasks import render_plan_pdf

    document, _created = PlanDocument.objects.select_for_update().get_or_create(
        plan=plan, defaults={"client_id": plan.client_id}
    )
    if not _created:
        if document.status == PlanDocument.Status.READY:
            return document
        document.status, document.error, document.attempts = PlanDocument.Status.QUEUED, "", 0
        document.queued_at = timezone.now()
        document.save(update_fields=["status", "error", "attempts", "queued_at"])
    outbox.enqueue(render_plan_pdf, str(document.pk))
    return document


def document_file_sha256(document: PlanDocument) -> str:
    """The SHA-256 of the stored PDF as it is now (the verification page compares it with the one taken at rendering)."""
    digest = hashlib.sha256()
    with document.file.open("rb") as stored:
        for chunk in iter(lambda: stored.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- The review cycle ----------------------------------------------------------------------------


@transaction.atomic
def plan_review_start(*, plan: CarePlan, by) -> CarePlan:
    """A new draft from the active version: same goals (same lineage), objectives, actions and safety plan."""
    locked = _lock(plan)
    if locked.status != CarePlan.Status.ACTIVE:
        raise ValidationError(_("Only the active plan is reviewed."))
    if CarePlan.objects.filter(
        client_id=locked.client_id, status__in=[CarePlan.Status.DRAFT, CarePlan.Status.AWAITING]
    ).exists():
        raise ValidationError(_("A review of this plan is already in progress."))
    team = Team.objects.filter(pk=locked.client.team_id).first()
    draft = CarePlan(
        client_id=locked.client_id, number=locked.number + 1, previous=locked,
        source_assessment=locked.source_assessment, created_by=by, updated_by=by,
        cosignature_required=bool(team and team.plan_cosignature_required),
        **{name: getattr(locked, name) for name in CarePlan.CONTENT_FIELDS},
    )
    draft.save()
    for goal in plan_parts(locked).goals:
        copy = Goal.objects.create(
            plan=draft, client_id=draft.client_id, lineage=goal.lineage, position=goal.position, area=goal.area,
            client_words=goal.client_words, description=goal.description, source_item_id=goal.source_item_id,
            status=goal.status, status_reason=goal.status_reason,
            status_changed_at=goal.status_changed_at, status_changed_by_id=goal.status_changed_by_id,
        )
        for objective in goal.objectives.all():
            Objective.objects.create(
                goal=copy, client_id=draft.client_id, position=objective.position, text=objective.text,
                target_date=objective.target_date,
            )
        for action in goal.actions.all():
            Action.objects.create(
                goal=copy, client_id=draft.client_id, position=action.position, text=action.text, who=action.who,
                who_name=action.who_name, due_on=action.due_on,
            )
    return draft


@transaction.atomic
def plan_close(*, plan: CarePlan, by, reason: str) -> CarePlan:
    """End the plan (discharge, or a plan that no longer fits) without a new version; the history stays."""
    locked = _lock(plan)
    if locked.status not in (CarePlan.Status.ACTIVE, CarePlan.Status.AWAITING, CarePlan.Status.DRAFT):
        raise ValidationError(_("This version has already ended."))
    if not reason.strip():
        raise ValidationError({"close_reason": _("Say why the plan is closed.")})
    locked.status, locked.close_reason, locked.ended_at = CarePlan.Status.CLOSED, reason.strip(), timezone.now()
    _touch(locked, by)
    return locked
