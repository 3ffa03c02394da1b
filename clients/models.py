import operator
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce

from django.conf import global_settings, settings
from django.core.cache import cache
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Concat, Upper
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseload.audit import Audited
from caseload.models import AgencySettings, Team

ADULT_AGE = 18
LANGUAGE_NAMES = dict(global_settings.LANGUAGES)
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def years_between(born: date, day: date) -> int:
    """Whole years from `born` to `day`: an age on that day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_date_of_birth(text: str) -> date | None:
    """A typed date in any of the forms staff use (ISO, or day first), else None."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _team_ids(user, membership) -> list[int]:
    """The ids of the teams `user` belongs to through `membership` (supervisors or members).

    A list of ids rather than a subquery lets PostgreSQL combine the two indexes of the scope
    (case manager, team) instead of scanning every client. The list is kept in the shared cache
    under the current membership version, which any change of any team's people moves on
    (caseload.signals), so a supervisor taken off a team loses its clients at once.
    """
    attribute = f"_team_ids_{membership._meta.model_name}"
    ids = getattr(user, attribute, None)
    if ids is None:
        key = f"team-ids:{membership._meta.model_name}:{user.pk}:{Team.membership_version()}"
        ids = cache.get(key)
        if ids is None:
            ids = list(membership.objects.filter(user_id=user.pk).values_list("team_id", flat=True))
            cache.set(key, ids, timeout=600)
        setattr(user, attribute, ids)
    return ids


class Acuity(models.TextChoices):
    """How much of a case manager's time a client needs now, lowest first."""

    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    CRISIS = "crisis", _("Crisis")


# What a row of a client table shows (includes/client_table.html): the rest of the record is not read.
# Fewer columns is less for Django to compile and less to build for every row.
CLIENT_ROW_FIELDS = (
    "id", "client_number", "legal_given_name", "legal_family_name", "preferred_name", "pronouns", "date_of_birth",
    "status", "preferred_language", "interpreter_needed",
)


@dataclass(frozen=True, slots=True)
class ScopeTerms:
    """What opens clients to a user (ClientQuerySet.visible_to): everyone, or their own plus these teams and grants."""

    everyone: bool
    teams: tuple = ()
    granted: tuple = ()


def scope_terms(user, *, emergency: bool = True) -> ScopeTerms | None:
    """The terms of `user`'s scope, or None when they see no client at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_administrator:
        return ScopeTerms(everyone=True)
    if user.is_supervisor:
        teams = _team_ids(user, Team.supervisors.through)
    else:
        agency = getattr(user, "_agency_settings", None)
        if agency is None:
            agency = user._agency_settings = AgencySettings.load()
        teams = _team_ids(user, Team.members.through) if agency.case_managers_see_team_clients else []
    # Break-the-glass: a client opened in an emergency, with a stated reason, until the grant runs out.
    granted = emergency_client_ids(user) if emergency else []
    return ScopeTerms(everyone=False, teams=tuple(teams), granted=tuple(granted))


def scope_q(owner, teams, granted) -> Q:
    """The clients carried by `owner`, or of one of `teams`, or in `granted`: values, or `Param`s to compile once."""
    scope = Q(case_manager_id=owner)
    if teams:
        scope |= any_of("team_id", teams)
    if granted:
        scope |= any_of("pk", granted)
    return scope


def any_of(field: str, values) -> Q:
    """`field IN (values)`; `Param`s as `field = …` terms, since Django prepares an IN list of a key as plain values."""
    if any(hasattr(value, "resolve_expression") for value in values):
        return reduce(operator.or_, (Q(**{field: value}) for value in values))
    return Q(**{f"{field}__in": list(values)})


SEARCH_WORDS = 5  # a search matches up to this many words


def search_terms(text: str) -> tuple[date | None, tuple[str, ...]]:
    """What a search looks for: a birth date, if the text is one, else its words."""
    text = (text or "").strip()
    if not text:
        return None, ()
    birth_date = parse_date_of_birth(text)
    if birth_date:
        return birth_date, ()
    return None, tuple(text.split()[:SEARCH_WORDS])


def search_q(birth_date, words) -> Q:
    """Clients born that day, or whose names or number hold every word: values, or `Param`s to compile once."""
    if birth_date is not None:
        return Q(date_of_birth=birth_date)
    # Capitalised by the database, as search_text is: the same rules for ø, é and ç on both sides.
    return reduce(operator.and_, (Q(search_text__contains=Upper(word if hasattr(word, "resolve_expression") else Value(word)))
                                  for word in words))


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user, *, emergency: bool = True):
        """The one scoping rule for client data.

        A case manager sees the clients assigned to them (and their teams' clients when the agency
        allows it), a supervisor the clients of the teams they supervise (and any they carry
        themselves), an administrator all. Everything else answers 404. `emergency=False` leaves out
        clients reached only through an emergency grant: reading is all such a grant allows, so
        moving clients between caseloads asks for the scope without it.
        """
        terms = scope_terms(user, emergency=emergency)
        if terms is None:
            return self.none()
        if terms.everyone:
            return self.all()
        return self.filter(scope_q(user.pk, terms.teams, terms.granted))

    def with_emergency_flag(self, user):
        """Mark each client `opened_in_emergency` when `user` holds a running emergency grant for it."""
        return self.annotate(opened_in_emergency=emergency_grant_held(user, "pk"))

    def open(self):
        return self.exclude(status=Client.Status.DISCHARGED)

    def search(self, text: str):
        """Match every word of `text` against names or the client number; a date matches the birth date."""
        birth_date, words = search_terms(text)
        if birth_date is None and not words:
            return self
        return self.filter(search_q(birth_date, words))


class ClientOwnedQuerySet(models.QuerySet):
    """For records that belong to one client: visible exactly when their client is."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))

    def with_emergency_flag(self, user):
        """Mark each record `opened_in_emergency` when `user` holds a running emergency grant for its client."""
        return self.annotate(opened_in_emergency=emergency_grant_held(user, "client_id"))


