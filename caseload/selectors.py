"""Reads for the caseload app: who can take a case, what a caseload holds."""

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
