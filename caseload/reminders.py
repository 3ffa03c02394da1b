"""Reminders: what a case manager must do, from the daily sweep and from events.

Two ways in, one table:

- **Events** call `reminder_add` as they happen (a signed note with a follow-up date). The row's
  unique key (kind, subject, due date) makes a second call a no-op.
- **The sweep** (`sweep`, run every morning by beat through `caseload.reminder_tasks.daily_sweep`)
  reads the state of every open client in a fixed handful of queries and inserts what is due in one
  `bulk_create(ignore_conflicts=True)`. The due date in each key is derived from stored facts (the
  last contact, the plan's review date, when a plan was sent, when an instrument was given, when a
  draft was started), so running the sweep again, the same day or the next, adds nothing twice, and
  two sweeps at once cannot either: the database keeps the key unique.

Reminders close themselves when their cause goes: each sweep closes (status done, closed by nobody)
the open reminders of the swept kinds that today's candidates no longer contain (a contact recorded
since, a plan reviewed or signed, an instrument given again, a note signed), and dismisses the open
reminders of discharged clients. People close them by hand with `reminder_complete`,
`reminder_snooze` and `reminder_dismiss`, which are audited like any change to client data.

Subjects are named by the model's label and the record's id, e.g. ("caseload.ProgressNote", note id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseload import audit
from caseload.models import AgencySettings, Assignment, ProgressNote, Reminder, Team

Kind = Reminder.Kind

# Made and closed by the sweep from the state of the records: an open one that today's sweep would
# not make any more has lost its cause.
SWEPT_KINDS = [Kind.NO_CONTACT, Kind.PLAN_REVIEW, Kind.PLAN_SIGNATURES, Kind.REASSESSMENT, Kind.UNSIGNED_NOTE,
               Kind.REFERRAL_FOLLOW_UP]
# Belong to whoever carries the case now; an unsigned note stays with its author.
CASE_KINDS = [Kind.NO_CONTACT, Kind.PLAN_REVIEW, Kind.PLAN_SIGNATURES, Kind.REASSESSMENT, Kind.REFERRAL_FOLLOW_UP]

PLAN_REVIEW_NOTICE_DAYS = 14  # a plan review is a task from 14 days before its date
PLAN_SIGNATURES_WAIT_DAYS = 7  # a plan waiting for signatures longer than this is a task
UNSIGNED_NOTE_HOURS = 24  # a draft note older than this is a task
COMING_UP_DAYS = 3  # other tasks (a follow-up) show this many days ahead
MAX_SNOOZE_DAYS = 90
INSERT_BATCH = 4000  # rows per INSERT: 14 columns each stays under PostgreSQL's 65,535 parameters

DEFAULT_NO_CONTACT_DAYS = Team._meta.get_field("no_contact_days").default
DEFAULT_NO_CONTACT_DAYS_AT_RISK = Team._meta.get_field("no_contact_days_at_risk").default


def _subject(subject_type: str, subject_id) -> str:
    return f"{subject_type}:{subject_id}"


def _titled(language: str | None, message, values: dict) -> str:
    """A sweep reminder's title in its assignee's language: it is stored as they will read it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(message) % values


def _reminder(*, kind, client_id, due_on: date, title: str, subject_type: str, subject_id, assignee_id) -> Reminder:
    subject_id = str(subject_id)
    return Reminder(
        key=Reminder.make_key(kind, _subject(subject_type, subject_id), due_on),
        kind=kind,
        client_id=client_id,
        assignee_id=assignee_id,
        subject_type=subject_type,
        subject_id=subject_id,
        title=title[:200],
        due_on=due_on,
    )


# --- events ---------------------------------------------------------------------------------------


