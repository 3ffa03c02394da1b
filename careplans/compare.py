"""Two versions of a plan side by side: each section and each goal (followed by its lineage) as rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from careplans.content import PlanParts
from careplans.models import CarePlan


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


def _goal_lines(goal) -> list[str]:
    lines = [f"{goal.get_area_display()}: “{goal.client_words}”"]
    if goal.description:
        lines.append(goal.description)
    for objective in goal.objectives.all():
        when = f" ({_('by')} {date_format(objective.target_date, 'SHORT_DATE_FORMAT')})" if objective.target_date else ""
        lines.append(f"{_('Objective')}: {objective.text}{when}")
    for action in goal.actions.all():
        when = f", {_('by')} {date_format(action.due_on, 'SHORT_DATE_FORMAT')}" if action.due_on else ""
        lines.append(f"{_('Action')}: {action.text} — {action.who_label}{when}")
    return lines


def compare_versions(before: PlanParts, after: PlanParts) -> list[Row]:
    rows = []
    header = _("About the plan")
    for name in ("title", "client_summary", "strengths"):
        label = str(CarePlan._meta.get_field(name).verbose_name).capitalize()
        rows.append(Row(header, label, _lines(before.plan, name), _lines(after.plan, name)))
    earlier = {goal.lineage: goal for goal in before.goals}
    later = {goal.lineage: goal for goal in after.goals}
    order = [goal.lineage for goal in after.goals] + [g.lineage for g in before.goals if g.lineage not in later]
    for number, lineage in enumerate(order, start=1):
        old, new = earlier.get(lineage), later.get(lineage)
        label = _("Goal %(number)s") % {"number": number}
        rows.append(Row(_("Goals"), label, _goal_lines(old) if old else [], _goal_lines(new) if new else []))
    safety = _("Safety plan")
    for name in CarePlan.SAFETY_FIELDS:
        label = str(CarePlan._meta.get_field(name).verbose_name).capitalize()
        rows.append(Row(safety, label, _lines(before.plan, name), _lines(after.plan, name)))
    return rows
