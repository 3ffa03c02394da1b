"""Reads for assessments that are more than a filter."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet

from assessments.instruments import all_instruments
from assessments.models import InstrumentResponse
from caseload.models import AgencySettings


def reassessments_due(on: date, clients=None) -> QuerySet[InstrumentResponse]:
    """The latest response to each instrument, for open clients, whose reassessment is due by `on`.

    One query whatever the number of clients (the reminder sweep reads it); `due_on` of a row is its
    `administered_on` plus the agency's interval for that instrument.
    """
    agency = AgencySettings.load()
    overdue = Q()
    for instrument in all_instruments():
        days = agency.reassessment_interval(instrument)
        overdue |= Q(instrument=instrument.code, administered_on__lte=on - timedelta(days=days))
    latest = InstrumentResponse.objects.latest_per_instrument()
    if clients is not None:
        latest = latest.filter(client__in=clients)
    return latest.filter(overdue).exclude(client__status="discharged").select_related("client")
