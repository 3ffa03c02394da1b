from assessments.models import RiskFlag
from caseload.models import Notice
from tests.factories import RiskFlagFactory


def test_it_raises_a_flag_by_hand_and_tells_the_supervisor(login, case_manager, supervisor, client_a):
    response = login(case_manager).post(
        f"/assessments/clients/{client_a.pk}/risk-flags/new/",
        {"kind": "harm_to_others", "reason": "Threatened his neighbour during the home visit"},
        follow=True,
    )
    flag = RiskFlag.objects.get()
    assert (flag.kind, flag.raised_by) == ("harm_to_others", case_manager)
    assert "Threatened his neighbour during the home visit" in response.content.decode()
    notice = Notice.objects.get()
    assert notice.recipient == supervisor and client_a.client_number in notice.text


def test_it_clears_a_flag_only_with_a_reason_and_keeps_it(login, case_manager, client_a):
    flag = RiskFlagFactory(client=client_a)
    browser = login(case_manager)
    refused = browser.post(f"/assessments/risk-flags/{flag.pk}/clear/", {"clear_reason": ""})
    assert "This field is required." in refused.content.decode()
    browser.post(f"/assessments/risk-flags/{flag.pk}/clear/", {"clear_reason": "Safety plan in place; reviewed with Dr Holm"})
    flag.refresh_from_db()
    assert not flag.is_active and flag.cleared_by == case_manager
    assert RiskFlag.objects.count() == 1
    assert "Suicide risk" not in browser.get(f"/clients/{client_a.pk}/").content.decode()


def test_it_marks_flagged_clients_in_my_caseload(login, case_manager, client_a):
    RiskFlagFactory(client=client_a)
    assert "Risk flag" in login(case_manager).get("/").content.decode()


def test_it_shows_a_supervisor_the_notice_until_read(login, supervisor, client_a):
    notice = Notice.objects.create(recipient=supervisor, client=client_a, text="Risk flag raised for client C1", link="/")
    browser = login(supervisor)
    assert "Risk flag raised for client C1" in browser.get("/").content.decode()
    browser.post(f"/notices/{notice.pk}/read/")
    assert "Risk flag raised for client C1" not in browser.get("/").content.decode()


def test_it_keeps_other_peoples_notices_private(login, case_manager, supervisor, client_a):
    notice = Notice.objects.create(recipient=supervisor, client=client_a, text="Risk flag raised")
    assert login(case_manager).post(f"/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_it_shows_the_flag_in_the_header_of_every_client_page(login, case_manager, client_a):
    from tests.factories import ContactFactory, InstrumentResponseFactory

    RiskFlagFactory(client=client_a, reason="Raised during the home visit")
    response = InstrumentResponseFactory(client=client_a)
    contact = ContactFactory(client=client_a)
    browser = login(case_manager)
    for url in (f"/assessments/results/{response.pk}/", f"/clients/people/{contact.pk}/", f"/clients/{client_a.pk}/edit/"):
        assert "Raised during the home visit" in browser.get(url).content.decode(), url


def test_it_keeps_cleared_flags_in_the_clients_history(login, case_manager, client_a):
    flag = RiskFlagFactory(client=client_a, reason="Said he had a plan")
    browser = login(case_manager)
    browser.post(f"/assessments/risk-flags/{flag.pk}/clear/", {"clear_reason": "Safety plan agreed with Dr Holm"})
    page = browser.get(f"/clients/{client_a.pk}/history/").content.decode()
    assert "Said he had a plan" in page and "Cleared by Anna Lindqvist" in page and "Safety plan agreed with Dr Holm" in page
