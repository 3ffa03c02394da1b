"""Rows of the supervision dashboard's table: one per case manager, eleven cells each.

Built in Python rather than with an include per cell: at agency scale the dashboard has a hundred
rows, and the template language spent most of the page's time on them. Every value is escaped.
"""

from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()
PLACEHOLDER = 0


def _number(value, places: int) -> str:
    return "—" if value is None else escape(str(floatformat(value, places)))


def _count_cell(value: int, *, risk: bool = False, quiet: bool = False) -> str:
    """A count, marked when it is work that waits (or, for risk flags, a badge)."""
    if not value:
        return f'<td class="num zero">{value}</td>'
    if risk:
        return f'<td class="num count-risk-cell"><span class="badge risk-badge">{value}</span></td>'
    return f'<td class="num{"" if quiet else " count-due-cell"}">{value}</td>'


@register.simple_tag
def supervision_rows(rows, caseload_links: bool = False) -> SafeString:
    link = reverse("reassignment:caseload", kwargs={"user_id": PLACEHOLDER}).replace(f"/{PLACEHOLDER}/", "/{pk}/")
    supervisor = escape(gettext("supervisor"))
    over = f'<span class="over-badge d-block">▲ {escape(gettext("over target"))}</span>'
    html = []
    for row in rows:
        name = escape(row.user.display_name)
        if caseload_links:
            name = f'<a href="{link.format(pk=int(row.user.pk))}">{name}</a>'
        if row.user.is_supervisor:
            name += f' <span class="small fw-normal text-body-secondary">({supervisor})</span>'
        levels = []
        if row.by_level.get("high"):
            count = row.by_level["high"]
            levels.append(escape(ngettext("%(counter)s high", "%(counter)s high", count) % {"counter": count}))
        if row.by_level.get("crisis"):
            count = row.by_level["crisis"]
            levels.append(escape(ngettext("%(counter)s in crisis", "%(counter)s in crisis", count) % {"counter": count}))
        by_level = f'<span class="d-block small text-body-secondary">{" · ".join(levels)}</span>' if levels else ""
        row_class = ' class="row-over"' if row.over_target else ""
        html.append(
            f"<tr{row_class}>"
            f'<th scope="row">{name}</th>'
            f'<td class="num">{_number(row.fte, 2)}</td>'
            f'<td class="num">{int(row.active)}</td>'
            f'<td class="num">{_number(row.ratio, 1)}</td>'
            f'<td class="num weighted"><strong>{_number(row.weighted_load, 1)}</strong>{over if row.over_target else ""}{by_level}</td>'
            f'<td class="num">{int(row.contacts_30_days)}</td>'
            + _count_cell(int(row.no_contact))
            + _count_cell(int(row.overdue_reviews))
            + _count_cell(int(row.unsigned_notes))
            + _count_cell(int(row.awaiting_signatures), quiet=True)
            + _count_cell(int(row.risk_flags), risk=True)
            + "</tr>"
        )
    return mark_safe("".join(html))
