"""Two-step sign-in: supervisors and administrators always, everyone when the agency says so."""

import re
import time

from django.test import Client as Browser

from caseload import two_factor
from caseload.models import AgencySettings, AuditEvent
from tests.factories import TEST_PASSWORD, authenticator, totp_code


def sign_in(browser, user, password=TEST_PASSWORD):
    return browser.post("/login/", {"username": user.username, "password": password})


def test_it_sends_a_supervisor_without_an_authenticator_to_set_one_up(client, supervisor, client_a):
    response = sign_in(client, supervisor)
    home = client.get(response.url)
    assert home.status_code == 302 and home.url.startswith("/login/enrol/")
    assert client.get(f"/clients/{client_a.pk}/").url.startswith("/login/enrol/")


def test_it_shows_a_qr_code_without_inline_style_and_the_key_as_text(client, supervisor):
    sign_in(client, supervisor)
    page = client.get("/login/enrol/").content.decode()
    device = supervisor.totpdevice_set.get()
    assert "<svg" in page and "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert two_factor.secret_for_typing(device) in page
    assert "'unsafe-inline'" not in client.get("/login/enrol/")["Content-Security-Policy"]


def test_it_turns_two_step_sign_in_on_with_a_first_code_and_shows_recovery_codes_once(client, supervisor):
    sign_in(client, supervisor)
    client.get("/login/enrol/")
    device = supervisor.totpdevice_set.get()

    response = client.post("/login/enrol/", {"code": totp_code(device), "next": "/"})

    page = response.content.decode()
    codes = re.findall(r"<code>(\d{4}-\d{4})</code>", page)
    assert len(codes) == 10 and "only time these codes are shown" in page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200  # in, with the second factor given
    assert client.get("/login/enrol/").url.startswith("/login/verify/")  # no second enrolment, no second showing
    assert AuditEvent.objects.filter(action="security", actor=supervisor, summary__contains="enrolled").exists()


def test_it_refuses_a_wrong_first_code_and_keeps_the_device_unconfirmed(client, supervisor):
    sign_in(client, supervisor)
    client.get("/login/enrol/")
    response = client.post("/login/enrol/", {"code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not supervisor.totpdevice_set.get().confirmed
    assert client.get("/").status_code == 302


def test_it_asks_for_the_code_after_the_password_and_then_opens_the_page_asked_for(client, supervisor, client_a):
    device = authenticator(supervisor)
    response = client.post(f"/login/?next=/clients/{client_a.pk}/",
                           {"username": "helle", "password": TEST_PASSWORD, "next": f"/clients/{client_a.pk}/"})
    verify = client.get(response.url)
    assert verify.status_code == 302 and verify.url.startswith("/login/verify/")
    assert client.get("/").url.startswith("/login/verify/")

    response = client.post("/login/verify/", {"code": totp_code(device), "next": f"/clients/{client_a.pk}/"})

    assert response.status_code == 302 and response.url == f"/clients/{client_a.pk}/"
    assert "Mikkel" in client.get(response.url).content.decode()


def test_it_accepts_a_code_only_once(supervisor):
    device = authenticator(supervisor)
    code = totp_code(device)
    first, second = Browser(), Browser()
    sign_in(first, supervisor)
    sign_in(second, supervisor)

    assert first.post("/login/verify/", {"code": code}).status_code == 302
    replay = second.post("/login/verify/", {"code": code})

    assert replay.status_code == 200 and "has been used already" in replay.content.decode()
    assert second.get("/").url.startswith("/login/verify/")
    assert AuditEvent.objects.filter(action="login_failed", actor=supervisor, summary="second factor refused").exists()


def test_it_refuses_a_code_from_an_earlier_step(client, supervisor):
    device = authenticator(supervisor)
    sign_in(client, supervisor)
    response = client.post("/login/verify/", {"code": totp_code(device, at=time.time() - 300)})
    assert "That code is not right" in response.content.decode()


def test_it_accepts_each_recovery_code_once(supervisor, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # a failure delays the next try; not what this test is about
    authenticator(supervisor)
    codes = two_factor.recovery_codes_issue(user=supervisor)
    first, second = Browser(), Browser()
    sign_in(first, supervisor)
    sign_in(second, supervisor)

    assert first.post("/login/verify/", {"code": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    assert "has been used already" in second.post("/login/verify/", {"code": codes[0]}).content.decode()
    assert second.post("/login/verify/", {"code": codes[1]}).status_code == 302


def test_it_lets_a_case_manager_in_with_the_password_alone_by_default(client, case_manager):
    sign_in(client, case_manager)
    assert client.get("/").status_code == 200


def test_it_asks_everyone_for_a_second_factor_when_the_agency_says_so(client, case_manager):
    agency = AgencySettings.load()
    agency.two_factor_for_everyone = True
    agency.save()

    sign_in(client, case_manager)

    assert client.get("/").url.startswith("/login/enrol/")


def test_it_asks_an_administrator_too_also_in_the_django_admin(client, administrator):
    authenticator(administrator)
    sign_in(client, administrator)
    assert client.get("/admin/").url.startswith("/login/verify/")


def test_a_new_password_does_not_get_past_the_second_factor(client, login, administrator, supervisor):
    """An administrator resets a forgotten password: the supervisor still needs their phone to get in."""
    device = authenticator(supervisor)
    admin = login(administrator)
    response = admin.post(f"/admin/caseload/user/{supervisor.pk}/password/",
                          {"password1": "new-plum-harbour-47", "password2": "new-plum-harbour-47", "usable_password": "true"})
    assert response.status_code == 302
    admin.post("/logout/")

    response = sign_in(client, supervisor, password="new-plum-harbour-47")

    assert client.get("/").url.startswith("/login/verify/")
    assert client.get("/clients/").url.startswith("/login/verify/")
    assert client.post("/login/verify/", {"code": totp_code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_it_signs_out_from_the_code_page(client, supervisor):
    authenticator(supervisor)
    sign_in(client, supervisor)
    client.post("/logout/")
    assert client.get("/login/verify/").url.startswith("/login/")
