"""Reads of care plans for other apps' pages."""

from careplans.models import CarePlan
from caseload.compiled import CompiledQuery, Param, columns

# The record shows its number, status and review date and links to it: the plan's text stays in the database.
PLANS_IN_FORCE = CompiledQuery(lambda: (
    CarePlan.objects.filter(client_id=Param("client", CarePlan._meta.get_field("client").target_field)).current()
    .values_list(*columns(CarePlan, only=("id", "client_id", "number", "status", "review_on")))
))


def plan_in_force(client) -> CarePlan | None:
    """The plan to show on the client's record: the active version, else the one being made."""
    current = PLANS_IN_FORCE.instances(CarePlan, client=client.pk)
    return next((plan for plan in current if plan.status == CarePlan.Status.ACTIVE), None) or next(iter(current), None)
