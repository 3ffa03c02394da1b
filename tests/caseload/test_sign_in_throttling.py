"""Failed sign-ins are counted per username and per address (django-axes) and audited; the answer
never tells whether an account exists."""

import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client as Browser

from caseload.models import AuditEvent
from tests.factories import TEST_PASSWORD

LIMIT = 5


def attempt(browser, username, password="wrong-password", address="10.1.1.1"):
    return browser.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def visible_text(response) -> str:
    """The page as a person reads it: without the per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_it_locks_an_account_after_five_failures_even_with_the_right_password(client, case_manager):
    statuses = [attempt(client, "anna").status_code for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]  # the fifth failure locks

    response = attempt(client, "anna", TEST_PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_it_locks_the_account_from_every_address(case_manager):
    for number in range(LIMIT):
        attempt(Browser(), "anna", address=f"10.2.2.{number}")
    assert attempt(Browser(), "anna", TEST_PASSWORD, address="10.3.3.3").status_code == 429


def test_it_locks_an_address_that_tries_many_usernames(case_manager, teammate):
    for number in range(LIMIT):
        attempt(Browser(), f"guess{number}", address="10.4.4.4")

    assert attempt(Browser(), "anna", TEST_PASSWORD, address="10.4.4.4").status_code == 429
    assert attempt(Browser(), "anna", TEST_PASSWORD, address="10.5.5.5").status_code == 302


def test_it_answers_the_same_whether_or_not_the_account_exists(case_manager):
    real = [attempt(Browser(), "anna", address="10.6.6.1") for _ in range(LIMIT + 1)]
    made_up = [attempt(Browser(), "nobody-here", address="10.6.6.2") for _ in range(LIMIT + 1)]

    assert [r.status_code for r in real] == [r.status_code for r in made_up] == [200] * (LIMIT - 1) + [429, 429]
    assert visible_text(real[0]).replace("anna", "X") == visible_text(made_up[0]).replace("nobody-here", "X")
    assert visible_text(real[-1]).replace("anna", "X") == visible_text(made_up[-1]).replace("nobody-here", "X")
    assert "Please enter a correct username and password" in real[0].content.decode()


def test_it_audits_failed_sign_ins_and_the_lockout_without_the_typed_username(case_manager):
    for _ in range(LIMIT + 1):
        attempt(Browser(), "anna")

    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.filter(summary="failed sign-in").count() >= LIMIT
    assert failed.filter(summary__contains="too many failed attempts").exists()
    assert failed.filter(remote_addr="10.1.1.1").exists()
    assert not AuditEvent.objects.filter(summary__contains="anna").exists()


def test_it_lets_the_account_in_again_after_the_cool_off(client, case_manager):
    for _ in range(LIMIT):
        attempt(client, "anna")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))

    assert attempt(client, "anna", TEST_PASSWORD).status_code == 302


def test_a_success_clears_the_count(client, case_manager):
    for _ in range(LIMIT - 1):
        attempt(client, "anna")
    assert attempt(client, "anna", TEST_PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(LIMIT - 1):
        attempt(client, "anna")
    assert attempt(client, "anna", TEST_PASSWORD).status_code == 302
