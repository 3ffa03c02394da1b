"""Every main page passes axe at desktop size and on a touch tablet, and fits the screen's width.

The desktop run also takes the README's screenshots, so the agency here is built to look like a real
one: a North team with a few months of history, and the people around the clients.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.instruments import get_instrument
from assessments.models import InstrumentResponse
from careplans import services
from careplans.models import CarePlan
from caseload.models import Assignment, AuditEvent
from clients.models import Client, ClientContact, ClientStatusChange, Dependant
from tests.careplans.conftest import make_draft, sign_all

pytestmark = pytest.mark.browser

OFFICE = "10.20.4.12"
HOME_VISIT_VPN = "10.20.7.31"


def _at(days_ago: int, hour: int, minute: int):
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0) - timedelta(days=days_ago)


def _result(client, code: str, days_ago: int, by, answers: dict[str, int]) -> InstrumentResponse:
    result = get_instrument(code).score(answers, sex=client.sex)
    return InstrumentResponse(
        client=client, instrument=code, answers=answers, administered_on=_at(days_ago, 10, 0).date(), administered_by=by,
        complete=result.complete, total=result.total, band_label=result.band_label, severity=result.severity,
        summary=result.summary, created_at=_at(days_ago, 10, 30),
    )


def _client(number: int, given: str, family: str, born: date, **fields) -> Client:
    defaults = {
        "sex": Client.Sex.FEMALE,
        "preferred_language": "da",
        "status": Client.Status.ACTIVE,
        "city": "København",
        "referral_source": "GP",
    }
    return Client(
        client_number=f"C{number:06d}",
        legal_given_name=given,
        legal_family_name=family,
        date_of_birth=born,
        **{**defaults, **fields},
    )


@pytest.fixture
def agency(supervisor, case_manager, teammate, team_north):
    """The North Community Team as it stands today.

    Rows are bulk-inserted, which writes no audit entries, so that Mikkel Sørensen's access history
    can be written as it happened over four months rather than as one burst at test time.
    """
    anna, anton, helle = case_manager, teammate, supervisor
    north = {"team": team_north}
    mikkel = _client(
        1001, "Mikkel", "Sørensen", date(1989, 4, 2), sex=Client.Sex.MALE, pronouns="he/him",
        phone="+4531224780", email="mikkel.s@mail.example", address="Nørrebrogade 112, 3. th.", postal_code="2200",
        referral_source="Inpatient ward discharge, Bispebjerg Hospital", case_manager=anna,
        advance_statement="If I become unwell I would like my sister Louise to be told. Please visit at home "
        "before considering admission: a home treatment team has worked for me before.",
        advance_statement_updated_on=timezone.localdate() - timedelta(days=12), **north,
    )
    clients = [
        mikkel,
        _client(1002, "Camilla", "Nielsen", date(1994, 8, 19), pronouns="she/her", case_manager=anna, **north),
        _client(1003, "Montserrat", "Vila", date(1971, 2, 3), preferred_language="ca", interpreter_needed=True,
                case_manager=anna, **north),
        _client(1004, "Élodie", "Durand", date(1986, 12, 11), preferred_language="fr", pronouns="she/her",
                status=Client.Status.REFERRED, referral_source="Self-referral", case_manager=anna, **north),
        _client(1005, "Daniel", "Okafor", date(2001, 5, 30), preferred_name="Dani", pronouns="they/them",
                sex=Client.Sex.MALE, preferred_language="en", case_manager=anna, **north),
        _client(1006, "Rasmus", "Hansen", date(1979, 10, 7), sex=Client.Sex.MALE, status=Client.Status.REFERRED,
                referral_source="Crisis team", case_manager=anna, **north),
        _client(1007, "Grace", "Taylor", date(1958, 3, 22), preferred_language="en", case_manager=anna, **north),
        _client(1008, "Yasmin", "Haddad", date(1990, 1, 15), preferred_language="ar", interpreter_needed=True,
                case_manager=anna, **north),
        _client(1009, "Søren", "Pedersen", date(1966, 9, 1), sex=Client.Sex.MALE, case_manager=anton, **north),
        _client(1010, "Inès", "Petit", date(1998, 6, 24), preferred_language="fr", case_manager=anton, **north),
        _client(1011, "Oriol", "Serra", date(1983, 11, 2), sex=Client.Sex.MALE, preferred_language="ca",
                status=Client.Status.REFERRED, case_manager=anton, **north),
        _client(1012, "Jesper", "Larsen", date(1975, 4, 18), sex=Client.Sex.MALE, status=Client.Status.REFERRED,
                referral_source="Police liaison", **north),
        _client(1013, "Mads", "Jensen", date(1991, 3, 14), sex=Client.Sex.MALE, status=Client.Status.DISCHARGED, **north),
    ]
    Client.objects.bulk_create(clients)

    Assignment.objects.bulk_create(
        [
            Assignment(client=mikkel, case_manager=anton, team=team_north, started_at=_at(120, 10, 20),
                       ended_at=_at(60, 14, 2), assigned_by=helle, reason="Registered at intake"),
            Assignment(client=mikkel, case_manager=anna, team=team_north, started_at=_at(60, 14, 2), assigned_by=helle,
                       reason="Moved to Nørrebro; Anna covers the area and speaks with his GP weekly."),
        ]
        + [
            Assignment(client=client, case_manager=client.case_manager, team=team_north, started_at=_at(30 + index * 9, 11, 0),
                       assigned_by=helle, reason="Registered at intake")
            for index, client in enumerate(clients[1:], start=1)
            if client.case_manager
        ]
    )
    ClientStatusChange.objects.bulk_create(
        [
            ClientStatusChange(client=mikkel, from_status="", to_status=Client.Status.REFERRED, changed_by=anton,
                               effective_date=_at(120, 10, 14).date(), changed_at=_at(120, 10, 14), note="Registered"),
            ClientStatusChange(client=mikkel, from_status=Client.Status.REFERRED, to_status=Client.Status.ACTIVE,
                               changed_by=anton, effective_date=_at(110, 9, 0).date(), changed_at=_at(110, 9, 30),
                               note="First home visit; agreed to work together on housing and a daily routine."),
        ]
    )
    ClientContact.objects.bulk_create(
        [
            ClientContact(client=mikkel, role=ClientContact.Role.NOMINATED_PERSON, name="Louise Sørensen",
                          relationship="Sister", phone="+4540123456", consents_to_involvement=True,
                          consent_recorded_on=_at(120, 10, 16).date()),
            ClientContact(client=mikkel, role=ClientContact.Role.FAMILY, name="Kirsten Sørensen", relationship="Mother",
                          phone="+4526789012"),
            ClientContact(client=mikkel, role=ClientContact.Role.ADVOCATE, name="Peter Holm",
                          relationship="Independent advocate, Nørrebro Advocacy", consents_to_involvement=True,
                          consent_recorded_on=_at(40, 13, 0).date()),
        ]
    )
    Dependant.objects.bulk_create(
        [
            Dependant(client=mikkel, name="Ellen", relationship="Daughter", date_of_birth=date(2019, 6, 1),
                      lives_with=Dependant.LivesWith.OTHER_PARENT,
                      contact_arrangement="Every other weekend, and Wednesday afternoons",
                      support_needed="Help with getting to and from school on his weekends."),
        ]
    )
    # Four PHQ-9s since intake, easing from moderately severe to mild, and one GAD-7.
    InstrumentResponse.objects.bulk_create(
        [
            _result(mikkel, "phq9", 110, anton, {"1": 2, "2": 3, "3": 3, "4": 2, "5": 2, "6": 3, "7": 2, "8": 1, "9": 0}),
            _result(mikkel, "phq9", 80, anton, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 0}),
            _result(mikkel, "phq9", 45, anna, {"1": 2, "2": 1, "3": 2, "4": 2, "5": 1, "6": 2, "7": 1, "8": 0, "9": 0,
                                               "difficulty": 1}),
            _result(mikkel, "phq9", 12, anna, {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1, "6": 1, "7": 1, "8": 0, "9": 0,
                                               "difficulty": 1}),
            _result(mikkel, "gad7", 12, anna, {"1": 1, "2": 1, "3": 2, "4": 1, "5": 0, "6": 1, "7": 0}),
        ]
    )
    trail = [
        (120, 10, 14, anton, "create", "client", {"legal_given_name": 1, "legal_family_name": 1, "date_of_birth": 1}, OFFICE),
        (120, 10, 16, anton, "create", "client contact", {"name": 1, "role": 1}, OFFICE),
        (110, 9, 30, anton, "update", "client", {"status": 1}, HOME_VISIT_VPN),
        (60, 14, 2, helle, "create", "assignment", {"case_manager_id": 1}, OFFICE),
        (59, 8, 47, anna, "view", "client record", {}, OFFICE),
        (40, 13, 5, anna, "create", "client contact", {"name": 1, "role": 1}, HOME_VISIT_VPN),
        (31, 15, 20, anna, "create", "dependant", {"name": 1}, HOME_VISIT_VPN),
        (12, 11, 2, anna, "update", "client", {"advance_statement": 1, "advance_statement_updated_on": 1}, HOME_VISIT_VPN),
        (3, 9, 15, anna, "view", "client record", {}, OFFICE),
        (1, 16, 40, helle, "view", "client record", {}, OFFICE),
    ]
    for days_ago, hour, minute, actor, action, summary, changes, address in trail:
        AuditEvent.objects.create(
            at=_at(days_ago, hour, minute), actor=actor, actor_name=actor.display_name, action=action, client=mikkel,
            summary=summary, changes=changes, remote_addr=address,
        )
    return SimpleNamespace(anna=anna, helle=helle, mikkel=mikkel)


@pytest.fixture
def care_plans(agency):
    """Mikkel's plan in force (version 1, signed by him, his sister Louise and Anna, with its PDF) and the
    draft of version 2 that its review started; Camilla's first plan, waiting for signatures.

    Made through the services (so with audit entries) and only for the care plan pages: the other pages
    and their screenshots stay as the agency fixture made them.
    """
    anna, mikkel = agency.anna, agency.mikkel
    in_force = make_draft(mikkel, anna)
    in_force = sign_all(services.plan_send_for_signatures(plan=in_force, by=anna, expected_version=in_force.version), anna)
    review = services.plan_review_start(plan=in_force, by=anna)
    goal = review.goals.get(position=0)
    services.goal_save(
        plan=review, by=anna, expected_version=review.version, goal=goal,
        values={"area": goal.area, "client_words": "Emma every other weekend, and on Wednesday afternoons",
                "description": goal.description},
        objectives=list(goal.objectives.values("text", "target_date")),
        actions=list(goal.actions.values("text", "who", "who_name", "due_on")),
    )
    camilla = make_draft(Client.objects.get(client_number="C001002"), anna, goals=1)
    awaiting = services.plan_send_for_signatures(plan=camilla, by=anna, expected_version=camilla.version)
    assert (in_force.status, CarePlan.objects.get(pk=review.pk).status) == (CarePlan.Status.ACTIVE, CarePlan.Status.DRAFT)
    return {"plan": in_force.pk, "draft": review.pk, "awaiting": awaiting.pk}


@pytest.fixture
def referral_pages(agency, administrator):
    """A housing service, Mikkel's signed consent for it, his referral sent under it, and a partner link."""
    from referrals import services as referrals
    from tests.factories import ConsentFactory, OrganizationFactory, ServiceFactory

    agency.alex = administrator
    housing = ServiceFactory(organization=OrganizationFactory(name="Bolig Nord"), name="Bostøtte for voksne",
                             description="Help to find and keep a home", eligibility="Adults 18+",
                             search_text="BOSTØTTE FOR VOKSNE BOLIG NORD")
    consent = ConsentFactory(client=agency.mikkel, organization=housing.organization, created_by=agency.anna)
    referral = referrals.referral_create(client=agency.mikkel, service=housing, by=agency.anna, urgency="soon",
                                         reason="No stable housing since his discharge.", shared_items=["contact", "reason"])
    referral = referrals.referral_send(referral=referral, by=agency.anna)
    _link, token = referrals.partner_link_create(referral=referral, by=agency.anna)
    return {"service": housing.pk, "consent": consent.pk, "referral": referral.pk, "token": token}


