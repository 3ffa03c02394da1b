"""Staff, teams, agency settings, assignments, the audit trail and notices."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload import audit_chain
from caseload.audit import Audited


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A member of staff. Clients never log in: they use the case manager's tablet."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CASE_MANAGER)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    fte = models.DecimalField(
        _("FTE"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Full-time equivalent: 1.00 full time, 0.50 half time."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of your pages, dates and numbers. Clients see their own language on the tablet."),
    )

    # What display_name (and so str()) reads: a page that only names a member of staff loads these.
    NAME_FIELDS = ("first_name", "last_name", "username")

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def name_fields(cls, relation: str) -> tuple[str, ...]:
        """NAME_FIELDS through a relation, for `.only()`: `name_fields("author")` → author__first_name, …"""
        return tuple(f"{relation}__{name}" for name in cls.NAME_FIELDS)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_case_manager(self) -> bool:
        return self.role == Role.CASE_MANAGER

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser

    @property
    def can_assign_clients(self) -> bool:
        return self.is_supervisor or self.is_administrator

    @property
    def can_read_access_history(self) -> bool:
        return self.is_supervisor or self.is_administrator

    def needs_second_factor(self, agency: "AgencySettings | None" = None) -> bool:
        """Supervisors and administrators always sign in with a second factor; everyone when the agency says so."""
        if self.is_supervisor or self.is_administrator:
            return True
        agency = agency or AgencySettings.load()
        return agency.two_factor_for_everyone


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    target_ratio = models.PositiveSmallIntegerField(
        _("target caseload"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Clients per full-time case manager: 50 for a standard team, 20 for an intensive one."),
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervised_teams", blank=True, verbose_name=_("supervisors")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("case managers")
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("days without contact before a reminder"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    no_contact_days_at_risk = models.PositiveSmallIntegerField(
        _("days without contact before a reminder, for a client with a risk flag"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    plan_cosignature_required = models.BooleanField(
        _("a supervisor co-signs care plans"),
        default=False,
        help_text=_("On: a care plan of this team's clients takes effect only when a supervisor has signed it too."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ratio_label(self) -> str:
        return f"1:{self.target_ratio}"

    MEMBERSHIP_VERSION_KEY = "team-membership-version"

    @classmethod
    def membership_version(cls) -> int:
        """Moves on whenever anyone joins or leaves any team; cached team lists carry it in their key."""
        return cache.get_or_set(cls.MEMBERSHIP_VERSION_KEY, 1, timeout=None)

    @classmethod
    def membership_changed(cls) -> None:
        try:
            cache.incr(cls.MEMBERSHIP_VERSION_KEY)
        except ValueError:  # not in the cache (evicted or never read): any new value will do
            cache.set(cls.MEMBERSHIP_VERSION_KEY, int(timezone.now().timestamp()), timeout=None)


def default_acuity_weights() -> dict:
    return {"low": 1.0, "moderate": 1.5, "high": 2.0, "crisis": 3.0}


class AgencySettings(models.Model):
    """The agency's settings: one row, created on first use."""

    case_managers_see_team_clients = models.BooleanField(
        _("case managers see their team's clients"),
        default=False,
        help_text=_("Off: a case manager sees only the clients assigned to them."),
    )
    client_number_prefix = models.CharField(_("client number prefix"), max_length=6, default="C")
    reassessment_days = models.JSONField(
        _("reassessment intervals"),
        default=dict,
        blank=True,
        help_text=_('Days between administrations of an instrument, where the agency differs from the '
                    'instrument\'s default, e.g. {"phq9": 30, "auditc": 180}.'),
    )
    plan_review_days = models.PositiveSmallIntegerField(
        _("days until a care plan is reviewed"),
        default=90,
        validators=[MinValueValidator(14), MaxValueValidator(366)],
        help_text=_("A new care plan's review date is this many days after it takes effect."),
    )
    late_entry_hours = models.PositiveSmallIntegerField(
        _("hours after the contact when a note becomes a late entry"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    acuity_weights = models.JSONField(
        _("acuity weights"),
        default=default_acuity_weights,
        help_text=_('How many clients of ordinary need a client at each level counts as, e.g. '
                    '{"low": 1, "moderate": 1.5, "high": 2, "crisis": 3}.'),
    )
    two_factor_for_everyone = models.BooleanField(
        _("everyone signs in with a second factor"),
        default=False,
        help_text=_("Off: supervisors and administrators sign in with a code from an authenticator app. "
                    "On: case managers do too."),
    )
    next_client_number = models.PositiveIntegerField(default=1001, editable=False)

    CACHE_KEY = "agency-settings"

    class Meta:
        verbose_name = _("agency settings")
        verbose_name_plural = _("agency settings")

    def __str__(self) -> str:
        return str(_("Agency settings"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Every process reads the settings through the cache: drop the copy now, and again once the
        # change is committed, in case another request cached the old row in between.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))

    def clean(self):
        from assessments.instruments import UnknownInstrument, get_instrument

        weights = self.acuity_weights
        levels = set(default_acuity_weights())
        if not isinstance(weights, dict) or set(weights) != levels or not all(
            isinstance(value, (int, float)) and 0 < value <= 10 for value in weights.values()
        ):
            raise ValidationError({"acuity_weights": _(
                "Give a weight between 0 and 10 for each of low, moderate, high and crisis."
            )})
        if not isinstance(self.reassessment_days, dict):
            raise ValidationError({"reassessment_days": _("Give instrument codes and numbers of days.")})
        for code, days in self.reassessment_days.items():
            try:
                get_instrument(code)
            except UnknownInstrument:
                raise ValidationError({"reassessment_days": _("There is no instrument %(code)s.") % {"code": code}}) from None
            if not isinstance(days, int) or not 7 <= days <= 730:
                raise ValidationError({"reassessment_days": _("%(code)s: give a number of days between 7 and 730.") % {"code": code}})

    def reassessment_interval(self, instrument) -> int:
        return self.reassessment_days.get(instrument.code, instrument.reassess_days)

    @classmethod
    def load(cls) -> "AgencySettings":
        """The settings row, from the cache when it is there (every scoped page of a case manager reads it)."""
        row = cache.get(cls.CACHE_KEY)
        if row is None:
            row, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, row, timeout=300)
        return row

    @classmethod
    def allocate_client_numbers(cls, count: int = 1) -> list[str]:
        """Reserve `count` consecutive client numbers under a row lock (safe with concurrent intakes)."""
        with transaction.atomic():
            cls.objects.get_or_create(pk=1)
            row = cls.objects.select_for_update().get(pk=1)
            first = row.next_client_number
            row.next_client_number = first + count
            row.save(update_fields=["next_client_number"])
        return [f"{row.client_number_prefix}{number:06d}" for number in range(first, first + count)]


class Assignment(Audited, models.Model):
    """Who carries a client's case, and from when to when. The open row is the current one."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="assignments")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("case manager")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assignments", null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments_made", null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(ended_at__isnull=True), name="one_current_assignment_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_manager} from {self.started_at:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise PermissionDenied("Audit entries are chained one at a time.")

    def for_client(self, client):
        return self.filter(client=client)


class AuditEvent(models.Model):
    """One read or write of client data: who, what, which client, when, from where. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        SEARCH = "search", _("Searched")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Failed login")
        SIGN = "sign", _("Signed")
        HANDOVER = "handover", _("Tablet handed over or taken back")
        DOWNLOAD = "download", _("Downloaded")
        EMERGENCY = "emergency", _("Emergency access")
        SECURITY = "security", _("Security")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint on the two keys: checking one at commit takes a KEY SHARE lock on the
    # client's (or user's) row, and a transaction holding the chain head while waiting for a row that
    # another holds FOR UPDATE, whose owner waits for the chain head, is a deadlock. PROTECT still
    # keeps the rows from being deleted through the application, and nothing clinical is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events",
        db_constraint=False,
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The hash chain (caseload.audit_chain): place in the trail, the hash before, this entry's hash.
    sequence = models.BigIntegerField(unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.get_action_display()} {self.summary}"

    def save(self, *args, **kwargs):
        # Append-only: a row, once written, is never rewritten through the ORM.
        if not self._state.adding:
            raise PermissionDenied("Audit entries cannot be changed.")
        audit_chain.link(self, lambda: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")

    @property
    def changed_fields(self) -> list[str]:
        """The names (not the values) of the fields a change touched, as staff know them."""
        from django.apps import apps

        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except LookupError:
            model = None
        names = []
        for attname in self.changes:
            field = next((f for f in model._meta.concrete_fields if f.attname == attname), None) if model else None
            names.append(str(field.verbose_name) if field else attname.replace("_", " "))
        return sorted(names)  # PostgreSQL keeps JSON keys in its own order


class AuditChainHead(models.Model):
    """The end of the audit trail's hash chain: one row, locked by each transaction that appends."""

    sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=audit_chain.GENESIS_HASH)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.last_hash[:12]}"


class OutboxMessage(models.Model):
    """A task to send to the workers, written in the transaction of the change that asks for it.

    The broker may be down when that change commits: the row waits here until caseload.outbox
    relays it (at once after the commit, or on beat's next run). See caseload/outbox.py.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="outbox_unsent", condition=models.Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.task_name} ({'sent' if self.sent_at else 'waiting'})"


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(Audited, models.Model):
    """Something a member of staff must see, shown on their home page until they mark it read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text


class AcuityRating(Audited, models.Model):
    """A case manager's own judgement of a client's acuity, with the reason; it holds until withdrawn."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="acuity_ratings")
    level = models.CharField(_("acuity"), max_length=10, choices=[
        ("low", _("Low")), ("moderate", _("Moderate")), ("high", _("High")), ("crisis", _("Crisis")),
    ])
    reason = models.CharField(_("why"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-set_at"]
        constraints = [models.UniqueConstraint(fields=["client"], condition=models.Q(withdrawn_at__isnull=True),
                                               name="one_acuity_rating_in_force_per_client")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.reason}"


class TeamSnapshot(models.Model):
    """A team's load on the first of a month, taken by a beat task: the trend chart reads these."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="snapshots")
    month = models.DateField(help_text="The first day of the month.")
    case_managers = models.PositiveSmallIntegerField(default=0)
    fte = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    active_clients = models.PositiveIntegerField(default=0)
    weighted_load = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "month"]
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="one_snapshot_per_team_per_month")]

    def __str__(self) -> str:
        return f"{self.team} {self.month:%Y-%m}"

    @property
    def ratio(self) -> Decimal | None:
        """Active clients per full-time case manager."""
        return (Decimal(self.active_clients) / self.fte).quantize(Decimal("0.1")) if self.fte else None


class SupervisionReport(models.Model):
    """The dashboard as a PDF, rendered by a worker: a status row first, the file when it is made."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="supervision/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"Supervision report {self.queued_at:%Y-%m-%d %H:%M}: {self.status}"
