"""The community resource directory, and referrals of clients to it with a closed-loop status history."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited
from clients.models import ClientOwnedQuerySet


class Category(models.TextChoices):
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    SUPPORT_GROUP = "support_group", _("Support group")
    PSYCHIATRY = "psychiatry", _("Psychiatry and medication")
    THERAPY = "therapy", _("Therapy")
    SUBSTANCE_USE = "substance_use", _("Substance use treatment")
    CRISIS_LINE = "crisis_line", _("Crisis line")
    BENEFITS = "benefits", _("Benefits and money")
    LEGAL = "legal", _("Legal and advocacy")
    PRIMARY_CARE = "primary_care", _("Primary care")
    FAMILY = "family", _("Family and children")


class Organization(models.Model):
    """An agency of the region's directory; `hsds_id` is its id in the Open Referral files it came from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hsds_id = models.CharField(_("directory id"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """Where an organization receives people (HSDS location with its physical address)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hsds_id = models.CharField(max_length=100, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.address, f"{self.postal_code} {self.city}".strip()) if part)


class ServiceQuerySet(models.QuerySet):
    def search(self, *, text: str = "", category: str = "", language: str = ""):
        result = self
        if category:
            result = result.filter(category=category)
        if language:
            result = result.filter(languages__contains=f",{language},")
        for word in (text or "").split()[:5]:
            result = result.filter(search_text__contains=word.upper())
        return result


class Service(models.Model):
    """What an organization offers; the thing a client is referred to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hsds_id = models.CharField(max_length=100, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services",
                                     verbose_name=_("organization"))
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="services")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    eligibility = models.TextField(_("who is eligible"), blank=True)
    # Language codes between commas (",da,en,"): a filter is one indexed-free LIKE on a short column.
    languages = models.CharField(_("languages served"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accepts_referrals = models.BooleanField(_("accepts referrals now"), default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["category", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.name})"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def language_names(self) -> list[str]:
        from clients.models import LANGUAGE_NAMES

        return [str(LANGUAGE_NAMES.get(code, code)) for code in self.language_codes]

    def set_languages(self, codes) -> None:
        codes = sorted({code.strip().lower() for code in codes if code.strip()})
        self.languages = f",{','.join(codes)}," if codes else ""

    def refresh_search_text(self) -> None:
        self.search_text = " ".join([self.name, self.description, self.eligibility, self.organization.name]).upper()


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent")


class SharedItem(models.TextChoices):
    """What a referral may carry to the receiving organization; a consent names which it covers."""

    CONTACT = "contact", _("Name, date of birth and contact details")
    REASON = "reason", _("Reason for referral")
    GOAL = "goal", _("The care-plan goal the referral serves")
    MENTAL_HEALTH = "mental_health", _("Mental health summary and risk")
    ASSESSMENTS = "assessments", _("Screening results")
    SUBSTANCE_USE = "substance_use", _("Substance-use information (specially protected)")


# Substance-use information is specially protected (42 CFR Part 2 style): it travels only under a
# consent that names it, and always with this notice.
REDISCLOSURE_NOTICE = _(
    "This information has been disclosed to you from records protected by federal confidentiality rules "
    "(42 CFR part 2). The federal rules prohibit you from making any further disclosure of information in "
    "this record that identifies a patient as having or having had a substance use disorder either directly, "
    "by reference to publicly available information, or through verification of such identification by "
    "another person unless further disclosure is expressly permitted by the written consent of the individual "
    "whose information is being disclosed or as otherwise permitted by 42 CFR part 2."
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("Waitlisted")
    APPOINTMENT_SET = "appointment_set", _("Appointment set")
    SERVICE_STARTED = "service_started", _("Service started")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


S = Status
# The next steps from each status (sending and re-opening have their own services).
TRANSITIONS = {
    S.DRAFT: [S.CLOSED],
    S.SENT: [S.ACKNOWLEDGED, S.ACCEPTED, S.DECLINED, S.WAITLISTED, S.CLOSED],
    S.ACKNOWLEDGED: [S.ACCEPTED, S.DECLINED, S.WAITLISTED, S.CLOSED],
    S.WAITLISTED: [S.ACCEPTED, S.DECLINED, S.APPOINTMENT_SET, S.CLOSED],
    S.ACCEPTED: [S.APPOINTMENT_SET, S.SERVICE_STARTED, S.CLOSED],
    S.APPOINTMENT_SET: [S.APPOINTMENT_SET, S.SERVICE_STARTED, S.CLOSED],
    S.SERVICE_STARTED: [S.COMPLETED, S.CLOSED],
    S.DECLINED: [],
    S.COMPLETED: [],
    S.CLOSED: [],
}
# What the receiving organization may set through its link.
PARTNER_STATUSES = [S.ACKNOWLEDGED, S.ACCEPTED, S.DECLINED, S.WAITLISTED, S.APPOINTMENT_SET, S.SERVICE_STARTED]
# Waiting on the partner or the client: these need an update every few days.
OPEN_STATUSES = [S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.WAITLISTED, S.APPOINTMENT_SET, S.SERVICE_STARTED]
ENDED_STATUSES = [S.DECLINED, S.COMPLETED, S.CLOSED]


class CloseReason(models.TextChoices):
    CLIENT_DECLINED = "client_declined", _("Client declined")
    NO_RESPONSE = "no_response", _("No response")
    OTHER = "other", _("Other")


class Referral(Audited, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service"))
    goal = models.ForeignKey("careplans.Goal", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals",
                             verbose_name=_("care-plan goal it serves"))
    reason = models.TextField(_("reason for referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    shared_items = models.JSONField(_("what is shared"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(default=timezone.now)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    consent = models.ForeignKey("clients.Consent", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="referrals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "-created_at"]), models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.get_status_display()}"

    @property
    def organization(self) -> Organization:
        return self.service.organization

    @property
    def next_statuses(self) -> list[str]:
        return TRANSITIONS[self.status]

    @property
    def can_reopen(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def shared_item_labels(self) -> list[str]:
        labels = dict(SharedItem.choices)
        return [str(labels[item]) for item in SharedItem.values if item in self.shared_items]


class ReferralEvent(Audited, models.Model):
    """One step of a referral's history: who (staff or the partner through its link), when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    close_reason = models.CharField(_("why closed"), max_length=20, choices=CloseReason.choices, blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    by_partner = models.CharField(max_length=200, blank=True, help_text="The organization, through its link.")
    at = models.DateTimeField(default=timezone.now)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @property
    def by_name(self) -> str:
        return self.by_user.display_name if self.by_user_id else self.by_partner


