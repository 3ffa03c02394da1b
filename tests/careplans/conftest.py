"""A care plan as the scenario makes it: a client with a sister who may be involved, two goals, a safety plan."""

from datetime import date

import pytest
from django.db import connection

from careplans import services
from careplans.models import CarePlan
from careplans.signature_payload import CleanSignature
from tests.factories import ContactFactory

SIGNATURE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100">'
    '<path d="M 20 60 C 60 10 90 90 140 40 S 220 80 280 30" fill="none" stroke="black" stroke-width="2"/></svg>'
)


def a_signature() -> CleanSignature:
    return CleanSignature(svg=SIGNATURE_SVG, png=b"\x89PNG fake bytes for a stored image", width=300, height=100)


@pytest.fixture
def sister(client_a):
    return ContactFactory(client=client_a, name="Sofie Sørensen", role="nominated_person", consents_to_involvement=True)


def make_draft(client, by, goals: int = 2) -> CarePlan:
    plan = services.plan_start(client=client, by=by)
    plan = services.plan_save(
        plan=plan, by=by, expected_version=plan.version,
        values={"client_summary": "A home, and my daughter every other weekend.",
                "warning_signs": "Not sleeping\nStaying in bed all day",
                "help_contacts": "Sofie (sister) 20 11 22 33",
                "professional_contacts": "Crisis line 70 20 12 01",
                "reasons_for_living": "My daughter Emma"},
    )
    for number in range(goals):
        services.goal_save(
            plan=plan, by=by, expected_version=CarePlan.objects.get(pk=plan.pk).version, goal=None,
            values={"area": "relationships" if number == 0 else "housing",
                    "client_words": "I want to see my daughter every other weekend" if number == 0
                    else f"A flat of my own ({number})",
                    "description": ""},
            objectives=[{"text": "Contact arrangement agreed with Emma's mother", "target_date": date(2027, 1, 31)}],
            actions=[{"text": "Call the family counselling service", "who": "case_manager", "who_name": "",
                      "due_on": date(2026, 12, 15)}],
        )
    return CarePlan.objects.get(pk=plan.pk)


@pytest.fixture
def draft(client_a, case_manager, sister):
    return make_draft(client_a, case_manager)


@pytest.fixture
def awaiting(draft, case_manager):
    return services.plan_send_for_signatures(plan=draft, by=case_manager, expected_version=draft.version)


def sign_all(plan, case_manager):
    """The client and his sister sign on the tablet, then the case manager: the plan takes effect."""
    services.signature_record(plan=plan, role="client", witness=case_manager, device="test tablet", image=a_signature())
    services.signature_record(
        plan=plan, role="nominated_person", witness=case_manager, device="test tablet", image=a_signature()
    )
    services.signature_record(
        plan=plan, role="case_manager", witness=case_manager, signer_user=case_manager, device="test browser"
    )
    return CarePlan.objects.get(pk=plan.pk)


def bypassing_triggers(sql: str, params=()):
    """Run SQL the way someone with direct database access could: with the freeze triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'careplans_%'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(sql, params)
            for _name, create in triggers:
                cursor.execute(create)
