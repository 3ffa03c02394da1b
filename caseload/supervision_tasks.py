"""Background work of supervision: the dashboard as a PDF, and the teams' monthly snapshots.

The PDF follows the care plan's (careplans/tasks.py): the SupervisionReport row is the job and the
broker only carries the news. A message delivered twice finds the row READY and does nothing;
attempts are counted in the row and stop at MAX_ATTEMPTS whatever the broker does; the file is
written to a temporary name beside its place and moved in while the row is locked and not yet
READY. A report whose message was lost (or whose worker died) is sent again when its page asks for
its state: a report matters to the person waiting for it, and that person's page polls.

The snapshots are the dashboard's own team totals for the whole agency, one row per team per month;
beat takes them on the 1st at 02:00 (CELERY_BEAT_SCHEDULE). A second run in the same month adds
nothing (unique per team and month; INSERT … ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import logging
import os
from contextlib import suppress
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from caseload import outbox

# The care plan's PDF writer: staged beside its place, fsynced, renamed, the folder fsynced.
from caseload.files import local_path, save_through_storage, stage, sync_directory
from caseload.language import staff_language
from caseload.models import SupervisionReport, TeamSnapshot
from caseload.supervision import dashboard

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)
QUEUED_STALE = timedelta(minutes=2)
RENDERING_STALE = timedelta(minutes=10)

TEMPLATE = "caseload/supervision/report_pdf.html"
STYLESHEET = settings.BASE_DIR / "static" / "css" / "supervision_pdf.css"

Status = SupervisionReport.Status


# The report ---------------------------------------------------------------------------------------


@transaction.atomic
def report_queue(*, requested_by) -> SupervisionReport:
    """Ask for the dashboard as a PDF; the render is queued once the transaction commits.

    A report of the same person still queued or rendering is the answer: pressing twice makes one.
    """
    waiting = (
        SupervisionReport.objects.select_for_update()
        .filter(requested_by=requested_by, status__in=[Status.QUEUED, Status.RENDERING])
        .first()
    )
    if waiting is not None:
        return waiting
    report = SupervisionReport.objects.create(requested_by=requested_by)
    outbox.enqueue(render_supervision_report, str(report.pk))
    return report


def report_resend_if_stale(report: SupervisionReport) -> bool:
    """Send a report's render again if its message was lost or its worker died; give up on a spent one."""
    now = timezone.now()
    stale = (report.status == Status.QUEUED and report.queued_at < now - QUEUED_STALE) or (
        report.status == Status.RENDERING and report.started_at and report.started_at < now - RENDERING_STALE
    )
    if not stale:
        return False
    with transaction.atomic():
        # skip_locked: a row a render holds right now is not stale, whatever its times say.
        locked = SupervisionReport.objects.select_for_update(skip_locked=True).filter(pk=report.pk).first()
        if locked is None or locked.status not in (Status.QUEUED, Status.RENDERING):
            return False
        if locked.attempts >= SupervisionReport.MAX_ATTEMPTS:
            _give_up(locked)
            report.status = locked.status
            return False
        locked.status, locked.queued_at = Status.QUEUED, now
        locked.save(update_fields=["status", "queued_at"])
        outbox.enqueue(render_supervision_report, str(locked.pk))
    report.status, report.queued_at = Status.QUEUED, now
    return True


def report_file_name(report: SupervisionReport) -> str:
    return f"supervision/{report.pk}.pdf"


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=90,
    retry_jitter=True,
    max_retries=SupervisionReport.MAX_ATTEMPTS - 1,
)
def render_supervision_report(report_id: str) -> bool:
    """Render and store one report. Returns False if there was nothing to do."""
    report = _claim(report_id)
    if report is None:
        return False
    try:
        return _render_and_store(report)
    except Exception as exc:
        _record_failure(report_id, exc)
        raise


def _claim(report_id: str) -> SupervisionReport | None:
    """Count the attempt and mark the row RENDERING, committed before the (slow) render starts."""
    with transaction.atomic():
        report = SupervisionReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == Status.READY:
            return None
        if report.attempts >= SupervisionReport.MAX_ATTEMPTS:
            if report.status != Status.FAILED:
                _give_up(report)
            return None
        report.status = Status.RENDERING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    return report


