"""Two versions of a plan side by side: each section and each goal (followed by its lineage) as rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from careplans.content import PlanParts
from careplans.models import Action, CarePlan, Goal
from caseload.short_dates import ShortDates


@dataclass
class Row:
    section: str
    label: str
    before: list[str]
    after: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def kind(self) -> str:
        if not self.before and self.after:
            return "added"
        if self.before and not self.after:
            return "removed"
        return "changed" if self.changed else "same"


def _lines(plan: CarePlan, name: str) -> list[str]:
    return plan.lines(name)


class _GoalLines:
    """A goal as lines of text; labels, translations and dates are worked out once for both versions."""

    def __init__(self):
        self.short_date = ShortDates()
        self.areas = {value: str(label) for value, label in Goal.Area.choices}
        self.whos = {value: str(label) for value, label in Action.Who.choices}
        self.by = pgettext("before a date: to be done by that day", "by")
        self.objective, self.action = _("Objective"), _("Action")

    def __call__(self, goal) -> list[str]:
        lines = [f"{self.areas.get(goal.area, goal.area)}: “{goal.client_words}”"]
        if goal.description:
            lines.append(goal.description)
        for objective in goal.objectives.all():
            when = f" ({self.by} {self.short_date(objective.target_date)})" if objective.target_date else ""
            lines.append(f"{self.objective}: {objective.text}{when}")
        for action in goal.actions.all():
            who = self.whos.get(action.who, action.who)
            who = f"{who}: {action.who_name}" if action.who_name else who  # Action.who_label
            when = f", {self.by} {self.short_date(action.due_on)}" if action.due_on else ""
            lines.append(f"{self.action}: {action.text} — {who}{when}")
        return lines


def compare_versions(before: PlanParts, after: PlanParts) -> list[Row]:
    rows = []
    header = _("About the plan")
    for name in ("title", "client_summary", "strengths"):
        label = str(CarePlan._meta.get_field(name).verbose_name).capitalize()
        rows.append(Row(header, label, _lines(before.plan, name), _lines(after.plan, name)))
    goal_lines = _GoalLines()
    earlier = {goal.lineage: goal for goal in before.goals}
    later = {goal.lineage: goal for goal in after.goals}
    order = [goal.lineage for goal in after.goals] + [g.lineage for g in before.goals if g.lineage not in later]
    for number, lineage in enumerate(order, start=1):
        old, new = earlier.get(lineage), later.get(lineage)
        label = _("Goal %(number)s") % {"number": number}
        rows.append(Row(_("Goals"), label, goal_lines(old) if old else [], goal_lines(new) if new else []))
    safety = _("Safety plan")
    for name in CarePlan.SAFETY_FIELDS:
        label = str(CarePlan._meta.get_field(name).verbose_name).capitalize()
        rows.append(Row(safety, label, _lines(before.plan, name), _lines(after.plan, name)))
    return rows
