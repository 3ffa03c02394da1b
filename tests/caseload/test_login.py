import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError


def test_it_signs_in_with_the_login_form_and_shows_my_caseload(client, case_manager, password, client_a):
    response = client.post("/login/", {"username": "anna", "password": password}, follow=True)
    page = response.content.decode()
    assert "My caseload" in page and "Mikkel Sørensen" in page


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(client, case_manager):
    response = client.post("/login/", {"username": "anna", "password": "wrong"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/login/?next=/"


def test_it_changes_the_session_key_at_sign_in(client, case_manager, password):
    client.get("/login/")
    client.session["probe"] = 1
    before = client.session.session_key
    client.post("/login/", {"username": "anna", "password": password})
    assert client.session.session_key != before


def test_it_ends_the_session_on_the_server_at_sign_out(client, case_manager, password):
    client.post("/login/", {"username": "anna", "password": password})
    key = client.session.session_key
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302


def test_it_ends_sessions_after_fifteen_idle_minutes(client, case_manager, password):
    assert settings.SESSION_COOKIE_AGE == 15 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.post("/login/", {"username": "anna", "password": password})
    session = Session.objects.get(session_key=client.session.session_key)
    from django.utils import timezone

    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 14 * 60 < remaining <= 15 * 60


def test_it_requires_strong_passwords(case_manager):
    for weak in ["password123", "12345678901234", "anna2026", "anna.lindqvist"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=case_manager)
    validate_password("plum-harbour-violin-47", user=case_manager)


def test_it_keeps_client_pages_out_of_caches(login, case_manager, client_a):
    response = login(case_manager).get(f"/clients/{client_a.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