@dataclass(frozen=True)
class MainPage:
    signed_in_as: str | None
    path: str
    heading: str
    screenshot: str | None = None
    care_plans: bool = False  # the path names {plan}, {draft} or {awaiting} of the care_plans fixture
    referrals: bool = False  # the path names {service}, {consent}, {referral} or {token} of referral_pages


MAIN_PAGES = {
    "login": MainPage(None, "/login/", "Sign in", screenshot="login"),
    "my caseload": MainPage("anna", "/", "My caseload"),  # its screenshot comes from test_notes.py
    "client list": MainPage("helle", "/clients/", "Clients", screenshot="client-list"),
    "client detail": MainPage("anna", "/clients/{mikkel}/", "Mikkel Sørensen", screenshot="client-detail"),
    "register": MainPage("anna", "/clients/new/", "Register a client", screenshot="register"),
    "edit": MainPage("anna", "/clients/{mikkel}/edit/", "Edit details"),
    "status change": MainPage("anna", "/clients/{mikkel}/status/", "Change status"),
    "add person": MainPage("anna", "/clients/{mikkel}/people/new/", "Add a person around the client"),
    "add dependant": MainPage("anna", "/clients/{mikkel}/dependants/new/", "Add a dependant"),
    "assign": MainPage("helle", "/clients/{mikkel}/assign/", "Transfer to another case manager", screenshot="assign"),
    "access history": MainPage("helle", "/clients/{mikkel}/access/", "Access history", screenshot="access-history"),
    "history": MainPage("anna", "/clients/{mikkel}/history/", "History"),
    "instruments": MainPage("anna", "/assessments/clients/{mikkel}/instruments/", "Screening instruments"),
    "instrument form": MainPage(
        "anna", "/assessments/clients/{mikkel}/instruments/phq9/", "Patient Health Questionnaire-9",
        screenshot="instrument-form",
    ),
    "instrument history": MainPage(
        "anna", "/assessments/clients/{mikkel}/instruments/phq9/history/", "Patient Health Questionnaire-9: history",
        screenshot="instrument-history",
    ),
    "care plans": MainPage("anna", "/careplans/clients/{mikkel}/", "Care plans", care_plans=True),
    "care plan start": MainPage("anna", "/careplans/clients/{mikkel}/new/", "Start a care plan"),
    "care plan": MainPage("anna", "/careplans/{plan}/", "Care plan, version 1", care_plans=True),
    "care plan edit": MainPage("anna", "/careplans/{draft}/edit/", "Care plan, version 2", care_plans=True),
    "care plan goal": MainPage("anna", "/careplans/{draft}/goals/new/", "Add a goal", care_plans=True),
    "care plan sign": MainPage(
        "anna", "/careplans/{awaiting}/sign/", "Sign care plan version 1 as Case manager", care_plans=True
    ),
    "care plan verify": MainPage("anna", "/careplans/{plan}/verify/", "Verify care plan version 1", care_plans=True),
    "care plan compare": MainPage("anna", "/careplans/{draft}/compare/", "Version 1 beside version 2", care_plans=True),
    "note form": MainPage("anna", "/notes/clients/{mikkel}/new/", "Record a contact"),
    "notes timeline": MainPage("anna", "/notes/clients/{mikkel}/", "Progress notes"),
    "my tasks": MainPage("anna", "/tasks/", "My tasks"),
    "supervision": MainPage("helle", "/supervision/", "Supervision", screenshot="supervision"),
    "directory": MainPage("anna", "/referrals/directory/?client={mikkel}", "Find a service for", referrals=True),
    "directory import": MainPage("alex", "/referrals/directory/import/", "Import the resource directory", referrals=True),
    "referral form": MainPage("anna", "/referrals/clients/{mikkel}/new/?service={service}", "Refer to", referrals=True),
    "referrals": MainPage("anna", "/referrals/clients/{mikkel}/", "Referrals", referrals=True),
    "referral": MainPage("anna", "/referrals/{referral}/", "Referral to Bostøtte for voksne", referrals=True),
    "consents": MainPage("anna", "/clients/{mikkel}/consents/", "Consents to share information", referrals=True),
    "consent form": MainPage("anna", "/clients/{mikkel}/consents/new/", "Record a consent to share information"),
    "consent": MainPage("anna", "/clients/consents/{consent}/", "Release of information to Bolig Nord", referrals=True),
    "disclosures": MainPage("anna", "/clients/{mikkel}/disclosures/", "Accounting of disclosures", referrals=True),
    "partner page": MainPage(None, "/partner/{token}/", "Referral to Bostøtte for voksne", referrals=True),
    "emergency access": MainPage("anna", "/clients/emergency-access/", "Emergency access to a client"),
    "emergency reviews": MainPage("helle", "/clients/emergency-access/reviews/", "Emergency access to review"),
    "confirm password": MainPage("helle", "/confirm-password/", "Confirm your password"),
    "profile": MainPage("anna", "/profile/", "Your settings"),
}


