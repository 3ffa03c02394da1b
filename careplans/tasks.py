"""Background work of care plans: the PDF of a signed version. Tasks take ids and are safe to run twice.

The PlanDocument row is the job; the broker only carries the news. A message the broker lost (or
never got: Redis was down when the plan was signed) is sent again by `requeue_stale_documents`, which
beat runs every minute. A message delivered twice finds the row READY and does nothing. A worker
killed mid-render leaves a RENDERING row that the sweep sends again after a while. Attempts are
counted in the row, so a document that keeps failing, or keeps killing its worker, stops at
PlanDocument.MAX_ATTEMPTS whatever the broker does.

The file is written under one name per version, to a temporary file first and moved into place
while the row is locked and not yet READY: once a row is READY, its file is never written again, so
the SHA-256 in the row stays the SHA-256 of the file.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from contextlib import suppress
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from careplans.models import CarePlan, PlanDocument
from careplans.pdf import render_plan_pdf_bytes
from caseload.files import local_path, save_through_storage, stage, sync_directory

logger = logging.getLogger(__name__)

# Worth another try: the disk, the file store or the database may be back in a moment.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)

# A queued document whose message has not been picked up in this time was lost by the broker (or
# never reached it). A render takes well under a second: one still RENDERING after ten minutes lost
# its worker.
QUEUED_STALE_SECONDS = 2 * 60
RENDERING_STALE_SECONDS = 10 * 60


def document_file_name(plan: CarePlan) -> str:
    """One name per version, so that a second render overwrites the file rather than adding one."""
    return f"careplans/{plan.client_id}/{plan.pk}-v{plan.number}.pdf"


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=10,
    retry_backoff_max=90,  # under QUEUED_STALE_SECONDS: the sweep need not step in for a retry
    retry_jitter=True,
    max_retries=PlanDocument.MAX_ATTEMPTS - 1,
)
def render_plan_pdf(document_id: str) -> bool:
    """Render and store the PDF of one signed version. Returns False if there was nothing to do."""
    document = _claim(document_id)
    if document is None:
        return False
    try:
        return _render_and_store(document)
    except Exception as exc:
        _record_failure(document_id, exc)
        raise


def _claim(document_id: str) -> PlanDocument | None:
    """Count the attempt and mark the row RENDERING, committed before the (slow) render starts."""
    with transaction.atomic():
        document = PlanDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == PlanDocument.Status.READY:
            return None
        if document.attempts >= PlanDocument.MAX_ATTEMPTS:
            if document.status != PlanDocument.Status.FAILED:
                _give_up(document)
            return None
        document.status = PlanDocument.Status.RENDERING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts"])
    return document


def _render_and_store(document: PlanDocument) -> bool:
    plan = CarePlan.objects.select_related("client").get(pk=document.plan_id)
    content = render_plan_pdf_bytes(plan)
    name = document_file_name(plan)
    target = local_path(name)
    staged = stage(target, content) if target else None
    try:
        with transaction.atomic():
            locked = PlanDocument.objects.select_for_update().get(pk=document.pk)
            if locked.status == PlanDocument.Status.READY:
                return False  # another run finished first: its file is the one the row describes
            if staged:
                os.replace(staged, target)
                staged = None
                sync_directory(target)
            else:
                save_through_storage(name, content)
            locked.status = PlanDocument.Status.READY
            locked.file.name = name
            locked.sha256 = hashlib.sha256(content).hexdigest()
            locked.size = len(content)
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "file", "sha256", "size", "error", "finished_at"])
    finally:
        if staged:
            with suppress(FileNotFoundError):
                os.unlink(staged)
    return True


def _record_failure(document_id: str, exc: Exception) -> None:
    """QUEUED again if a retry may help and attempts remain, FAILED otherwise. Never raises."""
    try:
        with transaction.atomic():
            document = PlanDocument.objects.select_for_update().get(pk=document_id)
            if document.status == PlanDocument.Status.READY:
                return
            document.error = _describe(exc, document.attempts)
            if isinstance(exc, TRANSIENT_ERRORS) and document.attempts < PlanDocument.MAX_ATTEMPTS:
                document.status = PlanDocument.Status.QUEUED
                document.queued_at = timezone.now()
            else:
                document.status = PlanDocument.Status.FAILED
                document.finished_at = timezone.now()
            document.save(update_fields=["status", "error", "queued_at", "finished_at"])
    except Exception:
        logger.exception("Could not record the failed render of plan document %s", document_id)


def _describe(exc: Exception, attempt: int) -> str:
    """The kind of error only: an exception's message may quote the client's data."""
    kind = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        kind += " " + errno.errorcode[exc.errno]
    return f"{kind} on attempt {attempt} of {PlanDocument.MAX_ATTEMPTS}"


def _give_up(document: PlanDocument) -> None:
    document.status = PlanDocument.Status.FAILED
    document.error = f"gave up after {document.attempts} attempts"
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "error", "finished_at"])


@shared_task
def requeue_stale_documents(
    queued_for_seconds: int = QUEUED_STALE_SECONDS, rendering_for_seconds: int = RENDERING_STALE_SECONDS
) -> int:
    """Send again the PDFs whose message was lost or whose worker died; give up on spent ones.

    Run every minute by beat (CELERY_BEAT_SCHEDULE). A document sent again counts as freshly
    queued, so a broker that keeps losing messages gets one per document per two minutes, not a pile.
    Returns how many documents were sent again.
    """
    now = timezone.now()
    stale = Q(status=PlanDocument.Status.QUEUED, queued_at__lt=now - timedelta(seconds=queued_for_seconds)) | Q(
        status=PlanDocument.Status.RENDERING, started_at__lt=now - timedelta(seconds=rendering_for_seconds)
    )
    with transaction.atomic():
        # skip_locked: a row a render holds right now is not stale, whatever its times say.
        document_ids = [
            str(pk)
            for pk in PlanDocument.objects.select_for_update(skip_locked=True)
            .filter(stale, attempts__lt=PlanDocument.MAX_ATTEMPTS)
            .values_list("pk", flat=True)
        ]
        if document_ids:
            PlanDocument.objects.filter(pk__in=document_ids).update(status=PlanDocument.Status.QUEUED, queued_at=now)
        spent = PlanDocument.objects.filter(stale, attempts__gte=PlanDocument.MAX_ATTEMPTS)
        spent.update(
            status=PlanDocument.Status.FAILED,
            error=f"gave up after {PlanDocument.MAX_ATTEMPTS} attempts",
            finished_at=now,
        )
    for document_id in document_ids:
        render_plan_pdf.delay(document_id)
    if document_ids:
        logger.info("Queued %d care-plan PDFs again", len(document_ids))
    return len(document_ids)
