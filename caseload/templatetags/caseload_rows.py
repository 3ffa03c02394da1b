"""Rows of My caseload: who needs me today.

Built with the standard library's escaping rather than the template language (a caseload page has up
to 50 rows, each with several badges); every value from the database is escaped.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from caseload.models import Reminder

register = template.Library()
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

ROW = (
    '<tr class="{row_class}"><td><a href="{client_link}">{name}</a>{pronouns}{risk}'
    '<div class="small text-body-secondary font-monospace">{number}</div></td>'
    "<td>{last_contact}</td><td>{due}</td>"
    '<td class="text-end"><a class="btn btn-sm btn-outline-primary" href="{note_link}">{record}'
    '<span class="visually-hidden"> {name}</span></a></td></tr>'
)


@register.simple_tag
def caseload_rows(clients) -> SafeString:
    clients_url = reverse("clients:list")
    # One reverse() for the table; each row puts its client's id in place of the placeholder.
    new_note = reverse("notes:new", args=[PLACEHOLDER])
    risk = f' <span class="badge risk-badge">{escape(gettext("Risk flag"))}</span>'
    record = escape(gettext("Record a contact"))
    never = escape(gettext("No contact yet"))
    date_pattern = get_format("SHORT_DATE_FORMAT")
    kinds = {kind: escape(str(label)) for kind, label in Reminder.Kind.choices}
    rows = []
    for client in clients:
        if client.last_contact_at:
            days = client.days_since_contact
            ago = escape(gettext("today") if days == 0 else ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days})
            last_contact = (
                f'{escape(format_date(client.last_contact_at, date_pattern))}'
                f'<div class="small text-body-secondary">{ago}</div>'
            )
        else:
            last_contact = f'<span class="text-body-secondary">{never}</span>'
        badges = []
        for item in client.due_items:
            css = "due-overdue" if item.overdue else "due-soon"
            when = escape(format_date(item.due_on, date_pattern))
            badges.append(f'<span class="badge due-badge {css}" title="{escape(item.title)}">{kinds[item.kind]} · {when}</span>')
        if client.drafts:
            label = ngettext("%(n)s unsigned note", "%(n)s unsigned notes", client.drafts) % {"n": client.drafts}
            badges.append(f'<span class="badge due-badge due-draft">{escape(label)}</span>')
        rows.append(
            ROW.format(
                row_class="table-risk" if client.at_risk else "",
                client_link=f"{clients_url}{client.pk}/",
                name=escape(client.full_name),
                pronouns=f' <span class="text-body-secondary small">({escape(client.pronouns)})</span>' if client.pronouns else "",
                risk=risk if client.at_risk else "",
                number=escape(client.client_number),
                last_contact=last_contact,
                due=" ".join(badges) or '<span class="text-body-secondary">—</span>',
                note_link=new_note.replace(PLACEHOLDER, str(client.pk)),
                record=record,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
