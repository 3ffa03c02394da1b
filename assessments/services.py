"""Recording scored instruments and raising or clearing risk flags."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.instruments import InvalidAnswer, get_instrument
from assessments.models import InstrumentResponse, RiskFlag
from caseload.models import Notice, Team


def without_skipped(instrument, answers: dict[str, int]) -> dict[str, int]:
    """Drop answers to questions the skip logic leaves out (a form shows them all, to work without script)."""
    asked = {item.key for item in instrument.items_to_ask(answers)}
    return {key: value for key, value in answers.items() if key in asked}


@transaction.atomic
def instrument_record(*, client, instrument_code: str, answers: dict[str, int], by, administered_on: date | None = None) -> InstrumentResponse:
    """Score and keep one administration; a risk finding raises a flag at once (even if incomplete)."""
    instrument = get_instrument(instrument_code)
    answers = without_skipped(instrument, answers)
    try:
        result = instrument.score(answers, sex=client.sex)
    except InvalidAnswer as error:
        raise ValidationError(str(error)) from error
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
    transaction.on_commit(lambda: notify_risk_flag.delay(str(flag.pk)))
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
    return locked
