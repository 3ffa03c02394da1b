"""Break-the-glass: a client outside one's scope opens only with a stated reason, for a limited time,
marked in the audit trail as emergency access, with the client's team supervisor told and reviewing it."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from caseload.models import AuditEvent, Notice
from clients.models import Client, EmergencyAccess
from tests.factories import EmergencyAccessFactory, ProgressNoteFactory

REASON = "Client came to our office in crisis; South team unreachable"


def break_glass(browser, client, reason=REASON):
    return browser.post("/clients/emergency-access/", {"client_number": client.client_number, "reason": reason})


def test_it_answers_404_outside_the_scope_without_a_grant(login, case_manager, client_b):
    response = login(case_manager).get(f"/clients/{client_b.pk}/")
    assert response.status_code == 404
    assert "Open the record in an emergency" in response.content.decode()  # the way in, from the 404 page
    assert "Puig" not in response.content.decode()


def test_it_opens_the_record_with_a_reason_and_audits_the_reads_as_emergency(login, case_manager, client_b, other_supervisor):
    browser = login(case_manager)

    response = break_glass(browser, client_b)

    assert response.status_code == 302 and response.url == f"/clients/{client_b.pk}/"
    page = browser.get(response.url).content.decode()
    assert "Jordi Puig" in page and "Emergency access: this client is not in your caseload" in page
    grant = EmergencyAccess.objects.get(user=case_manager, client=client_b)
    assert grant.reason == REASON
    assert timedelta(minutes=59) < grant.expires_at - timezone.now() <= timedelta(minutes=60)
    events = AuditEvent.objects.filter(client=client_b, actor=case_manager).order_by("at", "id")
    assert [event.action for event in events] == ["emergency", "emergency"]
    assert REASON in events[0].summary and events[1].summary == "emergency access: client record"


def test_it_audits_reads_of_the_client_s_other_records_as_emergency(login, case_manager, client_b, outsider):
    note = ProgressNoteFactory(client=client_b, author=outsider)
    EmergencyAccessFactory(user=case_manager, client=client_b)

    response = login(case_manager).get(f"/notes/{note.pk}/")

    assert response.status_code == 200
    assert AuditEvent.objects.filter(client=client_b, actor=case_manager, action="emergency",
                                     summary__startswith="emergency access: progress note").exists()


def test_it_answers_404_again_once_the_grant_has_run_out(login, case_manager, client_b, monkeypatch):
    grant = EmergencyAccessFactory(user=case_manager, client=client_b)
    browser = login(case_manager)
    assert browser.get(f"/clients/{client_b.pk}/").status_code == 200

    # The grant's time runs out for the scope (which holds the grant, cached, with its expiry); the session
    # stays young, so it is the grant, not the idle timeout, that closes the record.
    later = grant.expires_at + timedelta(seconds=1)
    monkeypatch.setattr("clients.models.timezone", SimpleNamespace(now=lambda: later))

    assert browser.get(f"/clients/{client_b.pk}/").status_code == 404
    assert client_b not in Client.objects.visible_to(case_manager)


def test_a_grant_opens_the_client_to_its_holder_only(login, case_manager, teammate, client_b):
    EmergencyAccessFactory(user=case_manager, client=client_b)
    assert client_b in Client.objects.visible_to(case_manager)
    assert client_b not in Client.objects.visible_to(teammate)
    assert login(teammate).get(f"/clients/{client_b.pk}/").status_code == 404


def test_the_grant_lasts_as_long_as_the_setting_says(login, case_manager, client_b, settings):
    settings.EMERGENCY_ACCESS_MINUTES = 15
    break_glass(login(case_manager), client_b)
    grant = EmergencyAccess.objects.get()
    assert timedelta(minutes=14) < grant.expires_at - grant.granted_at <= timedelta(minutes=15)


def test_it_refuses_without_a_reason_and_keeps_what_was_typed(login, case_manager, client_b):
    response = break_glass(login(case_manager), client_b, reason="need")
    page = response.content.decode()
    assert response.status_code == 200 and "Say why in a sentence" in page
    assert f'value="{client_b.client_number}"' in page
    assert not EmergencyAccess.objects.exists()


def test_it_says_so_when_no_client_has_the_number(login, case_manager):
    response = login(case_manager).post("/clients/emergency-access/", {"client_number": "C999999", "reason": REASON})
    assert "No client has this number" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_a_client_already_in_the_caseload_opens_without_a_grant(login, case_manager, client_a):
    response = break_glass(login(case_manager), client_a)
    assert response.url == f"/clients/{client_a.pk}/"
    assert not EmergencyAccess.objects.exists()


def test_it_tells_the_client_s_team_supervisor(login, case_manager, client_b, other_supervisor, supervisor):
    break_glass(login(case_manager), client_b)

    notice = Notice.objects.get()
    assert notice.recipient == other_supervisor and notice.client == client_b
    assert "Anna Lindqvist opened" in notice.text and notice.link == "/clients/emergency-access/reviews/"


def test_the_supervisor_reviews_it(login, case_manager, client_b, other_supervisor):
    grant = EmergencyAccessFactory(user=case_manager, client=client_b, reason=REASON)
    browser = login(other_supervisor)

    page = browser.get("/clients/emergency-access/reviews/").content.decode()
    assert "Anna Lindqvist" in page and "Jordi Puig" in page and REASON in page

    response = browser.post(f"/clients/emergency-access/{grant.pk}/review/", {"note": "Spoke to Anna: justified"})

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == other_supervisor and grant.reviewed_at and grant.review_note == "Spoke to Anna: justified"
    assert "Nothing to review" in browser.get("/clients/emergency-access/reviews/").content.decode()
    assert "Reviewed by Sam Reid" in browser.get("/clients/emergency-access/reviews/?show=all").content.decode()
    assert AuditEvent.objects.filter(action="security", client=client_b, actor=other_supervisor).exists()


def test_only_the_client_s_own_supervisors_see_the_review(login, case_manager, supervisor, client_b):
    grant = EmergencyAccessFactory(user=case_manager, client=client_b)
    browser = login(supervisor)  # North's supervisor; the client is South's
    assert grant.client.client_number not in browser.get("/clients/emergency-access/reviews/").content.decode()
    assert browser.post(f"/clients/emergency-access/{grant.pk}/review/").status_code == 404


def test_case_managers_have_no_review_list(login, case_manager):
    assert login(case_manager).get("/clients/emergency-access/reviews/").status_code == 404


def test_the_client_number_stays_out_of_the_address(login, case_manager, client_b):
    browser = login(case_manager)
    browser.post("/clients/", {"q": client_b.client_number})
    listing = browser.get("/clients/").content.decode()
    assert "Open the record in an emergency" in listing  # the search found nothing in the caseload
    form = browser.get("/clients/emergency-access/").content.decode()
    assert f'value="{client_b.client_number}"' in form  # carried in the session, not the URL
    assert break_glass(browser, client_b).url == f"/clients/{client_b.pk}/"


def test_the_review_list_takes_the_same_queries_at_any_size(login, case_manager, other_supervisor, outsider):
    from tests.caseload.test_query_counts import LARGE, SMALL, queries
    from tests.factories import ClientFactory

    def add_grants(count):
        for _ in range(count):
            EmergencyAccessFactory(user=case_manager, client=ClientFactory(case_manager=outsider))

    browser = login(other_supervisor)
    add_grants(SMALL)
    small = queries(browser, "/clients/emergency-access/reviews/?show=all")
    add_grants(LARGE - SMALL)
    large = queries(browser, "/clients/emergency-access/reviews/?show=all")
    assert (small, large) == (10, 10)


def test_administrators_read_every_emergency_access_in_the_admin(login, administrator, case_manager, client_b):
    grant = EmergencyAccessFactory(user=case_manager, client=client_b, reason=REASON)
    browser = login(administrator)
    assert REASON in browser.get("/admin/clients/emergencyaccess/").content.decode()
    assert browser.get(f"/admin/clients/emergencyaccess/{grant.pk}/change/").status_code == 200
    assert browser.get("/admin/clients/emergencyaccess/add/").status_code == 403
    assert AuditEvent.objects.filter(client=client_b, actor=administrator, summary="admin emergency access").exists()


def test_emergency_access_does_not_let_a_supervisor_move_the_case(login, supervisor, client_b, teammate):
    EmergencyAccessFactory(user=supervisor, client=client_b)
    browser = login(supervisor)
    assert browser.get(f"/clients/{client_b.pk}/").status_code == 200
    response = browser.post(f"/clients/{client_b.pk}/assign/", {"case_manager": teammate.pk, "reason": "Taking it over"})
    assert response.status_code == 403
    client_b.refresh_from_db()
    assert client_b.case_manager.username == "bo"


def test_a_new_grant_counts_at_once_though_the_holders_grants_were_cached(login, case_manager, client_b):
    browser = login(case_manager)
    assert browser.get(f"/clients/{client_b.pk}/").status_code == 404  # no grants: that is cached now
    break_glass(browser, client_b)
    assert browser.get(f"/clients/{client_b.pk}/").status_code == 200
    assert client_b in Client.objects.visible_to(case_manager)


def test_the_scope_of_someone_without_a_grant_asks_nothing_of_the_grants_in_its_client_queries(login, case_manager, client_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(case_manager)
    browser.get("/clients/")  # the (empty) list of grants is read once and cached
    with CaptureQueriesContext(connection) as captured:
        assert browser.get("/clients/?q=a").status_code == 200
    client_queries = [query["sql"] for query in captured.captured_queries if 'FROM "clients_client"' in query["sql"]]
    assert client_queries, "the list asks for clients"
    # `OR id IN (SELECT … FROM emergency access)` made PostgreSQL scan every client; a list of ids lets it use the indexes.
    assert not any("emergencyaccess" in sql for sql in client_queries)