def reminder_add(*, kind, client, due_on: date, title: str, subject_type: str = "", subject_id="",
                 assignee=None) -> Reminder | None:
    """Add a reminder unless one with the same key exists; returns the new row, or None if it existed.

    INSERT … ON CONFLICT DO NOTHING on the unique key (kind, subject, due date): safe to call twice,
    from two processes at once, and inside the transaction of the event (it commits or rolls back
    with it). Without a subject the client is the subject. The assignee defaults to the client's
    case manager.
    """
    if not subject_type:
        subject_type, subject_id = "clients.Client", client.pk
    row = _reminder(
        kind=kind, client_id=client.pk, due_on=due_on, title=title, subject_type=subject_type,
        subject_id=subject_id, assignee_id=assignee.pk if assignee is not None else client.case_manager_id,
    )
    Reminder.objects.bulk_create([row], ignore_conflicts=True)
    # bulk_create skips the audit signal, and sets no id with ignore_conflicts: read the row back
    # (ours if it carries our creation time) and record the creation.
    added = Reminder.objects.filter(key=row.key, created_at=row.created_at).first()
    if added is not None:
        audit.record(action="create", client_id=added.client_id, obj=added, summary=str(Reminder._meta.verbose_name))
    return added


# --- the sweep ------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    created: int
    closed: int
    dismissed: int
    reassigned: int


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _no_contact_candidates(today: date, now: datetime) -> list[Reminder]:
    """Open clients whose last contact (or, with none, the assignment or the registration) is N days old.

    N is the team's setting, the shorter one when the client has an active risk flag. The due date
    is the day the client became overdue, the same on every run until a contact is recorded.
    """
    from assessments.models import RiskFlag
    from clients.models import Client

    last_contact = (
        ProgressNote.objects.filter(
            client_id=OuterRef("pk"), contact_type__in=ProgressNote.CLIENT_CONTACT_TYPES, contact_at__lte=now
        )
        .order_by("-contact_at")
        .values("contact_at")[:1]
    )
    assigned_at = Assignment.objects.filter(client_id=OuterRef("pk"), ended_at__isnull=True).values("started_at")[:1]
    rows = (
        Client.objects.open()
        .filter(case_manager__isnull=False)  # a client waiting for a case manager counts from the assignment
        .annotate(
            last_contact=Subquery(last_contact),
            assigned_at=Subquery(assigned_at),
            at_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
        )
        .order_by()
        .values_list(
            "pk", "case_manager_id", "created_at", "team__no_contact_days", "team__no_contact_days_at_risk",
            "last_contact", "assigned_at", "at_risk", "case_manager__language",
        )
    )
    candidates = []
    for client_id, case_manager_id, registered_at, days, days_at_risk, last, assigned, at_risk, language in rows:
        if at_risk:
            limit = days_at_risk or DEFAULT_NO_CONTACT_DAYS_AT_RISK
        else:
            limit = days or DEFAULT_NO_CONTACT_DAYS
        since = _local_day(last or assigned or registered_at)
        due_on = since + timedelta(days=limit)
        if due_on > today:
            continue
        if last:
            message = gettext_lazy("No contact since %(day)s (limit %(days)s days)")
        elif assigned:
            message = gettext_lazy("No contact since the case was assigned on %(day)s (limit %(days)s days)")
        else:
            message = gettext_lazy("No contact since registration on %(day)s (limit %(days)s days)")
        title = _titled(language, message, {"day": since.isoformat(), "days": limit})
        candidates.append(_reminder(
            kind=Kind.NO_CONTACT, client_id=client_id, due_on=due_on, title=title,
            subject_type="clients.Client", subject_id=client_id, assignee_id=case_manager_id,
        ))
    return candidates


def _plan_review_candidates(today: date) -> list[Reminder]:
    """Plans in force whose review date is within 14 days, or past. Due on the review date."""
    from careplans.models import CarePlan

    rows = (
        CarePlan.objects.filter(status=CarePlan.Status.ACTIVE, review_on__lte=today + timedelta(days=PLAN_REVIEW_NOTICE_DAYS))
        .exclude(client__status="discharged")
        .order_by()
        .values_list("pk", "client_id", "number", "review_on", "client__case_manager_id", "client__case_manager__language")
    )
    return [
        _reminder(
            kind=Kind.PLAN_REVIEW, client_id=client_id, due_on=review_on,
            title=_titled(language, gettext_lazy("Review care plan version %(number)s (review due %(day)s)"),
                          {"number": number, "day": review_on.isoformat()}),
            subject_type="careplans.CarePlan", subject_id=plan_id, assignee_id=case_manager_id,
        )
        for plan_id, client_id, number, review_on, case_manager_id, language in rows
    ]


