"""Rows of My caseload: who needs me today.

Built with the standard library's escaping rather than the template language (a caseload page has up
to 50 rows, each with several badges); every value from the database is escaped.

A supervisor's view of someone's caseload (caseload.reassignment_views) uses the same rows with a
checkbox in front (`select="clients"`, ticked for the ids in `selected`), the client's acuity, and
no *Record a contact* button (`record=False`). My caseload calls the tag with no options.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from caseload.models import Reminder
from caseload.short_dates import ShortDates
from clients.models import Acuity

register = template.Library()
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

CLIENT_CELL = (
    '<td><a href="{client_link}">{name}</a>{pronouns}{risk}'
    '<div class="small text-body-secondary font-monospace">{number}</div></td>'
)
RECORD_CELL = (
    '<td class="text-end"><a class="btn btn-sm btn-outline-primary" href="{note_link}">{record}'
    '<span class="visually-hidden"> {name}</span></a></td>'
)
SELECT_CELL = (
    '<td><input class="form-check-input" type="checkbox" name="{field}" value="{pk}" id="select-{pk}"{checked}>'
    '<label class="visually-hidden" for="select-{pk}">{label}</label></td>'
)
NOTHING_DUE = '<span class="text-body-secondary">—</span>'
# Text on a background with enough contrast (Bootstrap's pairs); the level is written out, never colour alone.
ACUITY_BADGES = {
    Acuity.LOW: "text-bg-light border",
    Acuity.MODERATE: "text-bg-info",
    Acuity.HIGH: "text-bg-warning",
    Acuity.CRISIS: "text-bg-danger",
}


class Remembered(dict):
    """`make(key)` for each key asked, made once."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


@register.simple_tag
def caseload_rows(clients, select: str = "", selected=(), acuity: bool = False, record: bool = True) -> SafeString:
    clients_url = reverse("clients:list")
    # One reverse() for the table; each row puts its client's id in place of the placeholder.
    new_note = reverse("notes:new", args=[PLACEHOLDER]) if record else ""
    risk = f' <span class="badge risk-badge">{escape(gettext("Risk flag"))}</span>'
    record_label = escape(gettext("Record a contact"))
    never = escape(gettext("No contact yet"))
    short_date = ShortDates()
    kinds = {kind: escape(str(label)) for kind, label in Reminder.Kind.choices}
    levels = {level: escape(str(label)) for level, label in Acuity.choices}
    set_by_hand = escape(gettext("set by the case manager"))
    selected = {str(pk) for pk in selected or ()}

    def days_ago(days: int) -> str:
        return escape(gettext("today") if days == 0 else ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days})

    # Many rows share a day count and a date: each is written once. Titles are mostly distinct: escaped as they come.
    ago, days = Remembered(days_ago), Remembered(lambda day: escape(short_date(day)))

    def badge(item) -> str:
        css = "due-overdue" if item.overdue else "due-soon"
        return f'<span class="badge due-badge {css}" title="{escape(item.title)}">{kinds[item.kind]} · {days[item.due_on]}</span>'

    rows = []
    for client in clients:
        pk = str(client.pk)
        if client.last_contact_at:
            last_contact = (
                f'{days[client.last_contact_on]}'
                f'<div class="small text-body-secondary">{ago[client.days_since_contact]}</div>'
            )
        else:
            last_contact = f'<span class="text-body-secondary">{never}</span>'
        badges = [badge(item) for item in client.due_items]
        if client.drafts:
            label = ngettext("%(n)s unsigned note", "%(n)s unsigned notes", client.drafts) % {"n": client.drafts}
            badges.append(f'<span class="badge due-badge due-draft">{escape(label)}</span>')
        full_name = client.full_name
        name = escape(full_name)
        cells = []
        if select:
            cells.append(SELECT_CELL.format(
                field=escape(select), pk=escape(pk), checked=" checked" if pk in selected else "",
                label=escape(gettext("Select %(name)s") % {"name": full_name}),
            ))
        cells.append(CLIENT_CELL.format(
            client_link=f"{clients_url}{pk}/",
            name=name,
            pronouns=f' <span class="text-body-secondary small">({escape(client.pronouns)})</span>' if client.pronouns else "",
            risk=risk if client.at_risk else "",
            number=escape(client.client_number),
        ))
        if acuity:
            level = f'<span class="badge {ACUITY_BADGES.get(client.acuity, "text-bg-light")}">{levels.get(client.acuity, "")}</span>'
            if client.acuity != client.acuity_derived:
                level += f'<div class="small text-body-secondary">{set_by_hand}</div>'
            cells.append(f"<td>{level}</td>")
        cells.append(f"<td>{last_contact}</td>")
        cells.append(f"<td>{' '.join(badges) or NOTHING_DUE}</td>")
        if record:
            cells.append(RECORD_CELL.format(note_link=new_note.replace(PLACEHOLDER, pk), record=record_label, name=name))
        rows.append(f'<tr class="{"table-risk" if client.at_risk else ""}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
