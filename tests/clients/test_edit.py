from clients.models import Client
from tests.factories import verify_second_factor


def edit_data(browser, client, **changes):
    form = browser.get(f"/clients/{client.pk}/edit/").context["form"]
    data = {name: ("on" if value is True else value) for name, value in form.initial.items() if value not in (None, False)}
    data["date_of_birth"] = client.date_of_birth.isoformat() if hasattr(client.date_of_birth, "isoformat") else client.date_of_birth
    data.update(changes)
    return data


def test_it_saves_changes_and_shows_them_on_the_record(login, case_manager, client_a):
    browser = login(case_manager)
    data = edit_data(browser, client_a, preferred_name="Mikke", advance_statement="Call my sister Karen first.")
    response = browser.post(f"/clients/{client_a.pk}/edit/", data, follow=True)
    page = response.content.decode()
    assert "Mikke Sørensen" in page and "Call my sister Karen first." in page
    assert Client.objects.get().version == 2


def test_it_refuses_the_second_of_two_overlapping_edits_and_keeps_what_was_typed(login, case_manager, supervisor, client_a):
    mine = login(case_manager)
    my_data = edit_data(mine, client_a, city="Odense")
    # Meanwhile the supervisor opens and saves the same record.
    from django.test import Client as Browser

    theirs = Browser()
    theirs.force_login(supervisor)
    verify_second_factor(theirs, supervisor)
    their_data = edit_data(theirs, client_a, city="Aarhus")
    assert theirs.post(f"/clients/{client_a.pk}/edit/", their_data).status_code == 302

    response = mine.post(f"/clients/{client_a.pk}/edit/", my_data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Helle Nørgaard saved changes to this record" in page
    assert 'value="Odense"' in page
    assert Client.objects.get().city == "Aarhus"


def test_it_keeps_input_when_a_field_is_wrong(login, case_manager, client_a):
    browser = login(case_manager)
    response = browser.post(
        f"/clients/{client_a.pk}/edit/", edit_data(browser, client_a, email="nope", city="Vejle", legal_family_name="")
    )
    page = response.content.decode()
    assert "Enter a valid email address." in page and "This field is required." in page
    assert 'value="Vejle"' in page
    assert Client.objects.get().city == ""


def test_it_rejects_oversized_input_beside_the_field(login, case_manager, client_a):
    browser = login(case_manager)
    response = browser.post(f"/clients/{client_a.pk}/edit/", edit_data(browser, client_a, city="x" * 500))
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_it_escapes_hostile_input(login, case_manager, client_a):
    browser = login(case_manager)
    browser.post(f"/clients/{client_a.pk}/edit/", edit_data(browser, client_a, preferred_name="<script>alert(1)</script>"))
    page = browser.get(f"/clients/{client_a.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
