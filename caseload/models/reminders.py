"""Reminders: what a case manager must do, made by the daily sweep and by events; and the daily digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited


class Reminder(Audited, models.Model):
    """One thing to do. `key` (kind, subject, due date) is unique: a second sweep creates nothing twice."""

    class Kind(models.TextChoices):
        NO_CONTACT = "no_contact", _("No contact")
        PLAN_REVIEW = "plan_review", _("Care plan review")
        PLAN_SIGNATURES = "plan_signatures", _("Care plan waiting for signatures")
        REASSESSMENT = "reassessment", _("Reassessment due")
        UNSIGNED_NOTE = "unsigned_note", _("Unsigned progress note")
        FOLLOW_UP = "follow_up", _("Follow-up")
        REFERRAL_FOLLOW_UP = "referral_follow_up", _("Referral follow-up")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        DISMISSED = "dismissed", _("Dismissed")

    key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="reminders")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders", null=True, blank=True
    )
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    dismiss_reason = models.CharField(_("why dismissed"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["assignee", "status", "due_on"]), models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def make_key(kind: str, subject: str, due_on) -> str:
        return f"{kind}:{subject}:{due_on.isoformat()}"


class DigestDelivery(models.Model):
    """One morning digest per person per day: switched to "sending" by one conditional update, then "sent"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digests")
    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    items = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_per_day")]

    def __str__(self) -> str:
        return f"Digest {self.day} for {self.recipient_id}: {self.status}"
