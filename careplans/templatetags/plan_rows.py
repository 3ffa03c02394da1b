"""The goals of a care-plan version, as the plan pages show them.

A plan has 3 to 5 goals, each with its objectives and actions: built by the template language, with a
`{% url %}`, a few translations and a date filter per row, they were most of the plan page's
rendering. Built here with the standard library's escaping, the same HTML comes out; every value
from the database is escaped. Translations are read once per page and, as `{% translate %}` and
`{% blocktranslate %}` put them in, not escaped: they are the product's own text.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from careplans.models import Action, CarePlan, Goal
from caseload.html_parts import csrf_input
from caseload.short_dates import ShortDates

register = template.Library()
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
NOTHING = "—"


def _labels(choices) -> dict[str, str]:
    return {value: escape(str(label)) for value, label in choices}


def _label(labels: dict[str, str], value: str) -> str:
    """A choice's label, escaped; a value no longer among the choices is shown as itself (as Django does)."""
    label = labels.get(value)
    return label if label is not None else escape(str(value))


GOAL = (
    '\n  <article class="goal card mb-3" aria-labelledby="goal-{pk}">'
    '\n    <div class="card-body">'
    '\n      <div class="d-flex flex-wrap justify-content-between gap-2">'
    '\n        <p class="goal-area mb-1">{number}. {area}</p>'
    "\n        {status}"
    "\n      </div>"
    '\n      <h3 class="h5 client-words" id="goal-{pk}">“{words}”</h3>'
    "\n      {description}"
    "\n      {reason}"
    "\n      {record}"
    "\n      "
    "\n      {objectives}"
    "\n      {actions}"
    "\n      "
    "\n    </div>"
    "\n  </article>"
    "\n  "
)
OBJECTIVES = (
    '\n      <table class="table table-sm plan-table">'
    '\n        <caption class="visually-hidden">{caption}</caption>'
    '\n        <thead><tr><th scope="col">{objective}</th><th scope="col" class="when">{by_when}</th></tr></thead>'
    "\n        <tbody>{rows}</tbody>"
    "\n      </table>"
    "\n      "
)
ACTIONS = (
    '\n      <table class="table table-sm plan-table">'
    '\n        <caption class="visually-hidden">{caption}</caption>'
    '\n        <thead><tr><th scope="col">{what}</th><th scope="col">{who}</th>'
    '<th scope="col" class="when">{by_when}</th></tr></thead>'
    "\n        <tbody>{rows}</tbody>"
    "\n      </table>"
    "\n      "
)


