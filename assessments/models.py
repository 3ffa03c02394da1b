import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited
from clients.models import ClientOwnedQuerySet


class ProtectedAwareQuerySet(ClientOwnedQuerySet):
    """For records that may hold substance-use information under special protection (42 CFR Part 2)."""

    def shareable(self):
        """What may leave the agency without a consent that covers substance-use information."""
        return self.filter(protected_substance_use=False)


class InstrumentResponseQuerySet(ProtectedAwareQuerySet):
    def latest_per_instrument(self):
        """The most recent response to each instrument (PostgreSQL and SQLite alike)."""
        newest = (
            InstrumentResponse.objects.filter(client_id=models.OuterRef("client_id"), instrument=models.OuterRef("instrument"))
            .order_by("-administered_on", "-created_at")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))


class InstrumentResponse(Audited, models.Model):
    """One administration of a scored instrument (PHQ-9, GAD-7 …) with the answers and the result.

    The result is computed from the answers by the instrument's definition when the response is saved
    (assessments.services.instrument_record); it is kept with the row so that history and trend charts
    show what the case manager saw at the time, even if a definition is corrected later.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="instrument_responses")
    instrument = models.CharField(_("instrument"), max_length=30)
    answers = models.JSONField(_("answers"), default=dict)
    administered_on = models.DateField(_("administered on"), default=timezone.localdate)
    administered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    complete = models.BooleanField(default=False)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band_label = models.CharField(max_length=80, blank=True)
    severity = models.CharField(max_length=30, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    risk_findings = models.JSONField(default=list, blank=True)
    protected_substance_use = models.BooleanField(
        _("protected substance-use information"),
        default=False,
        help_text=_("Left out of anything shared outside the agency unless a consent covers it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        indexes = [models.Index(fields=["client", "instrument", "-administered_on"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on}: {self.summary}"

    @property
    def definition(self):
        from assessments.instruments import get_instrument

        return get_instrument(self.instrument)


class RiskFlagQuerySet(ClientOwnedQuerySet):
    def active(self):
        return self.filter(cleared_at__isnull=True)


class RiskFlag(Audited, models.Model):
    """A risk that must not stay buried in a form: shown on the client's header until a person clears it."""

    class Kind(models.TextChoices):
        SUICIDE = "suicide", _("Suicide risk")
        HARM_TO_OTHERS = "harm_to_others", _("Risk to others")
        SAFEGUARDING = "safeguarding", _("Safeguarding concern")
        OTHER = "other", _("Other risk")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="risk_flags")
    kind = models.CharField(_("kind of risk"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("why"), max_length=300)
    source_response = models.ForeignKey(
        InstrumentResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_flags"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(_("why it is cleared"), max_length=300, blank=True)
    supervisor_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["client", "cleared_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class Assessment(Audited, models.Model):
    """A comprehensive assessment on one occasion: draft until the assessor signs it, then locked."""

    class Occasion(models.TextChoices):
        INTAKE = "intake", _("Intake")
        REVIEW = "review", _("Review")
        DISCHARGE = "discharge", _("Discharge")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed and signed")

    SIGNING_MEANING = _("I carried out this assessment and this record is accurate and complete.")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="assessments")
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices, default=Occasion.INTAKE)
    assessed_on = models.DateField(_("date of the assessment"), default=timezone.localdate)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    signed_name = models.CharField(max_length=200, blank=True)
    signed_role = models.CharField(max_length=100, blank=True)
    signed_meaning = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [models.Index(fields=["client", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.assessed_on}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.COMPLETED


class DomainEntry(Audited, models.Model):
    """One domain of an assessment: structured answers (see assessments.domains) and a narrative."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="domain_entries")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=40)
    answers = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(blank=True)
    protected_substance_use = models.BooleanField(default=False)

    objects = ProtectedAwareQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="one_entry_per_domain")]

    def __str__(self) -> str:
        return self.domain


class AssessmentItem(Audited, models.Model):
    """A strength, a need, or a goal in the client's own words: what the care plan picks up."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        NEED = "need", _("Need")
        GOAL = "goal", _("Goal in the client's words")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="items")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    protected_substance_use = models.BooleanField(default=False)

    objects = ProtectedAwareQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "kind", "position"]

    def __str__(self) -> str:
        return self.text


class Participant(Audited, models.Model):
    """Someone who took part in an assessment, and whether the client consented to their involvement."""

    class Role(models.TextChoices):
        CLIENT = "client", _("The client")
        NOMINATED_PERSON = "nominated_person", _("Nominated person")
        FAMILY = "family", _("Family member")
        CARER = "carer", _("Carer")
        PROFESSIONAL = "professional", _("Other professional")
        INTERPRETER = "interpreter", _("Interpreter")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="participants")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=150)
    client_consented = models.BooleanField(_("the client consented to their involvement"), default=False)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class AssessmentAddendum(Audited, models.Model):
    """A dated correction or addition to a signed assessment; the original stays as it was."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="addenda")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("addendum"))

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Addendum {self.created_at:%Y-%m-%d}"
