"""Reads of client data. Every page that shows a client's data gets it through these functions."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from caseload import audit
from clients.models import Client, ClientStatusChange


def _attach_risk_flags(client: Client) -> Client:
    """Every client page shows the client's open risk flags in its header.

    A plain query by client: cheaper than any EXISTS in the client's own query, which Django takes
    longer to build than PostgreSQL takes to answer this.
    """
    from assessments.models import RiskFlag

    client.active_risk_flags = list(
        # Who raised a flag is read only when there is a flag: most clients have none.
        RiskFlag.objects.filter(client_id=client.pk, cleared_at__isnull=True).prefetch_related("raised_by")
    )
    client.has_risk = bool(client.active_risk_flags)
    return client


def mark_clients_at_risk(clients) -> None:
    """Set `has_risk` on each client of a page of a list, in one query."""
    from assessments.models import RiskFlag

    clients = list(clients)
    flagged = set(
        RiskFlag.objects.filter(client_id__in=[client.pk for client in clients], cleared_at__isnull=True)
        .values_list("client_id", flat=True)
    ) if clients else set()
    for client in clients:
        client.has_risk = client.pk in flagged


def _audit_read(*, client_id, obj, summary: str, emergency: bool) -> None:
    """A read through an emergency grant is marked as such, so that it stands out in the trail."""
    if emergency:
        audit.audit_read(client_id=client_id, obj=obj, summary=f"emergency access: {summary}", action="emergency")
    else:
        audit.audit_read(client_id=client_id, obj=obj, summary=summary)


def get_client_for_user(user, client_id, *, summary: str = "client record") -> Client:
    """The client if `user` may see it (and the read is audited), else 404 — never 403."""
    try:
        client = (
            Client.objects.visible_to(user).with_emergency_flag(user).select_related("case_manager", "team").get(pk=client_id)
        )
    except (Client.DoesNotExist, ValueError):
        raise Http404("No such client") from None
    _audit_read(client_id=client.pk, obj=client, summary=summary, emergency=client.opened_in_emergency)
    return _attach_risk_flags(client)


def get_client_record_for_user(user, model, pk, *, summary: str = "", related: tuple[str, ...] = ()):
    """A record that belongs to a client (a contact, a dependant …), scoped like its client.

    `related` names more foreign keys to read in the same query (the page shows them).
    """
    try:
        record = (
            model.objects.visible_to(user)
            .with_emergency_flag(user)
            .select_related("client", "client__case_manager", "client__team", *related)
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError):
        raise Http404("No such record") from None
    _audit_read(client_id=record.client_id, obj=record, summary=summary or str(model._meta.verbose_name),
                emergency=record.opened_in_emergency)
    record.client.opened_in_emergency = record.opened_in_emergency
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