def _plan_signature_candidates(now: datetime) -> list[Reminder]:
    """Plans sent for signatures more than 7 days ago and not yet signed. Due 7 days after sending."""
    from careplans.models import CarePlan

    wait = timedelta(days=PLAN_SIGNATURES_WAIT_DAYS)
    rows = (
        CarePlan.objects.filter(status=CarePlan.Status.AWAITING, sent_for_signatures_at__lte=now - wait)
        .exclude(client__status="discharged")
        .order_by()
        .values_list(
            "pk", "client_id", "number", "sent_for_signatures_at", "client__case_manager_id",
            "client__case_manager__language",
        )
    )
    return [
        _reminder(
            kind=Kind.PLAN_SIGNATURES, client_id=client_id, due_on=_local_day(sent + wait),
            title=_titled(language, gettext_lazy("Care plan version %(number)s sent for signatures on %(day)s is not signed yet"),
                          {"number": number, "day": _local_day(sent).isoformat()}),
            subject_type="careplans.CarePlan", subject_id=plan_id, assignee_id=case_manager_id,
        )
        for plan_id, client_id, number, sent, case_manager_id, language in rows
    ]


def _reassessment_candidates(today: date) -> list[Reminder]:
    """The latest result of each instrument whose interval has run out. Due on the day it ran out."""
    from assessments.instruments import UnknownInstrument, get_instrument
    from assessments.selectors import reassessments_due

    agency = AgencySettings.load()
    rows = reassessments_due(today).order_by().values_list(
        "pk", "client_id", "instrument", "administered_on", "client__case_manager_id", "client__case_manager__language"
    )
    candidates = []
    for response_id, client_id, code, given_on, case_manager_id, language in rows:
        try:
            instrument = get_instrument(code)
        except UnknownInstrument:  # a definition since removed: nothing to give again
            continue
        candidates.append(_reminder(
            kind=Kind.REASSESSMENT, client_id=client_id,
            due_on=given_on + timedelta(days=agency.reassessment_interval(instrument)),
            title=_titled(language, gettext_lazy("Give the %(instrument)s again (last given %(day)s)"),
                          {"instrument": instrument.short_name, "day": given_on.isoformat()}),
            subject_type="assessments.InstrumentResponse", subject_id=response_id, assignee_id=case_manager_id,
        ))
    return candidates


def _unsigned_note_candidates(now: datetime) -> list[Reminder]:
    """Draft notes started more than 24 hours ago, for their author. Due 24 hours after the draft began."""
    age = timedelta(hours=UNSIGNED_NOTE_HOURS)
    labels = dict(ProgressNote.ContactType.choices)
    rows = (
        ProgressNote.objects.drafts()
        .filter(created_at__lte=now - age)
        .exclude(client__status="discharged")
        .order_by()
        .values_list("pk", "client_id", "author_id", "created_at", "contact_at", "contact_type", "author__language")
    )
    return [
        _reminder(
            kind=Kind.UNSIGNED_NOTE, client_id=client_id, due_on=_local_day(created + age),
            title=_unsigned_note_title(language, labels.get(contact_type, contact_type), _local_day(contact_at)),
            subject_type="caseload.ProgressNote", subject_id=note_id, assignee_id=author_id,
        )
        for note_id, client_id, author_id, created, contact_at, contact_type, language in rows
    ]


def _unsigned_note_title(language: str | None, contact_label, day: date) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _("Sign the note of the %(contact)s on %(day)s") % {
            "contact": str(contact_label).lower(), "day": day.isoformat()}