def emergency_grant_held(user, client_field: str):
    """An expression: True where `user` holds a running emergency grant for the client in `client_field`."""
    granted = [] if user.is_administrator else emergency_client_ids(user)  # an administrator sees every client anyway
    if not granted:
        return Value(False)
    return ExpressionWrapper(Q(**{f"{client_field}__in": granted}), output_field=BooleanField())


def emergency_grants_key(user_id) -> str:
    return f"emergency-grants:{user_id}"


def emergency_client_ids(user) -> list:
    """The clients `user` holds a running emergency grant for: almost always none.

    A list of ids, not a subquery: `case_manager = … OR id IN (SELECT …)` made PostgreSQL scan every
    client on every list and record, where a plain list (or nothing) lets it use the indexes of the
    scope. The grants are kept in the shared cache with their expiry, which is checked here on every
    use; a new or changed grant drops its holder's entry (clients.signals), so it counts at once.
    """
    grants = getattr(user, "_emergency_grants", None)
    if grants is None:
        key = emergency_grants_key(user.pk)
        grants = cache.get(key)
        if grants is None:
            grants = list(EmergencyAccess.objects.active().filter(user_id=user.pk).values_list("client_id", "expires_at"))
            cache.set(key, grants, timeout=600)
        user._emergency_grants = grants
    now = timezone.now()
    return [client_id for client_id, expires_at in grants if expires_at > now]


