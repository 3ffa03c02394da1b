"""Reads of care plans for other apps' pages."""

from careplans.models import CarePlan


def plan_in_force(client) -> CarePlan | None:
    """The plan to show on the client's record: the active version, else the one being made."""
    # The record shows its number, status and review date and links to it: the plan's text stays in the database.
    current = list(CarePlan.objects.filter(client=client).current().only("id", "client_id", "number", "status", "review_on"))
    return next((plan for plan in current if plan.status == CarePlan.Status.ACTIVE), None) or next(iter(current), None)