def referral_follow_up_candidates(today: date, now: datetime) -> list[Reminder]:
    """Open referrals without an update for REFERRAL_FOLLOW_UP_DAYS (7 by default), for the case manager.

    One query. Due that many days after the last change of status, so the key is stable from one sweep
    to the next, and a new step (the partner answering, the case manager closing it) makes the old
    reminder's cause go: the sweep closes it, and a later silence makes a new one.
    """
    from django.conf import settings

    from referrals.models import OPEN_STATUSES, Referral

    days = settings.REFERRAL_FOLLOW_UP_DAYS
    rows = (
        Referral.objects.filter(status__in=OPEN_STATUSES, status_changed_at__lte=now - timedelta(days=days))
        .exclude(client__status="discharged")
        .order_by()
        .values_list("pk", "client_id", "client__case_manager_id", "status_changed_at", "service__name")
    )
    return [
        _reminder(
            kind=Kind.REFERRAL_FOLLOW_UP, client_id=client_id, due_on=_local_day(changed) + timedelta(days=days),
            title=_("Follow up the referral to %(service)s: no update for %(days)s days") % {
                "service": service, "days": days},
            subject_type="referrals.Referral", subject_id=referral_id, assignee_id=case_manager_id,
        )
        for referral_id, client_id, case_manager_id, changed, service in rows
    ]


def _now_for(today: date | None) -> tuple[date, datetime]:
    """The sweep's day, and the moment it runs: a given day is swept at the current time of day."""
    now = timezone.now()
    if today is None:
        return timezone.localdate(now), now
    local = timezone.localtime(now)
    return today, datetime.combine(today, local.time(), tzinfo=local.tzinfo)


def sweep(today: date | None = None) -> int:
    """Make the reminders that are due, close those whose cause has gone; returns how many were made.

    Set-based: the same queries for 3 clients or 5,000. Fourteen at most (one read per kind of
    reminder, one of the agency settings when they are not cached, one of the open reminders, the
    highest id and a count around the insert, three UPDATEs, one audit entry), plus the INSERT … ON
    CONFLICT DO NOTHING of the new rows: one per 4,000 rows on PostgreSQL; SQLite takes 999
    parameters a statement, so Django splits it every 71 rows there. A run that makes nothing needs
    neither the insert nor the two reads around it. Safe to run twice and concurrently: the unique
    key refuses a second row. The number returned is exact when one sweep runs at a time; two at
    once may each count the other's rows.
    """
    return sweep_details(today).created


def sweep_details(today: date | None = None) -> SweepResult:
    from clients.models import Client

    today, now = _now_for(today)

    # Discharged clients' reminders go first, so nothing below counts them as open. The reason is stored in
    # the agency's language, whatever language the process that runs the sweep was last left in.
    dismissed = Reminder.objects.filter(status=Reminder.Status.OPEN, client__status=Client.Status.DISCHARGED).update(
        status=Reminder.Status.DISMISSED, dismiss_reason=_titled(None, gettext_lazy("The client was discharged."), {}), closed_at=now,
    )

    candidates: dict[str, Reminder] = {}
    for row in [
        *_no_contact_candidates(today, now),
        *_plan_review_candidates(today),
        *_plan_signature_candidates(now),
        *_reassessment_candidates(today),
        *_unsigned_note_candidates(now),
        *referral_follow_up_candidates(today, now),
    ]:
        candidates.setdefault(row.key, row)

    open_swept = dict(
        Reminder.objects.filter(status=Reminder.Status.OPEN, kind__in=SWEPT_KINDS).order_by().values_list("key", "pk")
    )
    new = [row for key, row in candidates.items() if key not in open_swept]
    created = 0
    if new:
        before = Reminder.objects.aggregate(last=Max("pk"))["last"] or 0
        Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=INSERT_BATCH)
        created = Reminder.objects.filter(pk__gt=before, kind__in=SWEPT_KINDS).count()

    gone = [pk for key, pk in open_swept.items() if key not in candidates]
    closed = 0
    if gone:
        closed = Reminder.objects.filter(pk__in=gone, status=Reminder.Status.OPEN).update(
            status=Reminder.Status.DONE, closed_at=now,
        )
    reassigned = reminders_follow_case()
    audit.record(
        action="update",
        summary=f"reminder sweep {today.isoformat()}: {created} made, {closed} closed (cause gone), "
                f"{dismissed} dismissed (discharged), {reassigned} moved to the current case manager",
    )
    return SweepResult(created=created, closed=closed, dismissed=dismissed, reassigned=reassigned)