class Client(Audited, models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ACTIVE = "active", _("Active")
        DISCHARGED = "discharged", _("Discharged")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        INTERSEX = "intersex", _("Intersex")
        NOT_STATED = "not_stated", _("Not stated")

    # Status changes a case manager may make from each status; re-opening is discharged → referred/active.
    TRANSITIONS = {
        Status.REFERRED: [Status.ACTIVE, Status.DISCHARGED],
        Status.ACTIVE: [Status.DISCHARGED],
        Status.DISCHARGED: [Status.REFERRED, Status.ACTIVE],
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_number = models.CharField(_("client number"), max_length=20, unique=True, editable=False)

    legal_given_name = models.CharField(_("legal given name"), max_length=100)
    legal_family_name = models.CharField(_("legal family name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"), max_length=100, blank=True, help_text=_("What the client likes to be called.")
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(
        _("sex"),
        max_length=12,
        choices=Sex.choices,
        default=Sex.NOT_STATED,
        help_text=_("Used where a screening instrument has different cut-offs by sex."),
    )
    gender_identity = models.CharField(_("gender identity"), max_length=60, blank=True)

    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=global_settings.LANGUAGES, default="en"
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REFERRED)
    referral_source = models.CharField(
        _("referred by"), max_length=200, blank=True, help_text=_("Who referred the client, e.g. a hospital team or GP.")
    )

    advance_statement = models.TextField(
        _("advance statement"),
        blank=True,
        help_text=_("The client's own stated preferences for treatment and care, for a time they may be too unwell to say."),
    )
    advance_statement_updated_on = models.DateField(_("advance statement last reviewed"), null=True, blank=True)

    team = models.ForeignKey(
        "caseload.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="clients", verbose_name=_("team")
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("case manager"),
    )

    # How heavy the case is (caseload.acuity): derived from risk flags and the latest scores, unless the
    # case manager has set it with a reason (caseload.models.AcuityRating). Kept here so that a
    # dashboard counts levels with one GROUP BY instead of re-deriving them for 5,000 clients.
    acuity = models.CharField(_("acuity"), max_length=10, choices=Acuity.choices, default=Acuity.LOW, editable=False)
    acuity_derived = models.CharField(max_length=10, choices=Acuity.choices, default=Acuity.LOW, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Names and number in capitals, kept by the database: one column to search (with a trigram
    # index on PostgreSQL) instead of four case-insensitive comparisons per row.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "legal_given_name", Value(" "), "legal_family_name", Value(" "), "preferred_name", Value(" "),
                "client_number", output_field=models.CharField(),
            )
        ),
        output_field=models.CharField(max_length=330),
        db_persist=True,
    )

    objects = ClientQuerySet.as_manager()

    audit_client_field = None  # the client itself

    class Meta:
        ordering = ["legal_family_name", "legal_given_name"]
        indexes = [
            models.Index(fields=["legal_family_name", "legal_given_name", "date_of_birth"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["case_manager", "status"]),
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.client_number})"

    # Django's generated get_FOO_display rebuilds a dict of all choices on every call; lists show
    # these for every row, and the language list is long.
    def get_preferred_language_display(self) -> str:
        name = LANGUAGE_NAMES.get(self.preferred_language)
        return gettext(name) if name else self.preferred_language  # Django's catalogues name every language

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def full_name(self) -> str:
        return self.name_of(self.legal_given_name, self.legal_family_name, self.preferred_name)

    @staticmethod
    def name_of(given: str, family: str, preferred: str) -> str:
        """The name staff call the client by: the preferred name, if any, with the family name."""
        if preferred and preferred != given:
            return f"{preferred} {family}"
        return f"{given} {family}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_given_name} {self.legal_family_name}"

    def age_on(self, day: date) -> int:
        return years_between(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def is_minor(self) -> bool:
        return self.age < ADULT_AGE

    def allowed_status_changes(self) -> list[str]:
        return list(self.TRANSITIONS[self.status])

    def can_change_status_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class ClientStatusChange(Audited, models.Model):
    """The episode history: every move between referred, active and discharged."""

    class DischargeReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        TRANSFERRED = "transferred", _("Transferred to another service")
        MOVED = "moved", _("Moved out of the area")
        DECLINED = "declined", _("Client declined further service")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Client.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Client.Status.choices)
    effective_date = models.DateField(_("effective date"), default=timezone.localdate)
    discharge_reason = models.CharField(_("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    discharge_summary = models.TextField(_("discharge summary"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @property
    def is_reopening(self) -> bool:
        return self.from_status == Client.Status.DISCHARGED


class ClientContact(Audited, models.Model):
    """A person around the client: nominated person, family, carer, guardian, advocate."""

    class Role(models.TextChoices):
        NOMINATED_PERSON = "nominated_person", _("Nominated person")
        FAMILY = "family", _("Family member")
        CARER = "carer", _("Carer")
        GUARDIAN = "guardian", _("Guardian")
        ADVOCATE = "advocate", _("Advocate")
        OTHER = "other", _("Other support")

    ROLE_ORDER = [Role.NOMINATED_PERSON, Role.GUARDIAN, Role.CARER, Role.FAMILY, Role.ADVOCATE, Role.OTHER]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship to the client"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    consents_to_involvement = models.BooleanField(
        _("the client consents to this person's involvement"),
        default=False,
        help_text=_("Without consent, this person is consulted only if the client is under 18."),
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(default=True)
    ended_on = models.DateField(_("no longer involved from"), null=True, blank=True)
    end_reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_active", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @staticmethod
    def in_display_order(contacts) -> list:
        """Involved people first; among them the nominated person, guardian, carer, then the rest.

        Sorted here rather than with a CASE in SQL: a client has a handful of people, and Django
        takes longer to build the CASE than Python takes to sort them.
        """
        rank = {role: position for position, role in enumerate(ClientContact.ROLE_ORDER)}
        return sorted(contacts, key=lambda c: (not c.is_active, rank.get(c.role, len(rank)), c.name))

    @property
    def may_be_involved(self) -> bool:
        """A person around the client is consulted for a young person, or with the client's consent."""
        return self.is_active and (self.consents_to_involvement or self.client.is_minor)


class Dependant(Audited, models.Model):
    """Someone who depends on the client, most often a child, and the support the family needs."""

    class LivesWith(models.TextChoices):
        CLIENT = "client", _("With the client")
        OTHER_PARENT = "other_parent", _("With the other parent")
        RELATIVE = "relative", _("With a relative")
        FOSTER = "foster", _("In foster or residential care")
        INDEPENDENT = "independent", _("Independently")
        OTHER = "other", _("Elsewhere")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="dependants")
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=60, help_text=_("For example: daughter, son, stepson."))
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    lives_with = models.CharField(_("lives"), max_length=20, choices=LivesWith.choices, default=LivesWith.CLIENT)
    contact_arrangement = models.CharField(_("contact with the client"), max_length=250, blank=True)
    support_needed = models.TextField(_("support the family needs"), blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClientOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_active", "date_of_birth", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    @property
    def age(self) -> int | None:
        if not self.date_of_birth:
            return None
        return years_between(self.date_of_birth, timezone.localdate())


class ConsentQuerySet(ClientOwnedQuerySet):
    def in_force(self, on=None):
        """Signed, not revoked, and within its dates on `on` (now by default)."""
        today = timezone.localdate(on) if on else timezone.localdate()
        return self.filter(
            signed_at__isnull=False, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        )


class Consent(Audited, models.Model):
    """A release of information: what may be shared, with whom, why, for how long; signed by the client."""

    class Item(models.TextChoices):
        # The same keys as referrals.models.SharedItem: what a referral carries.
        CONTACT = "contact", _("Name, date of birth and contact details")
        REASON = "reason", _("Reason for referral")
        GOAL = "goal", _("The care-plan goal the referral serves")
        MENTAL_HEALTH = "mental_health", _("Mental health summary and risk")
        ASSESSMENTS = "assessments", _("Screening results")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    organization = models.ForeignKey(
        "referrals.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="consents",
        verbose_name=_("organization"),
    )
    recipient_person = models.CharField(
        _("or a person"), max_length=200, blank=True, help_text=_("A named person, when not an organization."),
    )
    items = models.JSONField(_("what may be shared"), default=list)
    covers_substance_use = models.BooleanField(
        _("covers substance-use information"), default=False,
        help_text=_("Specially protected: shared only when the client agrees to it here."),
    )
    purpose = models.CharField(_("for what purpose"), max_length=300)
    valid_from = models.DateField(_("from"), default=timezone.localdate)
    valid_until = models.DateField(_("until"))
    # The client's signature, given on the handed-over tablet (the care-plan signing).
    signed_at = models.DateTimeField(null=True, blank=True)
    printed_name = models.CharField(max_length=200, blank=True)
    image_svg = models.TextField(blank=True)
    image_png = models.BinaryField(blank=True, default=b"")
    content_hash = models.CharField(max_length=64, blank=True)
    witnessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.CharField(_("why revoked"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Release of information to %(recipient)s") % {"recipient": self.recipient}

    @property
    def recipient(self) -> str:
        return self.organization.name if self.organization_id else self.recipient_person

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if self.revoked_at:
            return "revoked"
        if not self.signed_at:
            return "unsigned"
        if self.valid_until < today:
            return "expired"
        if self.valid_from > today:
            return "not_yet"
        return "active"

    def get_state_display(self) -> str:
        return {
            "revoked": _("Revoked"), "unsigned": _("Waiting for the client's signature"), "expired": _("Expired"),
            "not_yet": _("Not yet in force"), "active": _("In force"),
        }[self.state]

    @property
    def is_in_force(self) -> bool:
        return self.state == "active"

    @property
    def item_labels(self) -> list[str]:
        labels = dict(self.Item.choices)
        return [str(labels.get(item, item)) for item in self.items]

    def content(self) -> dict:
        """What the client signs, canonical: its SHA-256 is kept with the signature."""
        return {
            "client": str(self.client_id), "organization": str(self.organization_id or ""),
            "person": self.recipient_person, "items": sorted(self.items),
            "substance_use": self.covers_substance_use, "purpose": self.purpose,
            "from": self.valid_from.isoformat(), "until": self.valid_until.isoformat(),
        }

    @property
    def image_data_uri(self) -> str:
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(self.image_svg.encode()).decode() if self.image_svg else ""
class EmergencyAccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now())

    def unreviewed(self):
        return self.filter(reviewed_at__isnull=True)


class EmergencyAccess(models.Model):
    """Break-the-glass: a member of staff opened a client outside their caseload, saying why.

    Honoured by `Client.objects.visible_to` until `expires_at`; the client's team supervisors are
    told, and one of them reviews it. Never changed except to record that review.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.CharField(_("reason"), max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")

    def __str__(self) -> str:
        return f"{self.user} → {self.client.client_number} at {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    def audit_client_id(self):
        return self.client_id
