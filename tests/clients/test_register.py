from datetime import timedelta

from django.utils import timezone

from caseload.models import Assignment
from clients.models import Client, ClientStatusChange
from tests.factories import ClientFactory

NEW_CLIENT = {
    "legal_given_name": "Mads",
    "legal_family_name": "Jensen",
    "preferred_name": "",
    "pronouns": "he/him",
    "date_of_birth": "1991-03-14",
    "sex": "male",
    "preferred_language": "da",
    "interpreter_needed": "on",
    "phone": "+45 20 12 34 56",
    "referral_source": "Community mental health team",
    "status": "referred",
}


def test_it_registers_a_client_with_a_generated_number_and_assigns_them_to_me(login, case_manager, team_north):
    response = login(case_manager).post("/clients/new/", NEW_CLIENT)
    client = Client.objects.get()
    assert response.status_code == 302 and response.url == f"/clients/{client.pk}/"
    assert client.client_number.startswith("C") and len(client.client_number) == 7
    assert client.phone == "+4520123456"
    assert (client.case_manager, client.team, client.status) == (case_manager, team_north, "referred")
    assert Assignment.objects.get(client=client).case_manager == case_manager
    assert ClientStatusChange.objects.get(client=client).to_status == "referred"


def test_it_gives_every_client_a_different_number(login, case_manager):
    browser = login(case_manager)
    browser.post("/clients/new/", NEW_CLIENT)
    browser.post("/clients/new/", {**NEW_CLIENT, "legal_given_name": "Lars", "phone": "+45 30 00 00 00"})
    numbers = list(Client.objects.values_list("client_number", flat=True))
    assert len(set(numbers)) == 2


def test_it_keeps_what_was_typed_and_says_what_is_wrong(login, case_manager):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = login(case_manager).post(
        "/clients/new/", {**NEW_CLIENT, "date_of_birth": future, "phone": "call me", "email": "not-an-email"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Client.objects.exists()
    assert "The date of birth is in the future." in page
    assert "Use digits, spaces, dashes, brackets and a leading + only." in page
    assert "Enter a valid email address." in page
    assert 'value="Jensen"' in page and 'value="Community mental health team"' in page


def test_it_requires_the_names_and_date_of_birth(login, case_manager):
    response = login(case_manager).post("/clients/new/", {"status": "referred", "sex": "male", "preferred_language": "da"})
    form = response.context["form"]
    assert set(form.errors) >= {"legal_given_name", "legal_family_name", "date_of_birth"}


def test_it_warns_about_a_likely_duplicate_before_creating_a_second_record(login, case_manager, outsider):
    earlier = ClientFactory(legal_given_name="Mads", legal_family_name="Jensen", date_of_birth="1991-03-14",
                            status=Client.Status.DISCHARGED, case_manager=outsider, phone="+4599999999")
    response = login(case_manager).post("/clients/new/", {**NEW_CLIENT, "legal_given_name": "mads "})
    page = response.content.decode()
    assert Client.objects.count() == 1
    assert "This person may already have a record" in page
    assert earlier.client_number in page
    assert "Re-open this record" in page
    assert f"/clients/{earlier.pk}/" not in page  # not theirs to open


def test_it_dates_a_discharged_duplicate_by_its_discharge(login, case_manager, outsider):
    from clients.models import ClientStatusChange

    earlier = ClientFactory(legal_given_name="Mads", legal_family_name="Jensen", date_of_birth="1991-03-14",
                            status=Client.Status.DISCHARGED, case_manager=outsider)
    ClientStatusChange.objects.create(client=earlier, from_status="active", to_status="discharged",
                                      effective_date="2024-11-20", discharge_reason="moved")
    page = login(case_manager).post("/clients/new/", NEW_CLIENT).content.decode()
    assert "since 20 Nov 2024" in page and "Discharged discharged" not in page


def test_it_warns_about_a_record_with_the_same_phone(login, case_manager, client_b):
    response = login(case_manager).post("/clients/new/", {**NEW_CLIENT, "phone": client_b.phone})
    assert client_b.client_number in response.content.decode()
    assert Client.objects.count() == 1


def test_it_registers_a_different_person_with_the_same_name_once_confirmed(login, case_manager, outsider):
    ClientFactory(legal_given_name="Mads", legal_family_name="Jensen", date_of_birth="1991-03-14", case_manager=outsider)
    login(case_manager).post("/clients/new/", {**NEW_CLIENT, "confirm_new": "on"})
    assert Client.objects.filter(legal_family_name="Jensen").count() == 2


def test_it_reopens_the_earlier_record_instead_of_registering_again(login, case_manager, outsider):
    earlier = ClientFactory(legal_given_name="Mads", legal_family_name="Jensen", date_of_birth="1991-03-14",
                            status=Client.Status.DISCHARGED, case_manager=outsider)
    response = login(case_manager).post("/clients/new/", {**NEW_CLIENT, "reopen": str(earlier.pk)})
    earlier.refresh_from_db()
    assert response.url == f"/clients/{earlier.pk}/"
    assert Client.objects.count() == 1
    assert (earlier.status, earlier.case_manager) == ("referred", case_manager)
    change = earlier.status_changes.first()
    assert (change.from_status, change.to_status, change.changed_by) == ("discharged", "referred", case_manager)
    # What was typed at the new referral brings the old record up to date; the names that matched stay.
    assert (earlier.referral_source, earlier.phone, earlier.interpreter_needed) == (
        "Community mental health team", "+4520123456", True
    )
    assert earlier.legal_given_name == "Mads"


def test_it_reopens_only_a_record_that_matches_what_was_typed(login, case_manager, client_b):
    client_b.status = Client.Status.DISCHARGED
    client_b.save()
    response = login(case_manager).post("/clients/new/", {**NEW_CLIENT, "reopen": str(client_b.pk)})
    client_b.refresh_from_db()
    assert response.status_code == 404 and client_b.status == "discharged"


def test_it_lets_a_supervisor_choose_the_case_manager(login, supervisor, teammate):
    login(supervisor).post("/clients/new/", {**NEW_CLIENT, "case_manager": teammate.pk})
    assert Client.objects.get().case_manager == teammate


def test_it_refuses_a_case_manager_outside_the_supervisors_teams(login, supervisor, outsider):
    response = login(supervisor).post("/clients/new/", {**NEW_CLIENT, "case_manager": outsider.pk})
    assert "case_manager" in response.context["form"].errors and not Client.objects.exists()
