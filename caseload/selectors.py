"""Reads for the caseload app: who can take a case, what a caseload holds."""

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.utils import timezone

from caseload.compiled import CompiledQuery, Param
from caseload.models import Role, Team, User


def assignable_case_managers(user) -> QuerySet[User]:
    """Staff `user` may give a client to, with how many open clients each already carries."""
    staff = User.objects.filter(is_active=True, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR])
    if not user.is_administrator:
        supervised = Team.supervisors.through.objects.filter(user_id=user.pk).values("team_id")
        member_ids = Team.members.through.objects.filter(team_id__in=supervised).values("user_id")
        staff = staff.filter(Q(pk__in=member_ids) | Q(pk=user.pk))
    return staff.annotate(
        open_clients=Count("caseload", filter=~Q(caseload__status="discharged"))
    ).order_by("first_name", "last_name", "username")


def supervised_teams(user) -> QuerySet[Team]:
    teams = Team.objects.all() if user.is_administrator else Team.objects.filter(supervisors=user)
    return teams.annotate(
        open_clients=Count("clients", filter=~Q(clients__status="discharged"), distinct=True),
        case_managers=Count("members", distinct=True),
        unassigned=Count(
            "clients", filter=~Q(clients__status="discharged") & Q(clients__case_manager__isnull=True), distinct=True
        ),
    ).order_by("name")


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open reminder as a caseload row shows it: a badge with its kind and date, its title on hover."""

    kind: str
    title: str
    due_on: date
    overdue: bool


NEVER = datetime.min.replace(tzinfo=UTC)  # a last contact before any other


@dataclass(slots=True, eq=False)
class CaseloadRow:
    """A client as a caseload row shows it (caseload.templatetags.caseload_rows), with what is due."""

    pk: object
    client_number: str
    legal_given_name: str
    legal_family_name: str
    preferred_name: str
    pronouns: str
    status: str
    acuity: str
    acuity_derived: str
    last_contact_at: datetime | None
    at_risk: bool
    drafts: int = 0  # the case manager's unsigned notes about the client
    due_items: list[DueItem] = field(default_factory=list)
    overdue: int = 0
    due_today: int = 0
    days_since_contact: int | None = None
    last_contact_on: date | None = None  # the agency's day of the last contact

    @property
    def full_name(self) -> str:
        from clients.models import Client

        return Client.name_of(self.legal_given_name, self.legal_family_name, self.preferred_name)

    def urgency(self) -> tuple:
        """Risk, then overdue, then due today, then longest without contact (never first), then by name."""
        return (
            not self.at_risk, -self.overdue, -self.due_today,
            self.last_contact_at is not None, self.last_contact_at or NEVER,
            self.legal_family_name.casefold(), self.legal_given_name.casefold(), self.pk,
        )


class RowsJSON(Aggregate):
    """Each group's rows of `expressions` as one JSON array of arrays (text), to ride on another query's row."""

    function = "JSON_AGG"
    template = "CAST(%(function)s(JSON_BUILD_ARRAY(%(expressions)s)) AS TEXT)"

    def __init__(self, *expressions, output_field=None):
        super().__init__(*expressions, output_field=output_field or JSONField())

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="JSON_GROUP_ARRAY", template="%(function)s(JSON_ARRAY(%(expressions)s))",
            **extra_context,
        )


def _caseload_query():
    """A case manager's open clients with their last contact, an open risk flag, and their open reminders
    due by `horizon` and not snoozed past `today` (as JSON); with, the same on every row, the clients of the
    case manager's unsigned notes and whether they have unread notices. One query for the page."""
    from assessments.models import RiskFlag
    from caseload.models import Notice, ProgressNote, Reminder
    from clients.models import Client

    owner = Param("user", User._meta.pk)
    today = Param("today", DateField())
    last_contact = (
        ProgressNote.objects.filter(client_id=OuterRef("pk"), contact_type__in=ProgressNote.CLIENT_CONTACT_TYPES)
        .order_by("-contact_at").values("contact_at")[:1]
    )
    # Not correlated with the row: PostgreSQL reads the case manager's few drafts once, not once per client.
    drafts = (
        ProgressNote.objects.filter(author_id=owner, status=ProgressNote.Status.DRAFT)
        .order_by().values("author_id").annotate(clients=RowsJSON("client_id", output_field=TextField())).values("clients")
    )
    due = (
        Reminder.objects.filter(
            client_id=OuterRef("pk"), status=Reminder.Status.OPEN, due_on__lte=Param("horizon", DateField())
        )
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .order_by().values("client_id").annotate(items=RowsJSON("kind", "title", "due_on", "pk")).values("items")
    )
    return Client.objects.filter(case_manager_id=owner).open().annotate(
        last_contact_at=Subquery(last_contact),
        at_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
        due=Subquery(due, output_field=JSONField()),
        draft_clients=Subquery(drafts, output_field=TextField()),
        # The same on every row (PostgreSQL works it out once): spares the home page asking for notices.
        notices_waiting=Exists(Notice.objects.filter(recipient_id=owner, read_at__isnull=True)),
    ).order_by().values_list(  # sorted by urgency in Python
        "pk", "client_number", "legal_given_name", "legal_family_name", "preferred_name", "pronouns", "status",
        "acuity", "acuity_derived", "last_contact_at", "at_risk", "due", "draft_clients", "notices_waiting",
    )