@register.simple_tag
def plan_goals(plan, goals, show_progress: bool = False) -> SafeString:
    """The goals of `_plan_body.html`, each an article with its objectives and actions."""
    goals = list(goals)
    if not goals:
        none_yet = gettext("No goals yet.")  # outside the f-string, where makemessages finds it
        return mark_safe(f'\n  <p class="text-body-secondary">{none_yet}</p>\n  ')
    short_date = ShortDates()
    areas = _labels(Goal.Area.choices)
    statuses = _labels(Goal.Status.choices)
    whos = {value: str(label) for value, label in Action.Who.choices}
    why = gettext("Why")
    record_link = reverse("careplans:goal_status", args=[PLACEHOLDER]) if show_progress else ""
    record_label = gettext("Record progress")
    objective_head = {
        "caption": gettext("Objectives"), "objective": gettext("Objective"),
        "by_when": gettext("By when"),
    }
    action_head = {
        "caption": gettext("Actions"), "what": gettext("What we will do"),
        "who": gettext("Who"), "by_when": gettext("By when"),
    }
    out = []
    for number, goal in enumerate(goals, start=1):
        pk = escape(str(goal.pk))
        if show_progress:
            status = (
                f'<span class="badge goal-status goal-{escape(goal.status)}">{_label(statuses, goal.status)}</span>'
            )
            reason = (
                f'<p class="small text-body-secondary">{why}: {escape(goal.status_reason)}</p>'
                if goal.status_reason else ""
            )
        else:
            status = reason = ""
        if show_progress and plan.status == "active":
            on_goal = gettext("on goal %(number)s") % {"number": number}
            record = (
                f'<p class="mb-2"><a class="small" href="{record_link.replace(PLACEHOLDER, pk)}">{record_label}'
                f'<span class="visually-hidden"> {on_goal}</span></a></p>'
            )
        else:
            record = ""
        objectives = goal.objectives.all()
        actions = goal.actions.all()
        if objectives:
            rows = "".join(
                f"<tr><td>{escape(objective.text)}</td>"
                f"<td>{escape(short_date(objective.target_date)) if objective.target_date else NOTHING}</td></tr>"
                for objective in objectives
            )
            objectives_html = OBJECTIVES.format(rows=rows, **objective_head)
        else:
            objectives_html = ""
        if actions:
            rows = []
            for action in actions:
                who = whos.get(action.who, action.who)
                who = f"{who}: {action.who_name}" if action.who_name else who
                when = escape(short_date(action.due_on)) if action.due_on else NOTHING
                rows.append(f"<tr><td>{escape(action.text)}</td><td>{escape(who)}</td><td>{when}</td></tr>")
            actions_html = ACTIONS.format(rows="".join(rows), **action_head)
        else:
            actions_html = ""
        out.append(
            GOAL.format(
                pk=pk, number=number, area=_label(areas, goal.area), status=status,
                words=escape(goal.client_words),
                description=f'<p class="prewrap">{escape(goal.description)}</p>' if goal.description else "",
                reason=reason, record=record, objectives=objectives_html, actions=actions_html,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every database value above is escaped


DRAFT_GOAL = (
    '\n        <li class="list-group-item d-flex flex-wrap gap-2 justify-content-between align-items-start">'
    '\n          <div class="ms-2 me-auto goal-summary">'
    '\n            <span class="small text-body-secondary">{area}</span><br>'
    '\n            <strong class="client-words">“{words}”</strong><br>'
    '\n            <span class="small">{objectives} · {actions}</span>'
    "\n          </div>"
    '\n          <div class="d-flex gap-1 flex-wrap">'
    '\n            <a class="btn btn-sm btn-outline-primary" href="{edit_link}">{edit}'
    '<span class="visually-hidden"> {goal_number}</span></a>'
    "\n            {move}"
    '\n            <form method="post" action="{remove_link}">{csrf}{version}'
    '<button class="btn btn-sm btn-outline-danger" type="submit">{remove}'
    '<span class="visually-hidden"> {goal_number}</span></button></form>'
    "\n          </div>"
    "\n        </li>"
    "\n        "
)
MOVE_UP = (
    '<form method="post" action="{move_link}">{csrf}{version}<input type="hidden" name="direction" value="up">'
    '<button class="btn btn-sm btn-outline-secondary" type="submit">{move_up}'
    '<span class="visually-hidden"> {goal_number}</span></button></form>'
)


@register.simple_tag(takes_context=True)
def draft_goals(context, plan, goals) -> SafeString:
    """The goals of a draft on its edit page: area, words, how many objectives and actions, edit, move up, remove."""
    goals = list(goals)
    if not goals:
        empty = gettext("No goals yet. Add the first one with the client, in their words.")
        return mark_safe(f'\n        <li class="list-group-item text-body-secondary">{empty}</li>\n        ')
    areas = _labels(Goal.Area.choices)
    csrf = csrf_input(context)
    version = f'<input type="hidden" name="version" value="{escape(str(plan.version))}">'
    edit_link = reverse("careplans:goal_edit", args=[PLACEHOLDER])
    move_link = reverse("careplans:goal_move", args=[PLACEHOLDER])
    remove_link = reverse("careplans:goal_remove", args=[PLACEHOLDER])
    edit, move_up, remove = gettext("Edit"), gettext("Move up"), gettext("Remove")
    out = []
    for number, goal in enumerate(goals, start=1):
        pk = escape(str(goal.pk))
        goal_number = gettext("goal %(number)s") % {"number": number}
        objectives = len(goal.objectives.all())
        actions = len(goal.actions.all())
        out.append(
            DRAFT_GOAL.format(
                area=_label(areas, goal.area), words=escape(goal.client_words),
                objectives=ngettext("%(counter)s objective", "%(counter)s objectives", objectives) % {"counter": objectives},
                actions=ngettext("%(counter)s action", "%(counter)s actions", actions) % {"counter": actions},
                edit_link=edit_link.replace(PLACEHOLDER, pk), edit=edit, goal_number=goal_number,
                move=MOVE_UP.format(
                    move_link=move_link.replace(PLACEHOLDER, pk), csrf=csrf, version=version, move_up=move_up,
                    goal_number=goal_number,
                ) if number > 1 else "",
                remove_link=remove_link.replace(PLACEHOLDER, pk), csrf=csrf, version=version, remove=remove,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every database value above is escaped


COMPARE_ROW = (
    '\n    <tr class="compare-{kind}">'
    '\n      <th scope="row">{label}{badge}</th>'
    "\n      <td>{before}</td>"
    "\n      <td>{after}</td>"
    "\n    </tr>"
    "\n  "
)
COMPARE_NONE = '<span class="text-body-secondary">—</span>'


def _compare_cell(lines: list[str], other: list[str], css: str) -> str:
    if not lines:
        return COMPARE_NONE
    return "".join(
        f"<div{'' if line in other else css}>{escape(line)}</div>" for line in lines
    )


@register.simple_tag
def compare_rows(rows) -> SafeString:
    """The rows of the compare page (careplans.compare.Row): a header where the section changes, then each part."""
    # The words outside the f-string, where makemessages finds them.
    words = {"added": gettext("added"), "removed": gettext("removed"), "changed": gettext("changed")}
    badges = {kind: f' <span class="badge compare-badge">{word}</span>' for kind, word in words.items()}
    badges["same"] = ""
    out = []
    section = object()
    for row in rows:
        if row.section != section:
            section = row.section
            out.append(f'<tr class="table-light"><th scope="colgroup" colspan="3">{escape(str(section))}</th></tr>')
        kind = row.kind
        out.append(
            COMPARE_ROW.format(
                kind=escape(kind), label=escape(str(row.label)), badge=badges[kind],
                before=_compare_cell(row.before, row.after, ' class="compare-old"'),
                after=_compare_cell(row.after, row.before, ' class="compare-new"'),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every database value above is escaped


VERSION_ROW = (
    "\n    <tr>"
    '\n      <td><a href="{link}">{version}</a></td>'
    '\n      <td><span class="badge plan-status plan-{status}">{status_label}</span>\n</td>'
    "\n      <td>{made_by}, {made_on}</td>"
    "\n      <td>{in_force}</td>"
    "\n      <td>{review}</td>"
    "\n    </tr>"
    "\n  "
)


@register.simple_tag
def plan_version_rows(plans) -> SafeString:
    """The rows of a client's plan versions: version, status, who made it when, in force, review due."""
    short_date = ShortDates()
    statuses = _labels(CarePlan.Status.choices)
    link = reverse("careplans:plan", args=[PLACEHOLDER])
    out = []
    for plan in plans:
        if plan.effective_on:
            in_force = escape(short_date(plan.effective_on))
            if plan.ended_at:
                in_force += f" – {escape(short_date(plan.ended_at))}"
        else:
            in_force = NOTHING
        out.append(
            VERSION_ROW.format(
                link=link.replace(PLACEHOLDER, escape(str(plan.pk))),
                version=gettext("Version %(number)s") % {"number": plan.number},
                status=escape(plan.status), status_label=_label(statuses, plan.status),
                made_by=escape(plan.created_by.display_name), made_on=escape(short_date(plan.created_at)),
                in_force=in_force, review=escape(short_date(plan.review_on)) if plan.review_on else NOTHING,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every database value above is escaped