def _render_and_store(report: SupervisionReport) -> bool:
    content = render_report_pdf_bytes(report)
    name = report_file_name(report)
    target = local_path(name)
    staged = stage(target, content) if target else None
    try:
        with transaction.atomic():
            locked = SupervisionReport.objects.select_for_update().get(pk=report.pk)
            if locked.status == Status.READY:
                return False  # another run finished first: its file is the one the row describes
            if staged:
                os.replace(staged, target)
                staged = None
                sync_directory(target)
            else:
                save_through_storage(name, content)
            locked.status = Status.READY
            locked.file.name = name
            locked.sha256 = hashlib.sha256(content).hexdigest()
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "file", "sha256", "error", "finished_at"])
    finally:
        if staged:
            with suppress(FileNotFoundError):
                os.unlink(staged)
    return True


def render_report_pdf_bytes(report: SupervisionReport) -> bytes:
    """The dashboard as its requester may see it now, as a PDF (landscape A4)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from caseload.supervision_views import dashboard_context

    with translation.override(staff_language(report.requested_by)):  # in the language of who asked for it
        context = dashboard_context(report.requested_by)
        context.update({"agency_name": settings.AGENCY_NAME, "report": report, "made_at": timezone.localtime()})
        html = render_to_string(TEMPLATE, context)
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=URLFetcher(allowed_protocols=["data"]))
    return document.write_pdf(stylesheets=[_stylesheet()])


@functools.cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET))


def _record_failure(report_id: str, exc: Exception) -> None:
    """QUEUED again if a retry may help and attempts remain, FAILED otherwise. Never raises."""
    try:
        with transaction.atomic():
            report = SupervisionReport.objects.select_for_update().get(pk=report_id)
            if report.status == Status.READY:
                return
            report.error = _describe(exc, report.attempts)
            if isinstance(exc, TRANSIENT_ERRORS) and report.attempts < SupervisionReport.MAX_ATTEMPTS:
                report.status = Status.QUEUED
                report.queued_at = timezone.now()
            else:
                report.status = Status.FAILED
                report.finished_at = timezone.now()
            report.save(update_fields=["status", "error", "queued_at", "finished_at"])
    except Exception:
        logger.exception("Could not record the failed render of supervision report %s", report_id)


def _describe(exc: Exception, attempt: int) -> str:
    """The kind of error only: a message may quote names."""
    kind = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        kind += " " + errno.errorcode[exc.errno]
    return f"{kind} on attempt {attempt} of {SupervisionReport.MAX_ATTEMPTS}"


def _give_up(report: SupervisionReport) -> None:
    report.status = Status.FAILED
    report.error = f"gave up after {report.attempts} attempts"
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])


# The monthly snapshots ----------------------------------------------------------------------------


class _WholeAgency:
    """Stands for no one in particular and sees every team, as an administrator does."""

    is_administrator = True


def _first_of_month(month) -> date:
    """Tasks travel as JSON: a month may arrive as an ISO string, or not at all (this month)."""
    if month is None:
        month = timezone.localdate()
    elif not isinstance(month, date):
        month = date.fromisoformat(month)
    return month.replace(day=1)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def take_team_snapshots(month: date | str | None = None) -> int:
    """One snapshot per team for `month` (default: this month), from the dashboard's team totals.

    Returns how many were made: none when the month's snapshots were already taken.
    """
    first = _first_of_month(month)
    board = dashboard(_WholeAgency())
    rows = [
        TeamSnapshot(
            team=team.team, month=first, case_managers=team.totals.case_managers, fte=team.totals.fte,
            active_clients=team.totals.active, weighted_load=team.totals.weighted,
        )
        for team in board.teams
    ]
    before = TeamSnapshot.objects.filter(month=first).count()
    TeamSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    made = TeamSnapshot.objects.filter(month=first).count() - before
    logger.info("Team snapshots for %s: %d made", first.isoformat(), made)
    return made
