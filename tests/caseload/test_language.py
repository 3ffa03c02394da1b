"""Staff work in their own language: a setting on their profile, a switcher in the navigation,
applied on every page and in what is sent to them; dates and numbers follow it."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation

from caseload.models import Assignment
from caseload.tasks import notify_assignment


def test_it_shows_a_signed_in_person_their_own_language_whatever_the_browser_asks(login, case_manager):
    case_manager.language = "da"
    case_manager.save()
    browser = login(case_manager)
    response = browser.get(reverse("caseload:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "Min sagsstamme" in page and "Mine opgaver" in page and "Log ud" in page
    assert "My caseload" not in page
    # The cookie follows, so the sign-in page after signing out is in Danish too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "da"


def test_it_saves_the_language_chosen_on_the_profile_page(login, case_manager):
    browser = login(case_manager)
    page = browser.get(reverse("caseload:profile")).content.decode()
    assert "Your settings" in page and "Anna Lindqvist" in page and 'value="fr"' in page
    response = browser.post(reverse("caseload:profile"), {"language": "fr"}, follow=True)
    case_manager.refresh_from_db()
    assert case_manager.language == "fr"
    page = response.content.decode()
    assert "Vos paramètres sont enregistrés." in page and "Ma file active" in page


def test_it_refuses_a_language_the_product_does_not_offer_beside_the_field(login, case_manager):
    response = login(case_manager).post(reverse("caseload:profile"), {"language": "xx"})
    case_manager.refresh_from_db()
    assert case_manager.language == "en"
    assert "Select a valid choice." in response.content.decode()


def test_the_switcher_keeps_the_choice_on_the_profile_and_returns_to_the_page(login, case_manager):
    browser = login(case_manager)
    page = browser.get(reverse("clients:list")).content.decode()
    assert 'action="/language/"' in page and 'name="language"' in page
    response = browser.post(reverse("caseload:language"), {"language": "ca", "next": reverse("clients:list")})
    assert response.status_code == 302 and response.url == reverse("clients:list")
    case_manager.refresh_from_db()
    assert case_manager.language == "ca"
    assert "Els meus usuaris" not in browser.get(reverse("clients:list")).content.decode()  # the list, not home
    assert "Usuaris" in browser.get(reverse("clients:list")).content.decode()
    assert "La meva càrrega de casos" in browser.get(reverse("caseload:home")).content.decode()


def test_the_switcher_on_the_sign_in_page_sets_only_the_cookie(client):
    page = client.get(reverse("login")).content.decode()
    assert 'action="/language/"' in page
    response = client.post(reverse("caseload:language"), {"language": "da", "next": reverse("login")})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "da"
    assert "Log ind" in client.get(reverse("login")).content.decode()


def test_the_switcher_answers_only_to_post(login, case_manager):
    assert login(case_manager).get(reverse("caseload:language")).status_code == 405


def test_the_profile_page_needs_signing_in(client):
    response = client.get(reverse("caseload:profile"))
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("language", "date", "when", "number"),
    [
        ("en", "2 April 1989", "2 Apr 1989, 14:30", "1234.5"),
        ("da", "2. april 1989", "02.04.1989, 14:30", "1234,5"),
        ("fr", "2 avril 1989", "02/04/1989, 14:30", "1234,5"),
        ("ca", "2 abril de 1989", "02/04/1989, 14:30", "1234,5"),
    ],
)
def test_dates_times_and_numbers_follow_the_language(language, date, when, number):
    moment = datetime.datetime(1989, 4, 2, 14, 30)
    with translation.override(language):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == date
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == when
        assert formats.number_format(Decimal("1234.5")) == number


def test_a_date_typed_on_a_danish_page_is_read_the_same_way(login, case_manager):
    with translation.override("da"):
        assert formats.get_format("DATE_INPUT_FORMATS")[:2] == ["%Y-%m-%d", "%d/%m/%Y"]


def test_the_assignment_email_is_in_each_recipients_language(supervisor, case_manager, teammate, client_a):
    teammate.language = "da"
    teammate.save()
    Assignment.objects.filter(client=client_a).update(ended_at=timezone.now())
    assignment = Assignment.objects.create(client=client_a, case_manager=teammate, reason="Orlov")
    with translation.override("en"):
        notify_assignment.apply(args=[assignment.pk])
    by_recipient = {message.to[0]: message for message in mail.outbox}
    danish = by_recipient["anton@agency.example"]
    assert danish.subject == "Ændring i sagsstamme"
    assert f"Borger {client_a.client_number} er blevet tildelt dig." in danish.body
    english = by_recipient["anna@agency.example"]
    assert english.subject == "Caseload change"
    assert f"Client {client_a.client_number} has moved to Anton Berg." in english.body


def test_the_clients_preferred_language_is_named_in_the_staff_members_language(login, case_manager, client_a):
    case_manager.language = "da"
    case_manager.save()
    browser = login(case_manager)
    page = browser.get(reverse("clients:detail", args=[client_a.pk])).content.decode()
    assert "Foretrukket sprog" in page and "dansk" in page and "Danish" not in page
    form = browser.get(reverse("clients:edit", args=[client_a.pk])).content.decode()
    assert '<option value="da" selected>dansk</option>' in form
    assert form.index(">engelsk<") < form.index(">fransk<")  # in Danish alphabetical order
