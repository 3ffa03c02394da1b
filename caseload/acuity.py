"""A client's acuity: how heavy the case is now, derived from risk and the latest scores, or set by a person.

Derived level, highest that applies:
- crisis: the latest C-SSRS screen is at high risk;
- high: an open risk flag, a latest PHQ-9 or GAD-7 that is moderately severe or severe, a C-SSRS at
  moderate risk, or a DAST-10 at a substantial or severe level;
- moderate: a latest PHQ-9, GAD-7 or DAST-10 at a moderate level, a positive AUDIT-C, or a C-SSRS at
  low risk;
- low: otherwise.
A case manager may set the level with a reason (AcuityRating); that holds until withdrawn, and the
derived level is still shown beside it. `Client.acuity` keeps the level in force for the dashboards.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.models import AcuityRating, AgencySettings
from clients.models import Acuity, Client

LEVELS = [Acuity.LOW, Acuity.MODERATE, Acuity.HIGH, Acuity.CRISIS]

# (instrument, severity) → the level it points to.
SEVERITY_LEVELS = {
    ("cssrs", "high"): Acuity.CRISIS,
    ("cssrs", "moderate"): Acuity.HIGH,
    ("cssrs", "low"): Acuity.MODERATE,
    ("phq9", "severe"): Acuity.HIGH,
    ("phq9", "moderately_severe"): Acuity.HIGH,
    ("phq9", "moderate"): Acuity.MODERATE,
    ("gad7", "severe"): Acuity.HIGH,
    ("gad7", "moderate"): Acuity.MODERATE,
    ("dast10", "severe"): Acuity.HIGH,
    ("dast10", "substantial"): Acuity.HIGH,
    ("dast10", "moderate"): Acuity.MODERATE,
    ("auditc", "positive"): Acuity.MODERATE,
}


def highest(levels) -> str:
    return max(levels, key=LEVELS.index, default=Acuity.LOW)


def derive(client_id) -> str:
    """The level the record points to now (two queries)."""
    from assessments.models import InstrumentResponse, RiskFlag

    levels = [Acuity.HIGH] if RiskFlag.objects.filter(client_id=client_id, cleared_at__isnull=True).exists() else []
    latest = InstrumentResponse.objects.filter(client_id=client_id, complete=True).latest_per_instrument()
    levels += [SEVERITY_LEVELS.get((code, severity), Acuity.LOW) for code, severity in latest.values_list("instrument", "severity")]
    return highest(levels)


def acuity_refresh(client_id) -> str:
    """Recompute a client's derived level and the level in force; called where risk or scores change."""
    derived = derive(client_id)
    rating = AcuityRating.objects.filter(client_id=client_id, withdrawn_at__isnull=True).first()
    in_force = rating.level if rating else derived
    Client.objects.filter(pk=client_id).exclude(acuity=in_force, acuity_derived=derived).update(
        acuity=in_force, acuity_derived=derived
    )
    return in_force


@transaction.atomic
def acuity_set(*, client, by, level: str, reason: str) -> AcuityRating:
    """The case manager's judgement, with the reason; it replaces any earlier one."""
    if level not in LEVELS:
        raise ValidationError({"level": _("Choose a level.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the level differs from what the record shows.")})
    now = timezone.now()
    for earlier in AcuityRating.objects.select_for_update().filter(client=client, withdrawn_at__isnull=True):
        earlier.withdrawn_at, earlier.withdrawn_by = now, by
        earlier.save(update_fields=["withdrawn_at", "withdrawn_by"])
    rating = AcuityRating.objects.create(client=client, level=level, reason=reason.strip()[:300], set_by=by, set_at=now)
    acuity_refresh(client.pk)
    return rating


@transaction.atomic
def acuity_withdraw(*, client, by) -> None:
    """Back to the level the record points to."""
    now = timezone.now()
    for rating in AcuityRating.objects.select_for_update().filter(client=client, withdrawn_at__isnull=True):
        rating.withdrawn_at, rating.withdrawn_by = now, by
        rating.save(update_fields=["withdrawn_at", "withdrawn_by"])
    acuity_refresh(client.pk)


def weights() -> dict[str, Decimal]:
    return {level: Decimal(str(value)) for level, value in AgencySettings.load().acuity_weights.items()}
