"""Rows of My tasks, built with the standard library's escaping (a list can hold a hundred tasks, each with
three small forms; built by the template language that cost 2 ms a task). A task whose change was just
refused (the only one with Django forms attached) keeps its bound forms and errors: it is rendered by
templates/caseload/_reminder_item.html."""

from datetime import timedelta
from html import escape

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from caseload.models import Reminder
from caseload.reminder_views import DEFAULT_SNOOZE_DAYS
from caseload.short_dates import ShortDates

register = template.Library()
PLACEHOLDER = 999999999

ITEM = (
    '<li class="list-group-item py-3" id="task-{pk}"><div class="d-flex flex-wrap justify-content-between gap-2"><div>'
    '<a class="fw-semibold" href="{client_link}">{name}</a> <span class="font-monospace small text-body-secondary">{number}</span>'
    '{risk}<div><strong>{kind}</strong> · {title}</div></div>'
    '<div class="text-md-end small">{due} <time datetime="{iso}">{date}</time>{when}</div></div>'
    '<div class="d-flex flex-wrap align-items-start gap-3 mt-2">'
    '<form method="post" action="{done}">{csrf}<button class="btn btn-sm btn-primary" type="submit">{done_label}'
    '<span class="visually-hidden"> {title}</span></button></form>'
    '<form method="post" action="{snooze}" class="d-flex flex-wrap align-items-start gap-1" novalidate>{csrf}<div>'
    '<label class="visually-hidden" for="id_snooze-{pk}-until">{snooze_field}</label>'
    '<input class="form-control form-control-sm" type="date" name="snooze-{pk}-until" id="id_snooze-{pk}-until" '
    'value="{snooze_value}" min="{snooze_min}" max="{snooze_max}"></div>'
    '<button class="btn btn-sm btn-outline-secondary" type="submit">{snooze_label}<span class="visually-hidden"> {title}</span></button></form>'
    '<form method="post" action="{dismiss}" class="d-flex flex-wrap align-items-start gap-1" novalidate>{csrf}<div>'
    '<label class="visually-hidden" for="id_dismiss-{pk}-reason">{dismiss_field}</label>'
    '<input class="form-control form-control-sm" type="text" name="dismiss-{pk}-reason" id="id_dismiss-{pk}-reason" '
    'value="" maxlength="300" placeholder="{dismiss_field}"></div>'
    '<button class="btn btn-sm btn-outline-secondary" type="submit">{dismiss_label}<span class="visually-hidden"> {title}</span></button></form>'
    "</div></li>"
)


@register.simple_tag(takes_context=True)
def reminder_items(context, reminders) -> SafeString:
    today = context["today"]
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(context.get("csrf_token", "")))}">'
    urls = {name: reverse(f"caseload:reminder_{name}", args=[PLACEHOLDER]) for name in ("done", "snooze", "dismiss")}
    client_url = reverse("clients:detail", args=["00000000-0000-0000-0000-000000000000"])
    kinds = {kind: escape(str(label)) for kind, label in Reminder.Kind.choices}
    short_date = ShortDates()
    labels = {
        "risk": f' <span class="badge risk-badge ms-1">{escape(gettext("Risk flag"))}</span>',
        "due": escape(gettext("Due")), "done": escape(gettext("Done")), "snooze": escape(gettext("Snooze")),
        "dismiss": escape(gettext("Dismiss")), "snooze_field": escape(gettext("Snooze until")),
        "dismiss_field": escape(gettext("Why it does not need doing")),
    }
    snooze_value = (today + timedelta(days=DEFAULT_SNOOZE_DAYS)).isoformat()
    rows = []
    for reminder in reminders:
        if hasattr(reminder, "snooze_form"):  # a refused change: its forms keep what was typed and say why
            rows.append(render_to_string("caseload/_reminder_item.html", {**context.flatten(), "reminder": reminder}))
            continue
        if reminder.days_overdue > 0:
            when = ngettext("%(days)s day overdue", "%(days)s days overdue", reminder.days_overdue) % {"days": reminder.days_overdue}
            when = f'<div class="text-danger">{escape(when)}</div>'
        elif reminder.days_to_go > 0:
            when = ngettext("in %(days)s day", "in %(days)s days", reminder.days_to_go) % {"days": reminder.days_to_go}
            when = f'<div class="text-body-secondary">{escape(when)}</div>'
        else:
            when = ""
        pk = str(reminder.pk)
        rows.append(ITEM.format(
            pk=pk, client_link=client_url.replace("00000000-0000-0000-0000-000000000000", str(reminder.client_id)),
            name=escape(reminder.client_name), number=escape(reminder.client_number),
            risk=labels["risk"] if reminder.at_risk else "", kind=kinds[reminder.kind], title=escape(reminder.title),
            due=labels["due"], iso=reminder.due_on.isoformat(), date=escape(short_date(reminder.due_on)),
            when=when, csrf=csrf, done=urls["done"].replace(str(PLACEHOLDER), pk), done_label=labels["done"],
            snooze=urls["snooze"].replace(str(PLACEHOLDER), pk), snooze_label=labels["snooze"],
            snooze_field=labels["snooze_field"], snooze_value=snooze_value,
            snooze_min=context["snooze_min"].isoformat(), snooze_max=context["snooze_max"].isoformat(),
            dismiss=urls["dismiss"].replace(str(PLACEHOLDER), pk), dismiss_label=labels["dismiss"],
            dismiss_field=labels["dismiss_field"],
        ))
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
