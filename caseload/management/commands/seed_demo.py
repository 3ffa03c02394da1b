"""A believable agency to try the product with, and agency scale for the benchmark.

Safe to run twice: staff are matched by username, and clients are only added up to the number asked
for. Everything is written with bulk inserts, so 5,000 clients and 100 case managers take seconds.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from careplans.demo import seed_care_plans
from caseload import audit
from caseload.models import (
    AcuityRating,
    AgencySettings,
    Assignment,
    ProgressNote,
    Role,
    Team,
    TeamSnapshot,
    User,
)
from caseload.reminders import sweep
from clients.models import Client, ClientContact, ClientStatusChange, Dependant
from referrals.demo import seed_directory, seed_referral

DEMO_PASSWORD = "caseload-demo-2026"

TEAMS = [
    ("North Community Team", 50),
    ("South Community Team", 50),
    ("Assertive Outreach", 20),
    ("Early Intervention in Psychosis", 30),
]

SUPERVISORS = [
    ("helle.supervisor", "Helle", "Nørgaard"),
    ("marc.supervisor", "Marc", "Puig"),
    ("claire.supervisor", "Claire", "Dubois"),
    ("tom.supervisor", "Tom", "Whitfield"),
]

CASE_MANAGERS = [
    ("anna.cm", "Anna", "Lindqvist"),
    ("jonas.cm", "Jonas", "Kristensen"),
    ("laia.cm", "Laia", "Ferrer"),
    ("sophie.cm", "Sophie", "Martin"),
    ("david.cm", "David", "Okafor"),
    ("maria.cm", "Maria", "Santos"),
    ("peter.cm", "Peter", "Holm"),
    ("nuria.cm", "Núria", "Vidal"),
]

GIVEN = {
    "da": ["Mads", "Mette", "Søren", "Camilla", "Rasmus", "Line", "Jesper", "Sofie", "Anders", "Ida"],
    "ca": ["Jordi", "Montserrat", "Pau", "Mireia", "Oriol", "Laia", "Arnau", "Núria", "Marc", "Gemma"],
    "fr": ["Julien", "Camille", "Thomas", "Élodie", "Nicolas", "Manon", "Antoine", "Chloé", "Hugo", "Inès"],
    "en": ["James", "Emily", "Daniel", "Sarah", "Michael", "Jessica", "Ryan", "Hannah", "Liam", "Grace"],
}
FAMILY = {
    "da": ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"],
    "ca": ["Garcia", "Puig", "Soler", "Vila", "Serra", "Ferrer", "Roca", "Font"],
    "fr": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
    "en": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies"],
}
CITIES = {"da": "København", "ca": "Barcelona", "fr": "Lyon", "en": "Leeds"}
STREETS = {"da": "Nørrebrogade", "ca": "Carrer de Sants", "fr": "Rue Garibaldi", "en": "Harehills Lane"}
SOURCES = ["Inpatient ward discharge", "GP", "Self-referral", "Crisis team", "Community mental health team", "Police liaison"]
ADVANCE = [
    "If I become unwell I would like my sister to be told. I prefer olanzapine to haloperidol: haloperidol gave me stiffness.",
    "Please do not admit me to the ward on Nørrebro again if a home treatment team can visit instead.",
    "When I stop answering the phone, please visit: it means I am struggling, not that I want to be left alone.",
]


ACUITY_REASONS = {
    "moderate": ["Housing insecure; weekly contact needed", "Medication changed last month", "Lost his job"],
    "high": ["Recently discharged from hospital", "Eviction notice; daily contact this month",
             "Stopped medication; early warning signs"],
    "crisis": ["Crisis team involved this week", "Recent self-harm; seen every day"],
}

CONTACTS = [
    ("home_visit", "Met at home. The flat was tidy; he had been shopping.", "Mood steady, sleeping better. No risk indicators.",
     "Housing application together next week."),
    ("phone", "Called to check in after the GP appointment.", "Sounded calm; taking medication as prescribed.",
     "Home visit on Thursday."),
    ("video", "Video call; she showed me the new job advert.", "Motivated, some anxiety about the interview.",
     "Practise the interview at the next visit."),
    ("office", "Came to the office with his sister.", "Engaged; asked good questions about the care plan.",
     "Book the psychiatrist review."),
]


class Command(BaseCommand):
    help = "Create a demo agency (teams, staff, clients with the people around them). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=120, help="clients in the agency (default 120)")
        parser.add_argument("--managers", type=int, default=len(CASE_MANAGERS), help="case managers (default 8)")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, clients: int, managers: int, seed: int, **options):
        rng = random.Random(seed)
        with transaction.atomic():
            teams = self._teams()
            password = make_password(DEMO_PASSWORD)
            admin = self._staff("admin", "Alex", "Admin", Role.ADMINISTRATOR, password, superuser=True)
            supervisors = [
                self._staff(username, first, last, Role.SUPERVISOR, password)
                for username, first, last in SUPERVISORS
            ]
            for team, supervisor in zip(teams, supervisors, strict=True):
                team.supervisors.add(supervisor)
            case_managers = self._case_managers(managers, password, rng)
            for index, team in enumerate(teams):
                team.members.add(*case_managers[index :: len(teams)])
            self._former_client(teams[0])
            created = self._clients(clients, case_managers, teams, rng)
            anna = case_managers[0]
            seed_care_plans(Client.objects.filter(case_manager=anna, status=Client.Status.ACTIVE).order_by("client_number")[:6], anna)
            seed_directory()
            seed_referral(Client.objects.filter(case_manager=anna, status=Client.Status.ACTIVE)
                          .order_by("client_number").first(), anna)
            self._contacts(anna, rng)
            User.objects.filter(username="laia.cm", fte=Decimal("1.00")).update(fte=Decimal("0.60"))
            self._acuity(admin, rng)
            self._snapshots(teams, rng)
            audit.record(action="create", summary=f"demo data: {created} clients added", actor=admin)
        made = sweep()
        self.stdout.write(f"Reminders made by the daily sweep: {made}.")
        self.stdout.write(self.style.SUCCESS(f"Demo agency ready: {Client.objects.count()} clients, {len(case_managers)} case managers."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  admin             administrator")
        for username, *_ in SUPERVISORS[:2]:
            self.stdout.write(f"  {username:<17} supervisor")
        for username, *_ in CASE_MANAGERS[:3]:
            self.stdout.write(f"  {username:<17} case manager")

    def _contacts(self, case_manager: User, rng: random.Random) -> None:
        """Signed notes of past contacts for most of one case manager's clients, and one unfinished draft."""
        if ProgressNote.objects.filter(author=case_manager).exists():
            return
        now = timezone.now()
        clients = list(Client.objects.filter(case_manager=case_manager).open().order_by("client_number"))
        notes = []
        for index, client in enumerate(clients):
            if index % 5 == 4:
                continue  # some clients have not been seen yet
            for visit in range(rng.randint(1, 4)):
                when = now - timedelta(days=rng.randint(1, 40) + visit * 7, hours=rng.randint(0, 6))
                kind, data, assessment, plan = rng.choice(CONTACTS)
                notes.append(ProgressNote(
                    client=client, author=case_manager, contact_at=when, duration_minutes=rng.choice([20, 30, 45, 60]),
                    contact_type=kind, data=data, assessment=assessment, plan=plan, status=ProgressNote.Status.SIGNED,
                    signed_at=when + timedelta(hours=2), signed_name=case_manager.display_name,
                    signed_role=str(case_manager.get_role_display()), updated_by=case_manager,
                ))
        if clients:
            kind, data, assessment, plan = CONTACTS[0]
            notes.append(ProgressNote(client=clients[0], author=case_manager, contact_at=now - timedelta(hours=30),
                                      contact_type=kind, data=data, updated_by=case_manager))
        ProgressNote.objects.bulk_create(notes)

    def _acuity(self, admin: User, rng: random.Random) -> None:
        """Case managers' judgements of how heavy their cases are, so that loads differ as they do in life."""
        if AcuityRating.objects.exists():
            return
        active = Client.objects.filter(status=Client.Status.ACTIVE, case_manager__isnull=False).order_by("client_number")
        ratings, by_level = [], {}
        for client_id, case_manager_id in active.values_list("pk", "case_manager_id"):
            level = rng.choices(["low", "moderate", "high", "crisis"], weights=[55, 27, 14, 4])[0]
            if level == "low":
                continue
            by_level.setdefault(level, []).append(client_id)
            ratings.append(AcuityRating(client_id=client_id, level=level, reason=rng.choice(ACUITY_REASONS[level]),
                                        set_by_id=case_manager_id))
        AcuityRating.objects.bulk_create(ratings)
        for level, ids in by_level.items():
            Client.objects.filter(pk__in=ids).update(acuity=level)

    def _snapshots(self, teams: list[Team], rng: random.Random) -> None:
        """A year of monthly team snapshots, as the beat task would have taken them, ending near today's load."""
        if TeamSnapshot.objects.exists():
            return
        first_of_month = timezone.localdate().replace(day=1)
        rows = []
        for team in teams:
            members = list(team.members.all())
            fte = sum((member.fte for member in members), Decimal("0")) or Decimal("1")
            active = Client.objects.filter(case_manager__in=members, status=Client.Status.ACTIVE).count()
            month = first_of_month
            for _ in range(12):
                month = (month - timedelta(days=1)).replace(day=1)
                active = max(1, round(active * rng.uniform(0.93, 1.03)))  # caseloads grew over the year
                rows.append(TeamSnapshot(
                    team=team, month=month, case_managers=len(members), fte=fte,
                    active_clients=active, weighted_load=round(Decimal(active) * Decimal("1.35"), 2),
                ))
        TeamSnapshot.objects.bulk_create(rows, ignore_conflicts=True)

    def _former_client(self, team: Team) -> None:
        """A client discharged two years ago: registering him again shows the duplicate warning."""
        if Client.objects.filter(legal_given_name="Mads", legal_family_name="Jensen", date_of_birth=date(1991, 3, 14)).exists():
            return
        discharged = timezone.now() - timedelta(days=730)
        client = Client.objects.create(
            client_number=AgencySettings.allocate_client_numbers(1)[0], legal_given_name="Mads", legal_family_name="Jensen",
            date_of_birth=date(1991, 3, 14), sex=Client.Sex.MALE, pronouns="he/him", preferred_language="da",
            status=Client.Status.DISCHARGED, team=team, referral_source="Inpatient ward discharge",
        )
        ClientStatusChange.objects.create(
            client=client, from_status=Client.Status.ACTIVE, to_status=Client.Status.DISCHARGED,
            effective_date=discharged.date(), changed_at=discharged, discharge_reason=ClientStatusChange.DischargeReason.MOVED,
            discharge_summary="Moved to Aarhus; care handed over to the local community team.",
        )

    def _teams(self) -> list[Team]:
        teams = []
        for name, ratio in TEAMS:
            team, _ = Team.objects.get_or_create(name=name, defaults={"target_ratio": ratio})
            teams.append(team)
        return teams

    def _staff(self, username, first, last, role, password, superuser=False) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@agency.example",
                "role": role,
                "password": password,
                "is_staff": superuser,
                "is_superuser": superuser,
                "job_title": {Role.SUPERVISOR: "Team supervisor", Role.CASE_MANAGER: "Case manager"}.get(role, "Administrator"),
            },
        )
        return user

    def _case_managers(self, count: int, password: str, rng: random.Random) -> list[User]:
        named = [self._staff(u, f, last, Role.CASE_MANAGER, password) for u, f, last in CASE_MANAGERS[:count]]
        wanted = [f"cm{number:03d}" for number in range(len(named) + 1, count + 1)]
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        languages = list(GIVEN)
        User.objects.bulk_create(
            [
                User(
                    username=username,
                    first_name=rng.choice(GIVEN[lang := rng.choice(languages)]),
                    last_name=rng.choice(FAMILY[lang]),
                    email=f"{username}@agency.example",
                    role=Role.CASE_MANAGER,
                    password=password,
                    job_title="Case manager",
                    fte=rng.choice(["1.00", "1.00", "1.00", "0.80", "0.60"]),
                )
                for username in wanted
                if username not in existing
            ],
            batch_size=500,
        )
        return named + list(User.objects.filter(username__in=wanted).order_by("username"))

    def _clients(self, count: int, case_managers: list[User], teams: list[Team], rng: random.Random) -> int:
        missing = count - Client.objects.count()
        if missing <= 0:
            return 0
        team_of = {}
        for team in teams:
            for member_id in team.members.values_list("pk", flat=True):
                team_of.setdefault(member_id, team)
        numbers = AgencySettings.allocate_client_numbers(missing)
        today = timezone.localdate()
        now = timezone.now()
        languages = list(GIVEN)
        new_clients = []
        for index in range(missing):
            lang = rng.choices(languages, weights=[4, 2, 2, 3])[0]
            manager = case_managers[index % len(case_managers)] if rng.random() > 0.03 else None
            status = rng.choices(
                [Client.Status.ACTIVE, Client.Status.REFERRED, Client.Status.DISCHARGED], weights=[85, 8, 7]
            )[0]
            new_clients.append(
                Client(
                    client_number=numbers[index],
                    legal_given_name=rng.choice(GIVEN[lang]),
                    legal_family_name=rng.choice(FAMILY[lang]),
                    pronouns=rng.choice(["", "he/him", "she/her", "they/them"]),
                    date_of_birth=today - timedelta(days=rng.randint(18 * 365, 75 * 365)),
                    sex=rng.choice([Client.Sex.FEMALE, Client.Sex.MALE]),
                    phone=f"+{rng.randint(10, 99)}{rng.randint(10000000, 99999999)}",
                    address=f"{STREETS[lang]} {rng.randint(1, 180)}" if rng.random() > 0.1 else "",
                    city=CITIES[lang],
                    preferred_language=lang,
                    interpreter_needed=lang != "en" and rng.random() < 0.3,
                    status=status,
                    referral_source=rng.choice(SOURCES),
                    advance_statement=rng.choice(ADVANCE) if rng.random() < 0.2 else "",
                    case_manager=manager,
                    team=team_of.get(manager.pk) if manager else rng.choice(teams),
                )
            )
        Client.objects.bulk_create(new_clients, batch_size=1000)
        self._histories(new_clients, rng, now)
        return missing

    def _histories(self, clients: list[Client], rng: random.Random, now) -> None:
        assignments, changes, contacts, dependants = [], [], [], []
        for client in clients:
            started = now - timedelta(days=rng.randint(30, 900))
            changes.append(ClientStatusChange(client=client, to_status=Client.Status.REFERRED, changed_at=started,
                                              effective_date=started.date(), note="Registered"))
            if client.status != Client.Status.REFERRED:
                changes.append(ClientStatusChange(client=client, from_status=Client.Status.REFERRED,
                                                  to_status=Client.Status.ACTIVE, effective_date=started.date() + timedelta(days=7),
                                                  changed_at=started + timedelta(days=7)))
            if client.status == Client.Status.DISCHARGED:
                changes.append(ClientStatusChange(
                    client=client, from_status=Client.Status.ACTIVE, to_status=Client.Status.DISCHARGED,
                    effective_date=started.date() + timedelta(days=20), changed_at=started + timedelta(days=20),
                    discharge_reason=ClientStatusChange.DischargeReason.GOALS_MET,
                    discharge_summary="Stable on medication, housed, and linked with a peer support group.",
                ))
            if client.case_manager_id:
                assignments.append(Assignment(client=client, case_manager_id=client.case_manager_id, team=client.team,
                                              started_at=started, reason="Allocated at intake", notified_at=started))
            if rng.random() < 0.6:
                consent = rng.random() < 0.7
                contacts.append(ClientContact(
                    client=client, role=rng.choice([ClientContact.Role.NOMINATED_PERSON, ClientContact.Role.FAMILY, ClientContact.Role.CARER]),
                    name=f"{rng.choice(GIVEN[client.preferred_language])} {client.legal_family_name}",
                    relationship=rng.choice(["Sister", "Brother", "Mother", "Father", "Partner", "Friend"]),
                    phone=f"+{rng.randint(10, 99)}{rng.randint(10000000, 99999999)}",
                    consents_to_involvement=consent, consent_recorded_on=started.date() if consent else None,
                ))
            if rng.random() < 0.25:
                born = date(now.year - rng.randint(2, 16), rng.randint(1, 12), rng.randint(1, 28))
                dependants.append(Dependant(
                    client=client, name=rng.choice(GIVEN[client.preferred_language]), relationship=rng.choice(["Daughter", "Son"]),
                    date_of_birth=born, lives_with=rng.choice([Dependant.LivesWith.CLIENT, Dependant.LivesWith.OTHER_PARENT]),
                    contact_arrangement=rng.choice(["", "Every other weekend", "Supervised contact monthly"]),
                    support_needed=rng.choice(["", "Help with school transport", "Young carers group"]),
                ))
        ClientStatusChange.objects.bulk_create(changes, batch_size=2000)
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        ClientContact.objects.bulk_create(contacts, batch_size=2000)
        Dependant.objects.bulk_create(dependants, batch_size=2000)
