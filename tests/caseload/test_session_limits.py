"""Sessions end after 12 hours whatever the activity, and at once when their user is deactivated;
changing a role or exporting a caseload asks for the password again after 5 minutes."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client as Browser

from caseload import two_factor
from caseload.models import AuditEvent, SupervisionReport
from tests.factories import TEST_PASSWORD


def age_session(browser, key: str, seconds: float) -> None:
    session = browser.session
    session[key] = time.time() - seconds
    session.save()


def test_the_limits_default_to_twelve_hours_and_five_minutes():
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    assert settings.REAUTHENTICATE_MINUTES == 5
    assert settings.SESSION_IDLE_MINUTES == 15


def test_it_keeps_a_session_of_nearly_twelve_hours(login, case_manager):
    browser = login(case_manager)
    age_session(browser, two_factor.SIGNED_IN_AT, 12 * 3600 - 60)
    assert browser.get("/").status_code == 200


def test_it_ends_a_session_twelve_hours_after_sign_in_however_busy(login, case_manager, client_a):
    browser = login(case_manager)
    key = browser.session.session_key
    age_session(browser, two_factor.SIGNED_IN_AT, 12 * 3600 + 1)

    response = browser.get(f"/clients/{client_a.pk}/")

    assert response.status_code == 302 and response.url.startswith("/login/")
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=case_manager, summary__contains="time limit").exists()


def test_deactivating_a_user_ends_all_their_sessions_at_once(case_manager, teammate):
    laptop, tablet, colleague = Browser(), Browser(), Browser()
    for browser, user in ((laptop, case_manager), (tablet, case_manager), (colleague, teammate)):
        browser.post("/login/", {"username": user.username, "password": TEST_PASSWORD})
    keys = [browser.session.session_key for browser in (laptop, tablet)]

    case_manager.is_active = False
    case_manager.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert laptop.get("/").status_code == 302 and tablet.get("/").status_code == 302
    assert colleague.get("/").status_code == 200  # nobody else is signed out


def test_deactivating_in_the_admin_ends_the_sessions(login, administrator, case_manager):
    anna = Browser()
    anna.post("/login/", {"username": "anna", "password": TEST_PASSWORD})
    admin = login(administrator)
    form = admin.get(f"/admin/caseload/user/{case_manager.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update({"is_active": "", "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
                 "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"), "groups": [], "user_permissions": []})
    data.pop("is_active")
    data.pop("date_joined")
    data.pop("last_login", None)

    response = admin.post(f"/admin/caseload/user/{case_manager.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case_manager.refresh_from_db()
    assert not case_manager.is_active
    assert anna.get("/").status_code == 302


def test_it_asks_for_the_password_again_before_a_caseload_export(login, supervisor, case_manager):
    browser = login(supervisor)
    age_session(browser, two_factor.PASSWORD_CONFIRMED_AT, 6 * 60)

    response = browser.get("/supervision/export.csv")
    assert response.status_code == 302 and response.url == "/confirm-password/?next=%2Fsupervision%2Fexport.csv"
    page = browser.get(response.url).content.decode()
    assert "Confirm your password" in page

    back = browser.post("/confirm-password/", {"password": TEST_PASSWORD, "next": "/supervision/export.csv"})
    assert back.status_code == 302 and back.url == "/supervision/export.csv"
    export = browser.get(back.url)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_it_exports_without_asking_within_five_minutes_of_the_password(login, supervisor):
    browser = login(supervisor)
    age_session(browser, two_factor.PASSWORD_CONFIRMED_AT, 4 * 60)
    assert browser.get("/supervision/export.csv").status_code == 200


def test_it_asks_again_before_making_the_pdf_report_and_comes_back_to_the_dashboard(login, supervisor):
    browser = login(supervisor)
    age_session(browser, two_factor.PASSWORD_CONFIRMED_AT, 6 * 60)

    response = browser.post("/supervision/report/")

    assert response.url == "/confirm-password/?next=%2Fsupervision%2F%23report"
    assert not SupervisionReport.objects.exists()


def test_it_asks_again_before_an_administrator_changes_someone_s_role(login, administrator, case_manager):
    browser = login(administrator)
    age_session(browser, two_factor.PASSWORD_CONFIRMED_AT, 6 * 60)
    path = f"/admin/caseload/user/{case_manager.pk}/change/"

    assert browser.get(path).url == f"/confirm-password/?next=%2Fadmin%2Fcaseload%2Fuser%2F{case_manager.pk}%2Fchange%2F"
    assert browser.post(path, {"role": "administrator"}).url.startswith("/confirm-password/")
    case_manager.refresh_from_db()
    assert case_manager.role == "case_manager"

    browser.post("/confirm-password/", {"password": TEST_PASSWORD})
    assert browser.get(path).status_code == 200


def test_it_refuses_a_wrong_password_and_signs_out_after_five(login, supervisor):
    browser = login(supervisor)
    age_session(browser, two_factor.PASSWORD_CONFIRMED_AT, 6 * 60)
    response = browser.post("/confirm-password/", {"password": "not-it", "next": "/supervision/export.csv"})
    assert response.status_code == 200 and "That is not your password" in response.content.decode()
    for _ in range(4):
        response = browser.post("/confirm-password/", {"password": "not-it"})
    assert response.status_code == 302 and response.url == "/login/"
    assert browser.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="login_failed", actor=supervisor, summary="password re-entry refused").count() == 5


def test_it_returns_only_to_addresses_of_this_site(login, supervisor):
    browser = login(supervisor)
    response = browser.post("/confirm-password/", {"password": TEST_PASSWORD, "next": "https://evil.example/"})
    assert response.url == "/"
