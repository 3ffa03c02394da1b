"""The supervisor's numbers: each case manager's load, weighted by acuity, and the work that is overdue.

Weighted load = the sum of the acuity weights of a case manager's active clients, divided by their FTE.
Ratio = active clients divided by FTE. Both are compared with the team's target caseload.
Every number of the dashboard comes from a fixed number of grouped queries, whatever the number of
teams, case managers or clients.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from caseload.acuity import LEVELS, weights
from caseload.models import ProgressNote, Reminder, Role, Team, User

ONE_PLACE = Decimal("0.1")
COUNTED = ["contacts_30_days", "no_contact", "overdue_reviews", "unsigned_notes", "awaiting_signatures", "risk_flags"]


def per_fte(amount: Decimal, fte: Decimal) -> Decimal | None:
    """`amount` for one full-time post; None when there is no FTE to divide by."""
    if not fte:
        return None
    return (Decimal(amount) / Decimal(fte)).quantize(ONE_PLACE)


@dataclass
class CaseManagerLoad:
    user: User
    target: int
    fte: Decimal
    by_level: dict[str, int] = field(default_factory=dict)
    weighted: Decimal = Decimal("0")
    contacts_30_days: int = 0
    no_contact: int = 0
    overdue_reviews: int = 0
    unsigned_notes: int = 0
    awaiting_signatures: int = 0
    risk_flags: int = 0

    @property
    def active(self) -> int:
        return sum(self.by_level.values())

    @property
    def ratio(self) -> Decimal | None:
        return per_fte(self.active, self.fte)

    @property
    def weighted_load(self) -> Decimal | None:
        return per_fte(self.weighted, self.fte)

    @property
    def over_target(self) -> bool:
        return self.weighted_load is not None and self.weighted_load > self.target


@dataclass
class Totals:
    """A team's or the agency's sums, and the ratios per full-time post they make."""

    case_managers: int = 0
    fte: Decimal = Decimal("0")
    active: int = 0
    weighted: Decimal = Decimal("0")
    counted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))

    def add(self, row: CaseManagerLoad) -> None:
        self.case_managers += 1
        self.fte += row.fte
        self.active += row.active
        self.weighted += row.weighted
        for name in COUNTED:
            self.counted[name] += getattr(row, name)

    @property
    def ratio(self) -> Decimal | None:
        return per_fte(self.active, self.fte)

    @property
    def weighted_load(self) -> Decimal | None:
        return per_fte(self.weighted, self.fte)


@dataclass
class TeamLoad:
    team: Team
    rows: list[CaseManagerLoad]
    totals: Totals

    @property
    def over_target(self) -> bool:
        return self.totals.weighted_load is not None and self.totals.weighted_load > self.team.target_ratio


@dataclass
class Dashboard:
    teams: list[TeamLoad]
    agency: Totals
    weights: dict[str, Decimal]
    today: date


def visible_teams(user):
    """Administrators see every team; a supervisor the teams they supervise."""
    teams = Team.objects.all() if user.is_administrator else Team.objects.filter(supervisors=user)
    return teams.order_by("name")


def dashboard(user, *, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    teams = list(visible_teams(user).prefetch_related("members"))
    members = {member.pk: member for team in teams for member in team.members.all()
               if member.is_active and member.role in (Role.CASE_MANAGER, Role.SUPERVISOR)}
    loads = _loads(list(members), today)
    level_weights = weights()
    team_loads, agency, counted_once = [], Totals(), set()
    for team in teams:
        rows = []
        for member in sorted(team.members.all(), key=lambda m: (m.first_name, m.last_name, m.username)):
            if member.pk not in members:
                continue
            row = CaseManagerLoad(user=member, target=team.target_ratio, fte=member.fte, **loads.get(member.pk, {}))
            row.weighted = sum((level_weights[level] * count for level, count in row.by_level.items()), Decimal("0"))
            rows.append(row)
        totals = Totals()
        for row in rows:
            totals.add(row)
            if row.user.pk not in counted_once:  # someone in two teams counts once for the agency
                counted_once.add(row.user.pk)
                agency.add(row)
        team_loads.append(TeamLoad(team=team, rows=rows, totals=totals))
    return Dashboard(teams=team_loads, agency=agency, weights=level_weights, today=today)


def _loads(user_ids: list[int], today: date) -> dict[int, dict]:
    """Every case manager's counts, six grouped queries in all."""
    from assessments.models import RiskFlag
    from careplans.models import CarePlan
    from clients.models import Client

    loads: dict[int, dict] = defaultdict(lambda: {"by_level": dict.fromkeys(LEVELS, 0)})
    if not user_ids:
        return loads
    active = Client.objects.filter(case_manager_id__in=user_ids, status=Client.Status.ACTIVE)
    for row in active.order_by().values("case_manager_id", "acuity").annotate(n=Count("pk")):
        loads[row["case_manager_id"]]["by_level"][row["acuity"]] = row["n"]

    since = timezone.now() - timedelta(days=30)
    contacts = ProgressNote.objects.filter(
        author_id__in=user_ids, contact_at__gte=since, contact_type__in=ProgressNote.CLIENT_CONTACT_TYPES
    )
    for row in contacts.order_by().values("author_id").annotate(n=Count("pk")):
        loads[row["author_id"]]["contacts_30_days"] = row["n"]
    drafts = ProgressNote.objects.filter(author_id__in=user_ids, status=ProgressNote.Status.DRAFT)
    for row in drafts.order_by().values("author_id").annotate(n=Count("pk")):
        loads[row["author_id"]]["unsigned_notes"] = row["n"]

    # "No contact in N days" is the team's rule, applied by the daily sweep: its open reminders.
    no_contact = Reminder.objects.filter(
        assignee_id__in=user_ids, kind=Reminder.Kind.NO_CONTACT, status=Reminder.Status.OPEN,
        client__status=Client.Status.ACTIVE,
    )
    for row in no_contact.order_by().values("assignee_id").annotate(n=Count("client_id", distinct=True)):
        loads[row["assignee_id"]]["no_contact"] = row["n"]

    plans = CarePlan.objects.filter(client__case_manager_id__in=user_ids).exclude(client__status=Client.Status.DISCHARGED)
    for row in plans.order_by().values("client__case_manager_id").annotate(
        overdue=Count("pk", filter=Q(status=CarePlan.Status.ACTIVE, review_on__lt=today)),
        awaiting=Count("pk", filter=Q(status=CarePlan.Status.AWAITING)),
    ):
        loads[row["client__case_manager_id"]]["overdue_reviews"] = row["overdue"]
        loads[row["client__case_manager_id"]]["awaiting_signatures"] = row["awaiting"]

    flags = RiskFlag.objects.filter(client__case_manager_id__in=user_ids, cleared_at__isnull=True).exclude(
        client__status=Client.Status.DISCHARGED
    )
    for row in flags.order_by().values("client__case_manager_id").annotate(n=Count("client_id", distinct=True)):
        loads[row["client__case_manager_id"]]["risk_flags"] = row["n"]
    return loads
