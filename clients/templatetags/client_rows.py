"""Rows of the client tables.

Lists show up to 50 clients. Built by the template language each row cost about 0.1 ms; built here,
with the standard library's escaping, a fraction of that. Every value from the database is escaped.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from caseload.short_dates import ShortDates
from clients.models import Client

register = template.Library()

ROW = (
    '<tr><td><a href="{link}{id}/">{name}</a>{pronouns}{risk}</td><td class="font-monospace">{number}</td>'
    '<td>{born}</td><td><span class="badge status-badge status-{status}">{status_label}</span></td>'
    "<td>{language}{interpreter}</td>{case_manager}</tr>"
)


@register.simple_tag
def client_rows(clients, show_case_manager: bool = False) -> SafeString:
    link = reverse("clients:list")
    interpreter = f' <span class="badge text-bg-light border">{escape(gettext("interpreter"))}</span>'
    risk = f' <span class="badge risk-badge">{escape(gettext("Risk flag"))}</span>'
    not_assigned = gettext("Not assigned")
    short_date = ShortDates()
    # Translated labels once per table, not once per row.
    status_labels = {status: escape(str(label)) for status, label in Client.Status.choices}
    language_labels: dict[str, str] = {}
    rows = []
    for client in clients:
        if show_case_manager:
            case_manager = f"<td>{escape(str(client.case_manager or not_assigned))}</td>"
        else:
            case_manager = ""
        rows.append(
            ROW.format(
                link=link,
                id=client.pk,
                name=escape(client.full_name),
                pronouns=f' <span class="text-body-secondary small">({escape(client.pronouns)})</span>'
                if client.pronouns
                else "",
                risk=risk if getattr(client, "has_risk", False) else "",
                number=escape(client.client_number),
                born=escape(short_date(client.date_of_birth)),
                status=escape(client.status),
                status_label=status_labels[client.status],
                language=language_labels.get(client.preferred_language)
                or language_labels.setdefault(client.preferred_language, escape(client.get_preferred_language_display())),
                interpreter=interpreter if client.interpreter_needed else "",
                case_manager=case_manager,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