CASELOAD = CompiledQuery(_caseload_query)
DUE_WITHIN = timedelta(days=14)  # a row shows what is due in the next two weeks


class Caseload(NamedTuple):
    page: Page
    counts: dict[str, int]
    notices_waiting: bool  # the case manager has unread notices (or no client to tell it on)


def caseload_today(user, *, query: str, page_number, per_page: int, today=None) -> Caseload:
    """My caseload, most urgent first: who needs me today.

    Each row carries the last contact, whether a risk flag is open, its unsigned notes, and its open
    reminders due within two weeks (`due_items`), counted as overdue or due today; the order is risk,
    then overdue, then due, then longest without contact. The counts at the top are over the whole
    caseload, whatever the search. One query, compiled once (caseload.compiled), with each client's
    due reminders as JSON on its row: a caseload is at most a few dozen clients (DESIGN.md, "Scale"),
    so it is read whole, sorted and paged here.
    """
    from clients.models import Client

    today = today or timezone.localdate()
    agency_time = timezone.get_current_timezone()
    found = CASELOAD.rows(user=user.pk, today=today, horizon=today + DUE_WITHIN)
    # The same on every row: the clients of the case manager's drafts (one entry per draft), unread notices.
    drafts = Counter(uuid.UUID(str(client_id)) for [client_id] in json.loads(found[0][-2] or "[]")) if found else {}
    notices_waiting = found[0][-1] if found else True  # with no client, the home page asks
    rows = []
    for *values, due, _drafts, _notices in found:
        row = CaseloadRow(*values)
        rows.append(row)
        row.drafts = drafts.get(row.pk, 0)
        # [kind, title, "YYYY-MM-DD", id]: soonest first, as ISO dates sort.
        for kind, title, day, _pk in sorted(due or (), key=lambda item: (item[2], item[3])):
            due_on = date.fromisoformat(day)
            row.due_items.append(DueItem(kind, title, due_on, due_on < today))
            if due_on < today:
                row.overdue += 1
            elif due_on == today:
                row.due_today += 1
        if row.last_contact_at:
            row.last_contact_on = row.last_contact_at.astimezone(agency_time).date()
            row.days_since_contact = (today - row.last_contact_on).days
    counts = {
        "active": sum(row.status == Client.Status.ACTIVE for row in rows),
        "referred": sum(row.status == Client.Status.REFERRED for row in rows),
        "at_risk": sum(row.at_risk for row in rows),
        "overdue": sum(row.overdue for row in rows),
        "due_today": sum(row.due_today for row in rows),
    }
    if query:
        matches = set(Client.objects.filter(case_manager=user).open().search(query).values_list("pk", flat=True))
        rows = [row for row in rows if row.pk in matches]
    rows.sort(key=CaseloadRow.urgency)
    return Caseload(Paginator(rows, per_page).get_page(page_number), counts, bool(notices_waiting))