class Disclosure(Audited, models.Model):
    """Client information that left the agency: what, to whom, when, how and under which consent."""

    class Channel(models.TextChoices):
        REFERRAL = "referral", _("Referral sent")
        PARTNER_LINK = "partner_link", _("Partner link opened")
        LETTER = "letter", _("Referral letter downloaded")
        EMAIL = "email", _("Referral letter emailed")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="disclosures")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures")
    consent = models.ForeignKey("clients.Consent", on_delete=models.PROTECT, related_name="disclosures")
    recipient = models.CharField(_("to whom"), max_length=300)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    items = models.JSONField(_("what"), default=list)
    redisclosure_notice = models.BooleanField(default=False)
    disclosed_at = models.DateTimeField(default=timezone.now)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient}"

    @property
    def item_labels(self) -> list[str]:
        labels = dict(SharedItem.choices)
        return [str(labels.get(item, item)) for item in self.items]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PartnerLink(Audited, models.Model):
    """A one-time link for the receiving organization. Only the SHA-256 of its token is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="partner_links")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for referral {self.referral_id}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "used"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_usable(self) -> bool:
        return self.state == "active"


class ReferralLetter(models.Model):
    """The PDF of a referral letter: a status row first (the broker is not a database), the file last."""

    MAX_ATTEMPTS = 5

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="letter")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="referrals/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"letter of referral {self.referral_id}: {self.status}"


class ReferralEmail(models.Model):
    """One sending of the letter by email. `key` is unique: a request twice, or a task twice, sends once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        REFUSED = "refused", _("Not sent: no consent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    key = models.CharField(max_length=120, unique=True)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="emails")
    to = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"email of referral {self.referral_id} to {self.to}: {self.status}"
