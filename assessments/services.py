"""Recording scored instruments and raising or clearing risk flags."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domains import DOMAIN_BY_KEY
from assessments.instruments import InvalidAnswer, get_instrument
from assessments.models import (
    Assessment,
    AssessmentAddendum,
    AssessmentItem,
    DomainEntry,
    InstrumentResponse,
    Participant,
    RiskFlag,
)
from caseload import outbox
from caseload.acuity import acuity_refresh
from caseload.models import Notice, Team
from clients.services import ConcurrentEditError


class IncompleteAnswers(Exception):
    """Questions of an instrument are still unanswered, and saving it incomplete was not asked for."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"{len(missing)} question(s) unanswered")


def without_skipped(instrument, answers: dict[str, int]) -> dict[str, int]:
    """Drop answers to questions the skip logic leaves out (a form shows them all, to work without script)."""
    asked = {item.key for item in instrument.items_to_ask(answers)}
    return {key: value for key, value in answers.items() if key in asked}


@transaction.atomic
def instrument_record(
    *, client, instrument_code: str, answers: dict[str, int], by, administered_on: date | None = None,
    allow_incomplete: bool = False,
) -> InstrumentResponse:
    """Score and keep one administration; a risk finding raises a flag at once (even if incomplete).

    An incomplete questionnaire is kept only when asked for (`allow_incomplete`); otherwise nothing
    is saved and IncompleteAnswers names the questions still unanswered.
    """
    instrument = get_instrument(instrument_code)
    answers = without_skipped(instrument, answers)
    try:
        result = instrument.score(answers, sex=client.sex)
    except InvalidAnswer as error:
        raise ValidationError(str(error)) from error
    if result.missing and not allow_incomplete:
        raise IncompleteAnswers(result.missing)
    response = InstrumentResponse(
        client=client,
        instrument=instrument.code,
        answers=answers,
        administered_on=administered_on or timezone.localdate(),
        administered_by=by,
        complete=result.complete,
        total=result.total,
        band_label=result.band_label or "",
        severity=result.severity or "",
        summary=result.summary[:200],
        risk_findings=list(result.risk_findings),
        protected_substance_use=instrument.protected_substance_use,
    )
    response.full_clean()
    response.save()
    for finding in result.risk_findings:
        risk_flag_raise(client=client, kind=RiskFlag.Kind.SUICIDE, reason=finding, by=by, source_response=response)
    acuity_refresh(client.pk)
    return response


@transaction.atomic
def risk_flag_raise(*, client, kind: str, reason: str, by, source_response: InstrumentResponse | None = None) -> RiskFlag:
    """Flag the client and tell the team's supervisors: in-app at once, by email after commit."""
    from assessments.tasks import notify_risk_flag

    flag = RiskFlag(client=client, kind=kind, reason=reason[:300], raised_by=by, source_response=source_response)
    flag.full_clean()
    flag.save()
    link = reverse("clients:detail", args=[client.pk])
    text = _("Risk flag raised for client %(number)s: %(reason)s") % {"number": client.client_number, "reason": flag.reason}
    Notice.objects.bulk_create(
        [Notice(recipient=supervisor, client=client, text=text[:300], link=link) for supervisor in team_supervisors(client)]
    )
    outbox.enqueue(notify_risk_flag, str(flag.pk))
    acuity_refresh(client.pk)
    return flag


def team_supervisors(client) -> list:
    if client.team_id is None:
        return []
    return list(Team.objects.get(pk=client.team_id).supervisors.filter(is_active=True))


@transaction.atomic
def risk_flag_clear(*, flag: RiskFlag, by, reason: str) -> RiskFlag:
    locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.cleared_at is not None:
        raise ValidationError(_("This flag was already cleared by %(name)s.") % {"name": locked.cleared_by})
    if not reason.strip():
        raise ValidationError({"clear_reason": _("Say why the risk no longer applies.")})
    locked.cleared_by, locked.cleared_at, locked.clear_reason = by, timezone.now(), reason.strip()
    locked.save()
    acuity_refresh(locked.client_id)
    return locked


# --- The comprehensive assessment -------------------------------------------------------------

ITEM_KINDS = {"strengths": "strength", "needs": "need", "goals": "goal"}


class AssessmentLocked(Exception):
    """A signed assessment is final: corrections are addenda."""


@transaction.atomic
def assessment_start(*, client, by, occasion: str, assessed_on: date | None = None):

    assessment = Assessment(
        client=client, occasion=occasion, assessed_on=assessed_on or timezone.localdate(), assessor=by, updated_by=by
    )
    assessment.full_clean()
    assessment.save()
    Participant.objects.create(
        assessment=assessment, client=client, role=Participant.Role.CLIENT, name=client.full_name, client_consented=True
    )
    return assessment


