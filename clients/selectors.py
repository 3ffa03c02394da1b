"""Reads of client data. Every page that shows a client's data gets it through these functions."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404

from caseload import audit
from clients.models import Client, ClientStatusChange


def _attach_risk_flags(client: Client) -> Client:
    """Every client page shows the client's open risk flags in its header.

    The client row says whether there are any (an EXISTS in the same query), so the flags themselves
    are read only for the few clients who have one.
    """
    from assessments.models import RiskFlag

    client.active_risk_flags = (
        list(RiskFlag.objects.active().filter(client=client).select_related("raised_by")) if client.has_risk else []
    )
    return client


def get_client_for_user(user, client_id, *, summary: str = "client record") -> Client:
    """The client if `user` may see it (and the read is audited), else 404 — never 403."""
    try:
        client = Client.objects.visible_to(user).select_related("case_manager", "team").with_risk().get(pk=client_id)
    except (Client.DoesNotExist, ValueError):
        raise Http404("No such client") from None
    audit.audit_read(client_id=client.pk, obj=client, summary=summary)
    return _attach_risk_flags(client)


def get_client_record_for_user(user, model, pk, *, summary: str = ""):
    """A record that belongs to a client (a contact, a dependant …), scoped like its client."""
    from assessments.models import RiskFlag

    open_flags = RiskFlag.objects.active().filter(client_id=OuterRef("client_id"))
    try:
        record = (
            model.objects.visible_to(user)
            .select_related("client", "client__case_manager", "client__team")
            .annotate(client_has_risk=Exists(open_flags))
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError):
        raise Http404("No such record") from None
    audit.audit_read(client_id=record.client_id, obj=record, summary=summary or str(model._meta.verbose_name))
    record.client.has_risk = record.client_has_risk
    _attach_risk_flags(record.client)
    return record


def possible_duplicates(*, given_name: str, family_name: str, date_of_birth, phone: str = "", exclude_id=None):
    """Clients anywhere in the agency with the same name and birth date, or the same phone.

    Deliberately not scoped: a duplicate is most likely a record someone else holds. Callers show
    only what identifies the match (number, status, team), never the record itself.
    """
    same_person = Q(
        legal_given_name__iexact=given_name.strip(),
        legal_family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
    )
    if phone:
        same_person |= Q(phone=phone)
    discharged_on = (
        ClientStatusChange.objects.filter(client_id=OuterRef("pk"), to_status=Client.Status.DISCHARGED)
        .order_by("-effective_date", "-changed_at")
        .values("effective_date")[:1]
    )
    matches = (
        Client.objects.filter(same_person)
        .select_related("team", "case_manager")
        .annotate(discharged_on=Subquery(discharged_on))
    )
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return list(matches.order_by("status", "-updated_at")[:5])
