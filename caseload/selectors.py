"""Reads for the caseload app: who can take a case, what a caseload holds."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

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


def caseload_today(user, *, query: str, page_number, per_page: int, today=None) -> tuple[Page, dict[str, int]]:
    """My caseload, most urgent first: who needs me today.

    Each client carries the last contact, whether a risk flag is open, and how many reminders are
    overdue or due today; the order is risk, then overdue, then due, then longest without contact.
    The counts at the top are over the whole caseload (from the rows themselves when it fits on one
    page). The page's due items are read by `attach_due_items` in one query.
    """
    from assessments.models import RiskFlag
    from caseload.models import ProgressNote, Reminder
    from clients.models import Client

    today = today or timezone.localdate()
    last_contact = (
        ProgressNote.objects.filter(client_id=OuterRef("pk"), contact_type__in=ProgressNote.CLIENT_CONTACT_TYPES)
        .order_by("-contact_at").values("contact_at")[:1]
    )
    open_reminders = Reminder.objects.filter(client_id=OuterRef("pk"), status=Reminder.Status.OPEN).filter(
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
    )

    def reminder_count(**due):
        return Coalesce(Subquery(
            open_reminders.filter(**due).order_by().values("client_id").annotate(n=Count("pk")).values("n")[:1]
        ), 0)

    mine = Client.objects.filter(case_manager=user).open().annotate(
        last_contact_at=Subquery(last_contact),
        at_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
        overdue=reminder_count(due_on__lt=today),
        due_today=reminder_count(due_on=today),
        drafts=Coalesce(Subquery(
            ProgressNote.objects.filter(client_id=OuterRef("pk"), author=user, status=ProgressNote.Status.DRAFT)
            .order_by().values("client_id").annotate(n=Count("pk")).values("n")[:1]
        ), 0),
    )
    # Only what a row shows (caseload.templatetags.caseload_rows), and the status it is counted by.
    mine = mine.only(
        "id", "client_number", "legal_given_name", "legal_family_name", "preferred_name", "pronouns", "status",
        "acuity", "acuity_derived",
    )
    rows = mine.search(query).order_by(
        F("at_risk").desc(), F("overdue").desc(), F("due_today").desc(),
        F("last_contact_at").asc(nulls_first=True), "legal_family_name", "legal_given_name", "id",
    )
    if not query and str(page_number or "1") == "1":
        # Most caseloads fit on one page: then count the rows here instead of asking a second time.
        first = list(rows[: per_page + 1])
        if len(first) <= per_page:
            return Paginator(first, per_page).page(1), _caseload_counts(first)
    # The whole caseload's counts in two aggregates over plain columns (PostgreSQL cannot aggregate
    # over the annotations above in one statement).
    base = Client.objects.filter(case_manager=user).open()
    counts = base.aggregate(
        active=Count("pk", filter=Q(status=Client.Status.ACTIVE)),
        referred=Count("pk", filter=Q(status=Client.Status.REFERRED)),
        at_risk=Count("pk", filter=Q(Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)))),
    )
    counts.update(
        Reminder.objects.filter(client__in=base, status=Reminder.Status.OPEN)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)), due_today=Count("pk", filter=Q(due_on=today)))
    )
    paginator = Paginator(rows, per_page)
    if not query:
        paginator.count = counts["active"] + counts["referred"]  # already counted: spare a second COUNT
    return paginator.get_page(page_number), counts


def _caseload_counts(clients) -> dict[str, int]:
    from clients.models import Client

    return {
        "active": sum(client.status == Client.Status.ACTIVE for client in clients),
        "referred": sum(client.status == Client.Status.REFERRED for client in clients),
        "at_risk": sum(client.at_risk for client in clients),
        "overdue": sum(client.overdue for client in clients),
        "due_today": sum(client.due_today for client in clients),
    }


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open reminder as a caseload row shows it: a badge with its kind and date, its title on hover."""

    kind: str
    title: str
    due_on: date
    overdue: bool


def attach_due_items(clients, *, today=None) -> None:
    """Set `due_items` (open reminders due within two weeks) on each client of a page, in one query.

    Plain values, not model instances: a page of 50 clients has about 125 of them.
    """
    from caseload.models import Reminder

    today = today or timezone.localdate()
    clients = list(clients)
    ids = [client.pk for client in clients]
    items: dict = {}
    if ids:
        reminders = Reminder.objects.filter(
            client_id__in=ids, status=Reminder.Status.OPEN, due_on__lte=today + timedelta(days=14)
        ).filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)).order_by("due_on")
        for client_id, kind, title, due_on in reminders.values_list("client_id", "kind", "title", "due_on"):
            items.setdefault(client_id, []).append(DueItem(kind, title, due_on, due_on < today))
    for client in clients:
        client.due_items = items.get(client.pk, [])
        client.days_since_contact = (
            (today - timezone.localdate(client.last_contact_at)).days if client.last_contact_at else None
        )
