"""Assignments of clients to case managers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload import outbox
from caseload.models import Assignment, Team


def default_team_for(user) -> Team | None:
    return user.teams.order_by("name").first()


@transaction.atomic
def client_assign(*, client, case_manager, by, reason: str, team: Team | None = None, notify: bool = True) -> Assignment:
    """Make `case_manager` the client's primary case manager, closing the current assignment.

    The history keeps who carried the case, from when to when, who moved it and why. Both case
    managers are told by a task queued once the transaction has committed; a caller that moves many
    clients at once passes notify=False and queues `notify_assignments` once for all of them.
    """
    from caseload.reminders import reminders_follow_case
    from caseload.tasks import notify_assignment
    from clients.models import Client

    if not case_manager.is_active:
        raise ValidationError({"case_manager": _("%(name)s's account is not active.") % {"name": case_manager}})
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if locked.case_manager_id == case_manager.pk:
        raise ValidationError({"case_manager": _("%(name)s already carries this client.") % {"name": case_manager}})
    now = timezone.now()
    Assignment.objects.filter(client=locked, ended_at__isnull=True).update(ended_at=now)
    team = team or default_team_for(case_manager) or locked.team
    assignment = Assignment.objects.create(
        client=locked, case_manager=case_manager, team=team, started_at=now, assigned_by=by, reason=reason
    )
    locked.case_manager = case_manager
    locked.team = team
    locked.updated_by = by
    locked.version += 1
    locked.save()
    client.case_manager, client.team, client.version = case_manager, team, locked.version
    reminders_follow_case([locked.pk])  # the case's reminders move to the new case manager now
    if notify:
        outbox.enqueue(notify_assignment, assignment.pk)
    return assignment
