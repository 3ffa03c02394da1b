"""Individualized care plans: versions, goals with objectives and actions, the safety plan, signatures, PDFs.

A plan for a client is a chain of versions. Each version is a `CarePlan` row; reviewing the active
version creates the next draft from it. From the first signature on a version's content is frozen:
the services refuse to change it, the models refuse to save it, and database triggers refuse it too
(careplans/migrations/0002_freeze_signed_content.py). What is frozen is exactly what the signatures'
SHA-256 covers (careplans.content.plan_content). A goal's progress status is tracking, not content:
it moves on while the plan is active, without a new version.
"""

import base64
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited
from clients.models import ClientOwnedQuerySet


class PlanFrozen(Exception):
    """A version that has been signed (or is being signed) cannot change: make a new version."""


class CarePlanQuerySet(ClientOwnedQuerySet):
    def current(self):
        """The versions that count now: the active one, and any draft or version awaiting signatures."""
        return self.filter(status__in=[CarePlan.Status.DRAFT, CarePlan.Status.AWAITING, CarePlan.Status.ACTIVE])


class CarePlan(Audited, models.Model):
    """One version of a client's care plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting signatures")
        ACTIVE = "active", _("Active")
        SUPERSEDED = "superseded", _("Superseded")
        CLOSED = "closed", _("Closed")

    # The safety plan in the structure of Stanley & Brown's Safety Planning Intervention.
    SAFETY_FIELDS = [
        "warning_signs",
        "coping_strategies",
        "distractions",
        "help_contacts",
        "professional_contacts",
        "safe_environment",
        "reasons_for_living",
    ]
    CONTENT_FIELDS = ["title", "strengths", "client_summary", *SAFETY_FIELDS]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="care_plans")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions",
        help_text="The version this one was made from at a review.",
    )
    source_assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="care_plans"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    title = models.CharField(_("title"), max_length=150, default="", blank=True)
    client_summary = models.TextField(
        _("what matters to me"), blank=True,
        help_text=_("In the client's words: what they want their life to look like."),
    )
    strengths = models.TextField(_("strengths to build on"), blank=True, help_text=_("One per line."))
    warning_signs = models.TextField(
        _("warning signs"), blank=True,
        help_text=_("Thoughts, moods, situations or behaviours that show a crisis may be coming. One per line."),
    )
    coping_strategies = models.TextField(
        _("things I can do on my own"), blank=True,
        help_text=_("To take my mind off problems without contacting anyone: relaxation, activity … One per line."),
    )
    distractions = models.TextField(
        _("people and places that help me feel better"), blank=True,
        help_text=_("Who to be with, where to go, to take my mind off things. One per line."),
    )
    help_contacts = models.TextField(
        _("people I can ask for help"), blank=True, help_text=_("Name and phone number. One per line."),
    )
    professional_contacts = models.TextField(
        _("professionals and crisis lines"), blank=True,
        help_text=_("Case manager, doctor, crisis team, crisis line, emergency number. One per line."),
    )
    safe_environment = models.TextField(
        _("making my surroundings safe"), blank=True,
        help_text=_("How access to means of harm is limited, and who helps with that. One per line."),
    )
    reasons_for_living = models.TextField(
        _("reasons for living"), blank=True, help_text=_("What is most important to me and worth living for."),
    )

    cosignature_required = models.BooleanField(
        _("supervisor co-signs"), default=False, help_text=_("Copied from the team when the version is created.")
    )
    required_signers = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="Set when the version is sent for signatures: [{role, name, user, contact}] in signing order.",
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_for_signatures_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    review_on = models.DateField(_("review due"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("why the plan is closed"), max_length=300, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="one_plan_version_number_per_client"),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(status="active"), name="one_active_plan_per_client"
            ),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(status__in=["draft", "awaiting"]),
                name="one_plan_in_progress_per_client",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_on"])]

    def __str__(self) -> str:
        return str(_("Care plan version %(number)s") % {"number": self.number})

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding and self.frozen_at is not None:
            loaded = getattr(self, "_audit_loaded", {})
            changed = [name for name in self.CONTENT_FIELDS if name in loaded and loaded[name] != getattr(self, name)]
            if changed:
                raise PlanFrozen(f"signed content cannot change: {', '.join(changed)}")
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT and self.frozen_at is None

    @property
    def safety_plan_written(self) -> bool:
        """Anything of the safety plan is written (then pages show it)."""
        return any(getattr(self, name).strip() for name in self.SAFETY_FIELDS)

    @property
    def safety_plan_filled(self) -> bool:
        """Made with the client: their warning signs and at least one thing they can do or someone to turn to.

        The professional contacts alone do not make a safety plan (a new plan starts with the case
        manager's line already there).
        """
        own_steps = ("coping_strategies", "distractions", "help_contacts", "safe_environment", "reasons_for_living")
        return bool(self.warning_signs.strip()) and any(getattr(self, name).strip() for name in own_steps)

    def lines(self, field_name: str) -> list[str]:
        """A one-per-line field as its lines, without the empty ones."""
        return [line.strip() for line in getattr(self, field_name).splitlines() if line.strip()]

    @property
    def safety_sections(self) -> list[dict]:
        """The safety plan's steps in order, each with its label and lines (for pages and the PDF)."""
        return [
            {"name": name, "label": self._meta.get_field(name).verbose_name, "lines": self.lines(name)}
            for name in self.SAFETY_FIELDS
        ]

    @property
    def strength_lines(self) -> list[str]:
        return self.lines("strengths")


class Goal(Audited, models.Model):
    class Area(models.TextChoices):
        HOUSING = "housing", _("Housing")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        PHYSICAL_HEALTH = "physical_health", _("Physical health")
        MEDICATION = "medication", _("Medication")
        SUBSTANCE_USE = "substance_use", _("Alcohol and drugs")
        SAFETY = "safety", _("Safety")
        RELATIONSHIPS = "relationships", _("Family and relationships")
        PARENTING = "parenting", _("Parenting")
        WORK = "work", _("Work and education")
        MONEY = "money", _("Money and benefits")
        DAILY_LIVING = "daily_living", _("Daily living")
        COMMUNITY = "community", _("Community and leisure")
        LEGAL = "legal", _("Legal matters")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DISCONTINUED = "discontinued", _("Discontinued")

    CONTENT_FIELDS = ["area", "client_words", "description", "position"]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="goals")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    lineage = models.UUIDField(
        default=uuid.uuid4, editable=False,
        help_text="The same goal across versions: a review copies it with the same lineage.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(_("area of life"), max_length=20, choices=Area.choices)
    client_words = models.CharField(_("the goal in the client's words"), max_length=500)
    description = models.TextField(_("what it means in practice"), blank=True)
    source_item = models.ForeignKey(
        "assessments.AssessmentItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NOT_STARTED)
    status_reason = models.CharField(_("why"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "lineage"], name="goal_once_per_version")]

    def __str__(self) -> str:
        return self.client_words


class Objective(Audited, models.Model):
    """A measurable step towards a goal, with a target date."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="objectives")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("objective"), max_length=500)
    target_date = models.DateField(_("by when"), null=True, blank=True)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Action(Audited, models.Model):
    """A strategy or action: what is done, by whom, by when."""

    class Who(models.TextChoices):
        CLIENT = "client", _("The client")
        CASE_MANAGER = "case_manager", _("Case manager")
        FAMILY = "family", _("Family member or carer")
        PROVIDER = "provider", _("Outside provider")
        OTHER = "other", _("Someone else")

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="actions")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("action"), max_length=500)
    who = models.CharField(_("who does it"), max_length=15, choices=Who.choices)
    who_name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("For example the provider's name."))
    due_on = models.DateField(_("by when"), null=True, blank=True)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def who_label(self) -> str:
        return f"{self.get_who_display()}: {self.who_name}" if self.who_name else str(self.get_who_display())


class Signature(Audited, models.Model):
    """One signer's signature (or recorded refusal) on one version, over the SHA-256 of its content."""

    class Role(models.TextChoices):
        CLIENT = "client", _("Client")
        CASE_MANAGER = "case_manager", _("Case manager")
        GUARDIAN = "guardian", _("Guardian")
        NOMINATED_PERSON = "nominated_person", _("Nominated person")
        SUPERVISOR = "supervisor", _("Supervisor")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="signatures")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_signatures"
    )
    signer_contact = models.ForeignKey(
        "clients.ClientContact", on_delete=models.PROTECT, null=True, blank=True, related_name="plan_signatures"
    )
    printed_name = models.CharField(_("printed name"), max_length=200)
    meaning = models.CharField(_("meaning of signing"), max_length=300)
    declined = models.BooleanField(default=False)
    decline_reason = models.CharField(_("why not signed"), max_length=500, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    device = models.CharField(max_length=300, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The staff member whose tablet or session the signature was given on.",
    )
    content_hash = models.CharField(max_length=64)
    image_svg = models.TextField(blank=True)
    image_png = models.BinaryField(blank=True, default=b"")

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], name="one_signature_per_role_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.printed_name} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PlanFrozen("a signature is never changed")
        super().save(*args, **kwargs)

    @property
    def image_data_uri(self) -> str:
        """The drawn signature as an image address for pages and the PDF: never a URL of its own."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.image_svg.encode()).decode() if self.image_svg else ""


class PlanDocument(models.Model):
    """The PDF of a signed version: a status row first (the broker is not a database), the file last."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.OneToOneField(CarePlan, on_delete=models.PROTECT, related_name="document")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="careplans/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ClientOwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"PDF of {self.plan_id}: {self.status}"