def reminders_follow_case(client_ids: Iterable | None = None) -> int:
    """Give open reminders to the client's current case manager, in one UPDATE; returns how many moved.

    The case's reminders (no contact, plan review and signatures, reassessment) always follow the
    case; an event's reminder (a follow-up) follows it when nobody has it or it is with a former case
    manager of the client. An unsigned note stays with its author. The sweep calls this every day;
    a transfer may call it for one client to move them at once.
    """
    from clients.models import Client

    current = Client.objects.filter(pk=OuterRef("client_id")).values("case_manager_id")[:1]
    former = Assignment.objects.filter(
        client_id=OuterRef("client_id"), case_manager_id=OuterRef("assignee_id"), ended_at__isnull=False
    )
    moving = (
        Reminder.objects.filter(status=Reminder.Status.OPEN, client__case_manager__isnull=False)
        .exclude(kind=Kind.UNSIGNED_NOTE)
        .exclude(assignee_id=F("client__case_manager_id"))
        .filter(Q(kind__in=CASE_KINDS) | Q(assignee__isnull=True) | Exists(former))
    )
    if client_ids is not None:
        moving = moving.filter(client_id__in=client_ids)
    return moving.update(assignee_id=Subquery(current))


# --- people closing reminders ---------------------------------------------------------------------


def _locked_open(reminder: Reminder) -> Reminder:
    locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if locked.status != Reminder.Status.OPEN:
        raise ValidationError(_("This task is already closed."))
    return locked


def _copy_back(reminder: Reminder, locked: Reminder) -> Reminder:
    for name in ("status", "snoozed_until", "dismiss_reason", "closed_at", "closed_by_id"):
        setattr(reminder, name, getattr(locked, name))
    return reminder


@transaction.atomic
def reminder_complete(reminder: Reminder, by) -> Reminder:
    """Mark a task done."""
    locked = _locked_open(reminder)
    locked.status = Reminder.Status.DONE
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    return _copy_back(reminder, locked)


def snooze_limits(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today + timedelta(days=1), today + timedelta(days=MAX_SNOOZE_DAYS)


@transaction.atomic
def reminder_snooze(reminder: Reminder, by, until: date) -> Reminder:
    """Hide a task until a later day (tomorrow at the earliest, 90 days at the most)."""
    first, last = snooze_limits()
    if until is None:
        raise ValidationError({"until": _("Give the day the task should come back.")})
    if until < first:
        raise ValidationError({"until": _("Choose a day after today.")})
    if until > last:
        raise ValidationError({"until": _("Choose a day within %(days)s days.") % {"days": MAX_SNOOZE_DAYS}})
    locked = _locked_open(reminder)
    locked.snoozed_until = until
    locked.save(update_fields=["snoozed_until"])
    return _copy_back(reminder, locked)


@transaction.atomic
def reminder_dismiss(reminder: Reminder, by, reason: str) -> Reminder:
    """Close a task that does not need doing, with the reason (kept with the task and in the audit trail)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this task does not need doing.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    locked = _locked_open(reminder)
    locked.status = Reminder.Status.DISMISSED
    locked.dismiss_reason = reason
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["status", "dismiss_reason", "closed_at", "closed_by"])
    return _copy_back(reminder, locked)


# --- reads ----------------------------------------------------------------------------------------


def _due_window(today: date) -> Q:
    return Q(due_on__lte=today + timedelta(days=COMING_UP_DAYS)) | Q(
        kind=Kind.PLAN_REVIEW, due_on__lte=today + timedelta(days=PLAN_REVIEW_NOTICE_DAYS)
    )


def due_reminders(today: date):
    """Open reminders that belong on someone's list today (any assignee), not snoozed, open clients."""
    return (
        Reminder.objects.filter(status=Reminder.Status.OPEN, assignee__isnull=False)
        .filter(_due_window(today))
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .exclude(client__status="discharged")
    )


def _client_columns_not_shown() -> list[str]:
    """A task names its client (and the digest its number): the rest of the record stays in the database."""
    from clients.models import Client

    shown = {"id", "client_number", "preferred_name", "legal_given_name", "legal_family_name"}
    return [field.name for field in Client._meta.concrete_fields if field.name not in shown]


def _open_for(user, today: date):
    """The open reminders `user` sees on their list today, most urgent first, with `at_risk`."""
    from assessments.models import RiskFlag
    from clients.models import Client

    return (
        due_reminders(today)
        .filter(assignee=user, client__in=Client.objects.visible_to(user))
        .annotate(at_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("client_id"), cleared_at__isnull=True)))
        .order_by("-at_risk", "due_on", "kind", "pk")
    )


