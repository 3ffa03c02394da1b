"""What the browser is told and what the logs keep: no inline script or style, nothing with client data
kept in a cache, and no client data in addresses or log lines."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import EmergencyAccessFactory, ProgressNoteFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# E-mail is read in a mail program, never under the site's Content-Security-Policy.
NOT_SERVED = ("caseload/email/",)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_policy_forbids_inline_script_and_style_and_other_origins(login, case_manager, client_a):
    policy = directives(login(case_manager).get(f"/clients/{client_a.pk}/"))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]


def test_the_policy_is_sent_on_the_sign_in_pages_too(client):
    assert directives(client.get("/login/"))["script-src"] == ["'self'"]


def test_no_served_template_has_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_SERVED):
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=|<style", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(name)
    assert not offenders, f"inline script, style or event handler in {offenders}"


@pytest.mark.parametrize("page", ["detail", "notes", "history", "emergency", "export", "reviews"])
def test_pages_with_client_data_are_not_stored(login, case_manager, other_supervisor, supervisor, client_a, client_b, page):
    note = ProgressNoteFactory(client=client_a, author=case_manager)
    EmergencyAccessFactory(user=case_manager, client=client_b)
    browser, path = {
        "detail": (case_manager, f"/clients/{client_a.pk}/"),
        "notes": (case_manager, f"/notes/{note.pk}/"),
        "history": (case_manager, f"/clients/{client_a.pk}/history/"),
        "emergency": (case_manager, f"/clients/{client_b.pk}/"),
        "export": (supervisor, "/supervision/export.csv"),
        "reviews": (other_supervisor, "/clients/emergency-access/reviews/"),
    }[page]
    response = login(browser).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_client_data_stays_out_of_addresses_and_logs(login, case_manager, client_b, caplog, password):
    """Search, emergency access and a failed sign-in: the client's name and number are in no URL and no log line."""
    caplog.set_level(logging.DEBUG)
    browser = login(case_manager)
    responses = [
        browser.post("/clients/", {"q": client_b.client_number}),
        browser.post("/clients/", {"q": client_b.legal_family_name}),
        browser.post("/clients/emergency-access/", {"client_number": client_b.client_number,
                                                    "reason": "Client in crisis at our front desk"}),
        browser.get(f"/clients/{client_b.pk}/"),
        browser.get(f"/clients/{client_b.pk}/missing-page/"),
    ]
    browser.post("/logout/")
    browser.post("/login/", {"username": client_b.legal_family_name, "password": "wrong"})

    addresses = [response.url for response in responses if response.status_code == 302]
    assert addresses and all(re.fullmatch(r"/clients/([0-9a-f-]{36}/)?", url) for url in addresses), addresses
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for private in (client_b.client_number, client_b.legal_family_name, client_b.legal_given_name):
        assert private not in logged