@transaction.atomic
def assessment_save_draft(
    *, assessment, by, expected_version: int, header: dict, domains: dict[str, dict], participants: list[dict]
):
    """Save everything typed so far. Refused if the assessment is signed or someone saved in between.

    `domains` maps a domain key to {"answers": {...}, "narrative": str, "strengths": [...], "needs": [...],
    "goals": [...]}; `participants` lists {"role", "name", "client_consented"} besides the client.
    A "yes" to a safety question that was not "yes" before raises a risk flag.
    """

    locked = Assessment.objects.select_for_update().select_related("client").get(pk=assessment.pk)
    if locked.is_locked:
        raise AssessmentLocked
    if locked.version != expected_version:
        raise ConcurrentEditError(locked)
    for name, value in header.items():
        setattr(locked, name, value)
    locked.updated_by = by
    locked.version += 1
    locked.full_clean()
    locked.save()
    client = locked.client
    existing = {entry.domain: entry for entry in DomainEntry.objects.filter(assessment=locked)}
    new_risks = []
    for key, content in domains.items():
        domain = DOMAIN_BY_KEY[key]
        entry = existing.get(key) or DomainEntry(assessment=locked, client=client, domain=key)
        before = dict(entry.answers)
        if entry.answers != content["answers"] or entry.narrative != content["narrative"] or entry.pk is None:
            entry.answers, entry.narrative = content["answers"], content["narrative"]
            entry.protected_substance_use = domain.protected_substance_use
            entry.save()
        for question in domain.questions:
            if question.risk_kind and content["answers"].get(question.key) == "yes" and before.get(question.key) != "yes":
                new_risks.append((question.risk_kind, f"{domain.title}: {question.label}"))
    _sync_items(locked, client, domains)
    Participant.objects.filter(assessment=locked).exclude(role=Participant.Role.CLIENT).delete()
    Participant.objects.bulk_create(
        [Participant(assessment=locked, client=client, **person) for person in participants if person.get("name")]
    )
    for kind, reason in new_risks:
        risk_flag_raise(client=client, kind=kind, reason=str(_("Assessment: %(finding)s") % {"finding": reason}), by=by)
    return locked


def _sync_items(assessment, client, domains: dict[str, dict]) -> None:
    """Keep each domain's lists as typed (draft only), updating rows in place where the text changed."""

    current = {}
    for item in AssessmentItem.objects.filter(assessment=assessment):
        current.setdefault((item.domain, item.kind), []).append(item)
    for key, content in domains.items():
        protected = DOMAIN_BY_KEY[key].protected_substance_use
        for field_name, kind in ITEM_KINDS.items():
            texts = content[field_name]
            rows = sorted(current.get((key, kind), []), key=lambda row: row.position)
            for position, text in enumerate(texts):
                if position < len(rows):
                    row = rows[position]
                    if row.text != text:
                        row.text = text
                        row.save(update_fields=["text"])
                else:
                    AssessmentItem.objects.create(
                        assessment=assessment, client=client, domain=key, kind=kind, text=text, position=position,
                        protected_substance_use=protected,
                    )
            # A draft's removed lines go; a signed assessment never reaches here.
            for row in rows[len(texts):]:
                row.delete()


def assessment_records(assessment) -> tuple[list, list, list]:
    """An assessment's domain entries, items and participants, read once for a page or a signature."""
    return (
        list(DomainEntry.objects.filter(assessment=assessment)),
        list(AssessmentItem.objects.filter(assessment=assessment)),
        list(Participant.objects.filter(assessment=assessment).order_by("id")),
    )


def assessment_content(assessment, records: tuple[list, list, list] | None = None) -> dict:
    """The exact content that is signed, in a canonical order: what the hash covers."""
    entries, items, participants = records or assessment_records(assessment)
    return {
        "assessment": str(assessment.pk),
        "client": str(assessment.client_id),
        "occasion": assessment.occasion,
        "assessed_on": assessment.assessed_on.isoformat(),
        "assessor": assessment.assessor_id,
        "domains": {entry.domain: {"answers": entry.answers, "narrative": entry.narrative} for entry in entries},
        "items": sorted([item.domain, item.kind, item.position, item.text] for item in items),
        "participants": [
            [person.role, person.name, person.client_consented] for person in sorted(participants, key=lambda p: p.pk)
        ],
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def assessment_sign(*, assessment, by, expected_version: int):
    """The assessor signs: name, role, meaning, time and a SHA-256 of the content; then it is locked."""

    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_locked:
        raise AssessmentLocked
    if locked.version != expected_version:
        raise ConcurrentEditError(locked)
    if by.pk != locked.assessor_id:
        raise ValidationError(_("Only the assessor, %(name)s, can sign this assessment.") % {"name": locked.assessor})
    locked.status = Assessment.Status.COMPLETED
    locked.signed_name = by.display_name
    locked.signed_role = by.job_title or by.get_role_display()
    locked.signed_meaning = str(Assessment.SIGNING_MEANING)
    locked.signed_at = timezone.now()
    locked.content_hash = content_hash(assessment_content(locked))
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def assessment_add_addendum(*, assessment, by, text: str):

    if not assessment.is_locked:
        raise ValidationError(_("A draft is corrected by editing it; addenda are for signed assessments."))
    addendum = AssessmentAddendum(assessment=assessment, client_id=assessment.client_id, author=by, text=text.strip())
    addendum.full_clean()
    addendum.save()
    return addendum