def open_reminders_for(user, today: date | None = None) -> list[Reminder]:
    """What is due for `user` today, most urgent first: clients with a risk flag, then the longest overdue.

    Open, due by today (a plan review from 14 days ahead, anything else from 3 days ahead), not
    snoozed past today, of clients `user` may see. One query; each row has `client`, `at_risk`,
    `days_overdue` and `days_to_go`.
    """
    today = today or timezone.localdate()
    rows = list(
        _open_for(user, today).select_related("client").defer(*(f"client__{name}" for name in _client_columns_not_shown()))
    )
    for row in rows:
        row.days_overdue = (today - row.due_on).days
        row.days_to_go = -row.days_overdue
    return rows


@dataclass(slots=True)
class TaskRow:
    """An open task as My tasks lists it: plain values rather than a Reminder and its client (a list holds a
    hundred tasks, and building two model instances for each cost more than the rest of the page)."""

    pk: int
    client_id: object
    client_name: str
    client_number: str
    kind: str
    title: str
    due_on: date
    at_risk: bool
    days_overdue: int
    days_to_go: int


def open_task_rows(user, today: date | None = None) -> list[TaskRow]:
    """`open_reminders_for`, in the same order, as `TaskRow`s."""
    from clients.models import Client

    today = today or timezone.localdate()
    values = _open_for(user, today).values_list(
        "pk", "client_id", "client__legal_given_name", "client__legal_family_name", "client__preferred_name",
        "client__client_number", "kind", "title", "due_on", "at_risk",
    )
    return [
        TaskRow(pk, client_id, Client.name_of(given, family, preferred), number, kind, title, due_on, at_risk,
                (today - due_on).days, (due_on - today).days)
        for pk, client_id, given, family, preferred, number, kind, title, due_on, at_risk in values
    ]


def group_reminders(reminders: list[Reminder], today: date) -> list[tuple[str, str, list[Reminder]]]:
    """(slug, heading, rows) for Overdue, Today and Coming up, keeping the order within each."""
    groups = [
        ("overdue", _("Overdue"), [r for r in reminders if r.due_on < today]),
        ("today", _("Today"), [r for r in reminders if r.due_on == today]),
        ("coming", _("Coming up"), [r for r in reminders if r.due_on > today]),
    ]
    return groups


def reminders_actionable_by(user):
    """Reminders `user` may see and change: of clients they may see, and theirs, or of a team they supervise.

    An administrator may act on any. Anything else is not found (404), like any record outside the scope.
    """
    from clients.models import Client

    visible = Reminder.objects.filter(client__in=Client.objects.visible_to(user))
    if user.is_administrator:
        return visible
    supervised = Team.supervisors.through.objects.filter(user_id=user.pk).values("team_id")
    return visible.filter(Q(assignee_id=user.pk) | Q(client__team_id__in=supervised))


def get_reminder_for_user(user, reminder_id) -> Reminder:
    """One reminder `user` may act on, with its client, else Http404 (never 403)."""
    from django.http import Http404

    try:
        return reminders_actionable_by(user).select_related("client").get(pk=reminder_id)
    except (Reminder.DoesNotExist, ValueError, TypeError):
        raise Http404("No such task") from None
