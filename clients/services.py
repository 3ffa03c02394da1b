"""Writes to the client record. Each is one transaction; the audit trail is written inside it."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caseload.models import AgencySettings
from clients.models import Client, ClientContact, ClientStatusChange, Dependant, EmergencyAccess


class ConcurrentEditError(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self, current):
        self.current = current
        super().__init__("The record was changed by someone else.")

    @property
    def user_message(self) -> str:
        """What the person whose save was refused reads above their form."""
        who = getattr(self.current, "updated_by", None)
        when = getattr(self.current, "updated_at", None)
        if who:
            return _(
                "%(name)s saved changes to this record at %(when)s, after you opened it. Nothing of yours was "
                "saved: what you typed is still below. Open the record again to see their changes, then make yours."
            ) % {"name": who.display_name, "when": date_format(when, "DATETIME_FORMAT") if when else ""}
        return _(
            "Someone else saved changes to this record after you opened it. Nothing of yours was saved: what "
            "you typed is still below. Open the record again to see their changes, then make yours."
        )


def _update_versioned(*, model, pk, expected_version: int, values: dict):
    """Apply `values` only if the row is still at `expected_version`; refuse, never overwrite."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def client_register(*, by, values: dict, case_manager=None, team=None) -> Client:
    """Create a client record. A case manager who registers a client carries the case unless told otherwise."""
    from caseload.services import client_assign

    client = Client(**values, created_by=by, updated_by=by)
    client.client_number = AgencySettings.allocate_client_numbers(1)[0]
    client.full_clean()
    client.save()
    ClientStatusChange.objects.create(
        client=client, from_status="", to_status=client.status, changed_by=by, note=_("Registered")
    )
    if case_manager is None and by.is_case_manager:
        case_manager = by
    if case_manager is not None:
        client_assign(client=client, case_manager=case_manager, by=by, team=team, reason=_("Registered at intake"))
    elif team is not None:
        client.team = team
        client.save(update_fields=["team"])
    return client


@transaction.atomic
def client_update(*, client: Client, by, values: dict, expected_version: int) -> Client:
    return _update_versioned(
        model=Client, pk=client.pk, expected_version=expected_version, values={**values, "updated_by": by}
    )


@transaction.atomic
def client_change_status(
    *,
    client: Client,
    by,
    to_status: str,
    effective_date: date | None = None,
    discharge_reason: str = "",
    discharge_summary: str = "",
    note: str = "",
) -> ClientStatusChange:
    current = Client.objects.select_for_update().get(pk=client.pk)
    if not current.can_change_status_to(to_status):
        raise ValidationError(
            _("A %(from)s client cannot become %(to)s.")
            % {"from": current.get_status_display().lower(), "to": Client.Status(to_status).label.lower()}
        )
    if to_status == Client.Status.DISCHARGED and not discharge_reason:
        raise ValidationError({"discharge_reason": _("Give the reason for discharge.")})
    change = ClientStatusChange(
        client=current,
        from_status=current.status,
        to_status=to_status,
        effective_date=effective_date or timezone.localdate(),
        discharge_reason=discharge_reason if to_status == Client.Status.DISCHARGED else "",
        discharge_summary=discharge_summary if to_status == Client.Status.DISCHARGED else "",
        note=note,
        changed_by=by,
    )
    change.full_clean()
    change.save()
    current.status = to_status
    current.updated_by = by
    current.version += 1
    current.save()
    return change


# What a new referral may bring up to date on a re-opened record.
REFERRAL_DETAILS = {
    "preferred_name", "pronouns", "sex", "gender_identity", "preferred_language", "interpreter_needed",
    "phone", "email", "address", "postal_code", "city", "referral_source",
}


@transaction.atomic
def client_reopen(*, client: Client, by, to_status: str, note: str, updates: dict | None = None) -> ClientStatusChange:
    """Re-open a discharged record, e.g. when a former client is referred again.

    `updates` are details taken at the new referral (phone, address, who referred them …): what
    was typed replaces what the old record held; what was left blank keeps it. The names and birth
    date are the ones that matched and stay as they are. A case manager who re-opens a record they
    cannot see (it was held by someone else) takes the case.
    """
    from caseload.services import client_assign

    change = client_change_status(client=client, by=by, to_status=to_status, note=note)
    fresh = {
        name: value for name, value in (updates or {}).items()
        if name in REFERRAL_DETAILS and value not in ("", None)
    }
    if fresh:
        current = Client.objects.get(pk=client.pk)
        client_update(client=current, by=by, values=fresh, expected_version=current.version)
    if by.is_case_manager and client.case_manager_id != by.pk:
        client_assign(client=client, case_manager=by, by=by, reason=_("Re-opened at a new referral"))
    return change


@transaction.atomic
def contact_save(*, client: Client, by, values: dict, record: ClientContact | None = None, expected_version: int = 0):
    if record is None:
        contact = ClientContact(client=client, **values)
        contact.full_clean()
        contact.save()
        return contact
    return _update_versioned(model=ClientContact, pk=record.pk, expected_version=expected_version, values=values)


@transaction.atomic
def dependant_save(*, client: Client, by, values: dict, record: Dependant | None = None, expected_version: int = 0):
    if record is None:
        dependant = Dependant(client=client, **values)
        dependant.full_clean()
        dependant.save()
        return dependant
    return _update_versioned(model=Dependant, pk=record.pk, expected_version=expected_version, values=values)


@transaction.atomic
def emergency_access_grant(*, user, client: Client, reason: str) -> EmergencyAccess:
    """Break the glass: `user` opens `client`, outside their caseload, for EMERGENCY_ACCESS_MINUTES.

    The grant is marked in the audit trail as emergency access, with the reason, and the client's
    team supervisors (the administrators, for a client without a team) are told, to review it.
    """
    from django.conf import settings
    from django.urls import reverse

    from caseload import audit
    from caseload.models import Notice, Role, User

    now = timezone.now()
    grant = EmergencyAccess(
        user=user, client=client, reason=reason.strip(), granted_at=now,
        expires_at=now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES),
    )
    grant.full_clean()
    grant.save()
    audit.record(action="emergency", client_id=client.pk, obj=grant, actor=user,
                 summary=f"emergency access granted until {timezone.localtime(grant.expires_at):%H:%M}: {grant.reason}")
    reviewers = list(client.team.supervisors.filter(is_active=True)) if client.team_id else []
    if not reviewers:
        reviewers = list(User.objects.filter(is_active=True, role=Role.ADMINISTRATOR))
    text = _("%(name)s opened %(number)s in an emergency: review the reason.") % {
        "name": user.display_name, "number": client.client_number}
    Notice.objects.bulk_create([
        Notice(recipient=reviewer, client=client, text=text, link=reverse("clients:emergency_reviews"))
        for reviewer in reviewers if reviewer.pk != user.pk
    ])
    return grant


@transaction.atomic
def emergency_access_review(*, grant: EmergencyAccess, by, note: str = "") -> EmergencyAccess:
    """A supervisor has read the reason and marks the emergency access reviewed (once)."""
    from caseload import audit

    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is None:
        grant.reviewed_by = by
        grant.reviewed_at = timezone.now()
        grant.review_note = note.strip()
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        audit.record(action="security", client_id=grant.client_id, obj=grant, actor=by,
                     summary=f"emergency access reviewed{': ' + grant.review_note if grant.review_note else ''}")
    return grant
