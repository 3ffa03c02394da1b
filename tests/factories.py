"""Test data. Build what a test needs here, never from JSON fixtures."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from caseload.models import AgencySettings, Assignment, Role, Team, User
from clients.models import Client, ClientContact, Dependant, EmergencyAccess

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@agency.example")
    role = Role.CASE_MANAGER
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                if self.role == Role.SUPERVISOR:
                    team.supervisors.add(self)
                else:
                    team.members.add(self)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    target_ratio = 50


class ClientFactory(DjangoModelFactory):
    """A client; pass case_manager= to assign them (with a matching assignment row)."""

    class Meta:
        model = Client
        skip_postgeneration_save = True

    client_number = factory.LazyFunction(lambda: AgencySettings.allocate_client_numbers(1)[0])
    legal_given_name = factory.Faker("first_name")
    legal_family_name = factory.Faker("last_name")
    date_of_birth = date(1990, 5, 17)
    sex = Client.Sex.MALE
    phone = factory.Sequence(lambda n: f"+4520{n:06d}")
    preferred_language = "da"
    status = Client.Status.ACTIVE
    case_manager = None
    team = factory.LazyAttribute(lambda client: client.case_manager.teams.first() if client.case_manager else None)

    @factory.post_generation
    def assignment(self, create, extracted, **kwargs):
        if create and self.case_manager_id:
            Assignment.objects.create(client=self, case_manager=self.case_manager, team=self.team, reason="intake")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory)
    role = ClientContact.Role.NOMINATED_PERSON
    name = factory.Faker("name")
    relationship = "Sister"
    consents_to_involvement = True


class DependantFactory(DjangoModelFactory):
    class Meta:
        model = Dependant

    client = factory.SubFactory(ClientFactory)
    name = "Ellen"
    relationship = "Daughter"
    date_of_birth = date(2019, 6, 1)
    lives_with = Dependant.LivesWith.OTHER_PARENT


class InstrumentResponseFactory(DjangoModelFactory):
    class Meta:
        model = "assessments.InstrumentResponse"

    client = factory.SubFactory(ClientFactory)
    instrument = "phq9"
    answers = factory.LazyFunction(lambda: {str(n): 1 for n in range(1, 10)})  # PHQ-9 item keys
    administered_by = factory.LazyAttribute(lambda response: response.client.case_manager or UserFactory())
    complete = True
    total = 9
    band_label = "Mild"
    severity = "mild"
    summary = "9 — Mild"


class RiskFlagFactory(DjangoModelFactory):
    class Meta:
        model = "assessments.RiskFlag"

    client = factory.SubFactory(ClientFactory)
    kind = "suicide"
    reason = "PHQ-9 item 9 answered 'Several days'"
    raised_by = factory.LazyAttribute(lambda flag: flag.client.case_manager or UserFactory())


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = "assessments.Assessment"

    client = factory.SubFactory(ClientFactory)
    occasion = "intake"
    assessor = factory.LazyAttribute(lambda assessment: assessment.client.case_manager or UserFactory())


class CarePlanFactory(DjangoModelFactory):
    """A draft care plan version."""

    class Meta:
        model = "careplans.CarePlan"

    client = factory.SubFactory(ClientFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Getting settled"
    client_summary = "A place of my own and time with my daughter."
    strengths = "Loves his daughter\nGood at fixing bikes"
    created_by = factory.LazyAttribute(lambda plan: plan.client.case_manager or UserFactory())
    updated_by = factory.SelfAttribute("created_by")


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = "careplans.Goal"

    plan = factory.SubFactory(CarePlanFactory)
    client = factory.SelfAttribute("plan.client")
    position = factory.Sequence(lambda n: n)
    area = "housing"
    client_words = factory.Sequence(lambda n: f"I want a place of my own ({n})")


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = "careplans.Objective"

    goal = factory.SubFactory(GoalFactory)
    client = factory.SelfAttribute("goal.client")
    text = "Apply to two housing associations"


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = "careplans.Action"

    goal = factory.SubFactory(GoalFactory)
    client = factory.SelfAttribute("goal.client")
    text = "Go with him to the housing office"
    who = "case_manager"


class ProgressNoteFactory(DjangoModelFactory):
    """A draft note of a home visit; pass status="signed" for a signed one."""

    class Meta:
        model = "caseload.ProgressNote"

    client = factory.SubFactory(ClientFactory)
    author = factory.LazyAttribute(lambda note: note.client.case_manager or UserFactory())
    contact_type = "home_visit"
    data = "Met at home. Flat tidy; he had slept better."
    assessment = "Mood lifting; no thoughts of self-harm today."
    plan = "Call the housing office together on Monday."


class ReminderFactory(DjangoModelFactory):
    """An open follow-up for the client's case manager, due today."""

    class Meta:
        model = "caseload.Reminder"

    client = factory.SubFactory(ClientFactory)
    kind = "follow_up"
    assignee = factory.LazyAttribute(lambda reminder: reminder.client.case_manager)
    subject_type = "clients.Client"
    subject_id = factory.LazyAttribute(lambda reminder: str(reminder.client.pk))
    title = "Call about the housing application"
    due_on = factory.LazyFunction(date.today)
    key = factory.LazyAttributeSequence(lambda reminder, n: f"{reminder.kind}:test-{n}:{reminder.due_on.isoformat()}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = "referrals.Organization"

    hsds_id = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Housing First {n}")
    email = "intake@housing.example"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = "referrals.Service"

    hsds_id = factory.Sequence(lambda n: f"svc-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Supported housing {n}")
    category = "housing"
    languages = ",da,en,"
    email = "referrals@housing.example"
    search_text = factory.LazyAttribute(lambda s: f"{s.name} {s.organization.name}".upper())


class ConsentFactory(DjangoModelFactory):
    """A signed consent in force for a year, covering contact details and the reason."""

    class Meta:
        model = "clients.Consent"

    client = factory.SubFactory(ClientFactory)
    organization = factory.SubFactory(OrganizationFactory)
    items = factory.LazyFunction(lambda: ["contact", "reason", "goal", "assessments"])
    purpose = "Referral for housing"
    valid_from = factory.LazyFunction(lambda: date.today())
    valid_until = factory.LazyFunction(lambda: date.today().replace(year=date.today().year + 1))
    signed_at = factory.LazyFunction(lambda: __import__("django.utils.timezone").utils.timezone.now())
    printed_name = "The client"
    created_by = factory.LazyAttribute(lambda c: c.client.case_manager or UserFactory())


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = "referrals.Referral"

    client = factory.SubFactory(ClientFactory)
    service = factory.SubFactory(ServiceFactory)
    reason = "Needs stable housing after discharge."
    shared_items = factory.LazyFunction(lambda: ["contact", "reason"])
    created_by = factory.LazyAttribute(lambda r: r.client.case_manager or UserFactory())
class EmergencyAccessFactory(DjangoModelFactory):
    class Meta:
        model = EmergencyAccess

    user = factory.SubFactory(UserFactory)
    client = factory.SubFactory(ClientFactory)
    reason = "Client in crisis at the front desk; their case manager is away"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=60))


def authenticator(user):
    """The user's confirmed authenticator app (made on first use), ready to accept the current code again."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    device.last_t = -1  # a test may sign the same person in twice within one 30-second step
    device.throttling_failure_count = 0
    device.save(update_fields=["last_t", "throttling_failure_count"])
    return device


def totp_code(device, *, at: float | None = None) -> str:
    """The code the user's phone shows now (or at `at`, seconds since the epoch)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


def verify_second_factor(browser, user) -> None:
    """Mark a Django test client's session as past the second factor (what the code page does)."""
    from caseload import two_factor

    session = browser.session
    session[two_factor.VERIFIED_USER] = user.pk
    session.save()
