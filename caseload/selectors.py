"""Reads for the caseload app: who can take a case, what a caseload holds."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

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


def caseload_page(user, *, query: str, page_number, per_page: int) -> tuple[Page, dict[str, int]]:
    """A page of the clients `user` carries (open cases, searchable) and the counts by status.

    Most caseloads fit on one page: then the rows are counted here instead of asking the database a
    second time. A longer caseload, or a search, counts in one aggregate query.
    """
    from clients.models import Client

    mine = Client.objects.filter(case_manager=user).open()
    rows = mine.search(query).order_by("legal_family_name", "legal_given_name", "id")
    if not query and str(page_number or "1") == "1":
        first = list(rows[: per_page + 1])
        if len(first) <= per_page:
            counts = {
                "active": sum(client.status == Client.Status.ACTIVE for client in first),
                "referred": sum(client.status == Client.Status.REFERRED for client in first),
            }
            return Paginator(first, per_page).page(1), counts
    counts = mine.aggregate(
        active=Count("pk", filter=Q(status=Client.Status.ACTIVE)),
        referred=Count("pk", filter=Q(status=Client.Status.REFERRED)),
    )
    paginator = Paginator(rows, per_page)
    if not query:
        paginator.count = counts["active"] + counts["referred"]  # already counted: spare a second COUNT
    return paginator.get_page(page_number), counts