@pytest.mark.parametrize("screen", ["desktop", "tablet"])
@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_it_is_accessible_and_fits_the_screen(
    request, live_server, agency, signed_in, assert_accessible, screenshot, name, screen
):
    main_page = MAIN_PAGES[name]
    context = request.getfixturevalue("tablet" if screen == "tablet" else "context")
    page = context.new_page()
    ids = {"mikkel": agency.mikkel.pk, **(request.getfixturevalue("care_plans") if main_page.care_plans else {}),
           **(request.getfixturevalue("referral_pages") if main_page.referrals else {})}
    if main_page.signed_in_as:
        signed_in(page, getattr(agency, main_page.signed_in_as))

    response = page.goto(main_page.path.format(**ids))

    assert response.status == 200
    expect(page.get_by_role("heading", name=main_page.heading).first).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{name} scrolls sideways on the {screen}"
    )
    if screen == "tablet":
        assert page.evaluate("() => matchMedia('(pointer: coarse)').matches"), "the tablet should report a touch pointer"
        small = page.evaluate(
            """() => [...document.querySelectorAll('main .btn, main .form-control, main .form-select')]
                .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
                .map(el => el.outerHTML.slice(0, 80))"""
        )
        assert not small, f"touch targets under 44px on {name}: {small}"
        if main_page.signed_in_as:
            # At tablet width the menu folds behind a button; a tap must open it.
            page.get_by_role("button", name="Menu").tap()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            assert_accessible(page)
    if screen == "desktop" and main_page.screenshot:
        screenshot(page, main_page.screenshot)
