from datetime import date

from clients.models import ClientContact, Dependant
from tests.factories import ClientFactory, ContactFactory, DependantFactory


def test_it_adds_a_nominated_person_with_consent_and_shows_them(login, case_manager, client_a):
    browser = login(case_manager)
    response = browser.post(
        f"/clients/{client_a.pk}/people/new/",
        {"role": "nominated_person", "name": "Karen Sørensen", "relationship": "Sister", "phone": "+45 40 11 22 33",
         "consents_to_involvement": "on"},
        follow=True,
    )
    assert response.redirect_chain, response.context["form"].errors
    contact = ClientContact.objects.get()
    assert contact.consent_recorded_on is not None and contact.phone == "+4540112233"
    page = response.content.decode()
    assert "Karen Sørensen" in page and "Client consents to involvement" in page


def test_it_marks_someone_without_consent_as_not_to_be_involved(login, case_manager, client_a):
    ContactFactory(client=client_a, name="Per Sørensen", relationship="Father", consents_to_involvement=False)
    page = login(case_manager).get(f"/clients/{client_a.pk}/").content.decode()
    assert "No consent: do not involve" in page


def test_it_involves_a_young_persons_family_without_consent(case_manager):
    young = ClientFactory(date_of_birth=date.today().replace(year=date.today().year - 16), case_manager=case_manager)
    parent = ContactFactory(client=young, role=ClientContact.Role.GUARDIAN, consents_to_involvement=False)
    adult_contact = ContactFactory(consents_to_involvement=False)
    assert parent.may_be_involved and not adult_contact.may_be_involved


def test_it_asks_why_someone_is_no_longer_involved_and_keeps_them_in_the_history(login, case_manager, client_a):
    contact = ContactFactory(client=client_a, name="Karen Sørensen")
    browser = login(case_manager)
    data = {"role": "nominated_person", "name": "Karen Sørensen", "relationship": "Sister", "version": contact.version}
    refused = browser.post(f"/clients/people/{contact.pk}/", data)
    assert "Say why this person is no longer involved." in refused.content.decode()
    browser.post(f"/clients/people/{contact.pk}/", {**data, "end_reason": "Client withdrew consent"})
    contact.refresh_from_db()
    assert not contact.is_active and contact.ended_on is not None and contact.end_reason == "Client withdrew consent"
    assert ClientContact.objects.count() == 1


def test_it_refuses_an_edit_made_over_someone_elses(login, case_manager, client_a):
    contact = ContactFactory(client=client_a, name="Karen Sørensen")
    data = {"role": "nominated_person", "name": "Karen S.", "relationship": "Sister", "is_active": "on", "version": contact.version}
    ClientContact.objects.filter(pk=contact.pk).update(version=contact.version + 1, name="Karen Holm")
    response = login(case_manager).post(f"/clients/people/{contact.pk}/", data)
    page = response.content.decode()
    assert "saved changes to this record" in page and 'value="Karen S."' in page
    contact.refresh_from_db()
    assert contact.name == "Karen Holm"


def test_it_records_a_dependant_and_the_support_the_family_needs(login, case_manager, client_a):
    response = login(case_manager).post(
        f"/clients/{client_a.pk}/dependants/new/",
        {"name": "Ellen", "relationship": "Daughter", "date_of_birth": "2019-06-01", "lives_with": "other_parent",
         "contact_arrangement": "Every other weekend", "support_needed": "Help arranging contact visits", "is_active": "on"},
        follow=True,
    )
    assert Dependant.objects.get().client == client_a
    page = response.content.decode()
    assert "Ellen" in page and "Every other weekend" in page and "Help arranging contact visits" in page


def test_it_edits_a_dependant(login, case_manager, client_a):
    dependant = DependantFactory(client=client_a)
    login(case_manager).post(
        f"/clients/dependants/{dependant.pk}/",
        {"name": "Ellen", "relationship": "Daughter", "lives_with": "client", "is_active": "on", "version": dependant.version},
    )
    dependant.refresh_from_db()
    assert dependant.lives_with == "client" and dependant.version == 2


def test_it_lists_the_nominated_person_first(login, case_manager, client_a):
    ContactFactory(client=client_a, name="Aaron Advocate", role=ClientContact.Role.ADVOCATE)
    ContactFactory(client=client_a, name="Zelda Nominated", role=ClientContact.Role.NOMINATED_PERSON)
    contacts = login(case_manager).get(f"/clients/{client_a.pk}/").context["contacts"]
    assert [c.name for c in contacts] == ["Zelda Nominated", "Aaron Advocate"]
