"""What a care-plan version says, read once, in one canonical form: for pages, the PDF and the hash."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from assessments.services import content_hash
from careplans.models import Action, CarePlan, Goal, Objective


@dataclass
class PlanParts:
    """A version with its goals, each goal's objectives and actions attached (two queries in all)."""

    plan: CarePlan
    goals: list[Goal] = field(default_factory=list)

    @property
    def hash(self) -> str:
        return content_hash(plan_content(self))


def plan_parts(plan: CarePlan) -> PlanParts:
    return plans_parts([plan])[0]


def plans_parts(plans: list[CarePlan]) -> list[PlanParts]:
    """Several versions' parts in the same three queries as one version's (the compare page reads two)."""
    goals = list(
        Goal.objects.filter(plan__in=[plan.pk for plan in plans])
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("position", "id")),
            Prefetch("actions", queryset=Action.objects.order_by("position", "id")),
        )
    )
    return [PlanParts(plan=plan, goals=[goal for goal in goals if goal.plan_id == plan.pk]) for plan in plans]


def plan_content(parts: PlanParts) -> dict:
    """Exactly what is signed. A goal's progress status is not part of it: it moves on while the plan runs."""
    plan = parts.plan
    return {
        "plan": str(plan.pk),
        "client": str(plan.client_id),
        "version": plan.number,
        "supervisor_cosigns": plan.cosignature_required,
        **{name: getattr(plan, name) for name in CarePlan.CONTENT_FIELDS},
        "goals": [
            {
                "lineage": str(goal.lineage),
                "position": goal.position,
                "area": goal.area,
                "client_words": goal.client_words,
                "description": goal.description,
                "objectives": [
                    [objective.text, objective.target_date.isoformat() if objective.target_date else None]
                    for objective in goal.objectives.all()
                ],
                "actions": [
                    [action.text, action.who, action.who_name, action.due_on.isoformat() if action.due_on else None]
                    for action in goal.actions.all()
                ],
            }
            for goal in sorted(parts.goals, key=lambda goal: (goal.position, str(goal.lineage)))
        ],
    }
