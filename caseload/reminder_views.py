"""My tasks: the signed-in person's open reminders, to mark done, snooze to a day, or dismiss with a reason."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from caseload import audit
from caseload.reminders import (
    get_reminder_for_user,
    group_reminders,
    open_task_rows,
    reminder_complete,
    reminder_dismiss,
    reminder_snooze,
    snooze_limits,
)

DEFAULT_SNOOZE_DAYS = 3


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Give the day the task should come back."),
                        "invalid": gettext_lazy("Give a date, e.g. 2026-12-01.")},
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it does not need doing"), max_length=300,
        error_messages={"required": gettext_lazy("Say why this task does not need doing.")},
    )


def _snooze_form(reminder, today, data=None) -> SnoozeForm:
    return SnoozeForm(data, prefix=f"snooze-{reminder.pk}",
                      initial={"until": today + timedelta(days=DEFAULT_SNOOZE_DAYS)})


def _dismiss_form(reminder, data=None) -> DismissForm:
    return DismissForm(data, prefix=f"dismiss-{reminder.pk}")


def _page(request, *, invalid=None, status=200):
    """The task list; `invalid` is the reminder (with its bound forms) whose change was refused."""
    today = timezone.localdate()
    reminders = open_task_rows(request.user, today)
    listed = next((index for index, row in enumerate(reminders) if invalid is not None and row.pk == invalid.pk), None)
    if listed is not None:
        # The refused task is shown in its place as the reminder itself, with its forms keeping what was typed.
        row = reminders[listed]
        invalid.at_risk, invalid.days_overdue, invalid.days_to_go = row.at_risk, row.days_overdue, row.days_to_go
        reminders[listed] = invalid
    elif invalid is not None:
        invalid.at_risk = False
        invalid.days_overdue = (today - invalid.due_on).days
        invalid.days_to_go = -invalid.days_overdue
    # Only the refused task carries forms (bound, with their errors); every other row is built with empty
    # fields by the rows tag: a hundred pairs of Django forms cost more than the rest of the page.
    first, last = snooze_limits(today)
    audit.record(action="list", summary=_("my tasks: %(count)s shown") % {"count": len(reminders)})
    return render(request, "caseload/reminders.html", {
        "groups": group_reminders(reminders, today),
        "count": len(reminders),
        "today": today,
        "invalid": invalid if invalid is not None and listed is None else None,
        "snooze_min": first,
        "snooze_max": last,
    }, status=status)


@login_required
@require_GET
def task_list(request):
    return _page(request)


def _act(request, reminder_id, action):
    """Scope first (404 outside it), then the change on POST; a GET goes back to the list."""
    reminder = get_reminder_for_user(request.user, reminder_id)
    if request.method != "POST":
        return redirect("caseload:tasks")
    return action(reminder)


def _refused(request, reminder, error: ValidationError, *, field_form=None):
    """A refusal: beside its field when it names one, else as a message over the list."""
    if field_form is not None and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            field_form.add_error(field if field in field_form.fields else None, errors)
        return _page(request, invalid=reminder)
    messages.error(request, " ".join(error.messages))
    return redirect("caseload:tasks")


@login_required
@require_http_methods(["GET", "POST"])
def reminder_done(request, reminder_id):
    def action(reminder):
        try:
            reminder_complete(reminder, request.user)
        except ValidationError as error:
            return _refused(request, reminder, error)
        messages.success(request, _("Done: %(title)s") % {"title": reminder.title})
        return redirect("caseload:tasks")

    return _act(request, reminder_id, action)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_snooze_view(request, reminder_id):
    def action(reminder):
        today = timezone.localdate()
        form = _snooze_form(reminder, today, request.POST)
        reminder.snooze_form, reminder.dismiss_form = form, _dismiss_form(reminder)
        if not form.is_valid():
            return _page(request, invalid=reminder)
        try:
            reminder_snooze(reminder, request.user, form.cleaned_data["until"])
        except ValidationError as error:
            return _refused(request, reminder, error, field_form=form)
        messages.success(request, _("Snoozed until %(day)s: %(title)s") % {
            "day": form.cleaned_data["until"].isoformat(), "title": reminder.title})
        return redirect("caseload:tasks")

    return _act(request, reminder_id, action)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_dismiss_view(request, reminder_id):
    def action(reminder):
        today = timezone.localdate()
        form = _dismiss_form(reminder, request.POST)
        reminder.snooze_form, reminder.dismiss_form = _snooze_form(reminder, today), form
        if not form.is_valid():
            return _page(request, invalid=reminder)
        try:
            reminder_dismiss(reminder, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            return _refused(request, reminder, error, field_form=form)
        messages.success(request, _("Dismissed: %(title)s") % {"title": reminder.title})
        return redirect("caseload:tasks")

    return _act(request, reminder_id, action)
