"""Progress notes: one for every contact with or about a client; signed notes are final, corrected by addenda."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited
from clients.models import ClientOwnedQuerySet


class NoteLocked(Exception):
    """A signed note is never changed: corrections are addenda."""


class ProgressNoteQuerySet(ClientOwnedQuerySet):
    def signed(self):
        return self.filter(status=ProgressNote.Status.SIGNED)

    def drafts(self):
        return self.filter(status=ProgressNote.Status.DRAFT)


class ProgressNote(Audited, models.Model):
    class ContactType(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        OFFICE = "office", _("Office")
        COMMUNITY = "community", _("Community")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        COLLATERAL = "collateral", _("Collateral contact (family or a provider)")
        GROUP = "group", _("Group")
        ATTEMPTED = "attempted", _("Attempted contact / no-show")

    class Format(models.TextChoices):
        DAP = "dap", _("Data, assessment, plan")
        FREE = "free", _("Free text")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    # Contacts that count as reaching the client (an attempt or a call with family does not).
    CLIENT_CONTACT_TYPES = [ContactType.HOME_VISIT, ContactType.OFFICE, ContactType.COMMUNITY,
                            ContactType.PHONE, ContactType.VIDEO, ContactType.GROUP]
    CONTENT_FIELDS = [
        "contact_at", "duration_minutes", "contact_type", "location", "participants", "format",
        "data", "assessment", "plan", "free_text", "next_steps", "follow_up_on",
    ]
    SIGNING_MEANING = _("I had this contact and this note is an accurate and complete record of it.")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="progress_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_notes")
    contact_at = models.DateTimeField(_("date and time of the contact"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    contact_type = models.CharField(_("type of contact"), max_length=12, choices=ContactType.choices,
                                    default=ContactType.HOME_VISIT)
    location = models.CharField(_("location"), max_length=200, blank=True)
    participants = models.CharField(_("who took part"), max_length=300, blank=True,
                                    help_text=_("Besides you and the client, if they took part."))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.DAP)
    data = models.TextField(_("data"), blank=True, help_text=_("What you saw and heard; what the client said."))
    assessment = models.TextField(_("assessment"), blank=True,
                                  help_text=_("What it means: progress, risk, how the client is doing."))
    plan = models.TextField(_("plan"), blank=True, help_text=_("What happens next, and who does it."))
    free_text = models.TextField(_("note"), blank=True)
    goals = models.ManyToManyField("careplans.Goal", through="NoteGoal", blank=True, related_name="progress_notes",
                                   verbose_name=_("care plan goals addressed"))
    next_steps = models.TextField(_("next steps"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_name = models.CharField(max_length=200, blank=True, editable=False)
    signed_role = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    late_entry = models.BooleanField(_("late entry"), default=False, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProgressNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_at", "-created_at"]
        indexes = [
            models.Index(fields=["client", "-contact_at"]),
            models.Index(fields=["author", "status"]),
            # The supervision dashboard counts each case manager's contacts in the last 30 days.
            models.Index(fields=["author", "-contact_at"], name="note_author_contact_idx"),
            models.Index(fields=["status", "created_at"]),
            # Each client's last contact with the client (My caseload, a supervisor's view of a caseload, the
            # morning sweep's "no contact"): read from the index alone, not from the notes. The types are
            # CLIENT_CONTACT_TYPES (a test holds them equal).
            models.Index(
                fields=["client", "-contact_at"], name="note_client_contact_idx",
                condition=models.Q(contact_type__in=["home_visit", "office", "community", "phone", "video", "group"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} {self.contact_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_audit_loaded", None)
        if not self._state.adding and loaded and loaded.get("status") == self.Status.SIGNED:
            raise NoteLocked("a signed note is never changed")
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class NoteGoal(models.Model):
    """A care-plan goal a note addressed (rows of a signed note are frozen by the database)."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey("careplans.Goal", on_delete=models.PROTECT, related_name="note_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "goal"], name="goal_once_per_note")]

    def __str__(self) -> str:
        return f"{self.note_id} → {self.goal_id}"


class NoteAddendum(Audited, models.Model):
    """A dated correction or addition to a signed note, shown under the original."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="addenda")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("addendum"))

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Addendum {self.created_at:%Y-%m-%d}"
