"""Giving a screening instrument in the browser: scored as published, risk raised at once."""

from django.core import mail

from assessments.models import InstrumentResponse, RiskFlag
from caseload.models import Notice

# PHQ-9 of the scenario: 16, moderately severe, item 9 answered "Several days".
PHQ9_16 = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}


def post_instrument(browser, client, code, answers, **extra):
    data = {f"item_{key}": value for key, value in answers.items()}
    data.update({"administered_on": "2026-11-20", **extra})
    return browser.post(f"/assessments/clients/{client.pk}/instruments/{code}/", data)


def test_it_scores_a_phq9_and_shows_the_published_label(login, case_manager, client_a):
    response = post_instrument(login(case_manager), client_a, "phq9", {**PHQ9_16, "9": 0, "8": 2})
    saved = InstrumentResponse.objects.get()
    assert response.url == f"/assessments/results/{saved.pk}/"
    assert (saved.total, saved.band_label, saved.complete) == (16, "Moderately severe", True)
    page = login(case_manager).get(response.url).content.decode()
    assert "16 — Moderately severe" in page


def test_it_raises_a_risk_flag_on_item_9_and_tells_the_supervisor(
    login, case_manager, supervisor, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_instrument(login(case_manager), client_a, "phq9", PHQ9_16)
    flag = RiskFlag.objects.get()
    assert flag.is_active and flag.raised_by == case_manager and "item 9" in flag.reason
    header = login(case_manager).get(f"/clients/{client_a.pk}/").content.decode()
    assert "Suicide risk" in header and flag.reason.replace("'", "&#x27;") in header
    assert Notice.objects.get().recipient == supervisor
    assert [m.to for m in mail.outbox] == [["helle@agency.example"]]
    assert client_a.legal_family_name not in mail.outbox[0].body
    flag.refresh_from_db()
    assert flag.supervisor_notified_at is not None


def test_it_never_totals_an_incomplete_questionnaire(login, case_manager, client_a):
    browser = login(case_manager)
    partial = {key: value for key, value in PHQ9_16.items() if key not in ("3", "7")}
    refused = post_instrument(browser, client_a, "phq9", partial)
    page = refused.content.decode()
    assert refused.status_code == 200 and "Not scored yet: 2 question(s) have no answer" in page
    assert not InstrumentResponse.objects.exists()
    saved = post_instrument(browser, client_a, "phq9", partial, save_incomplete="1")
    response = InstrumentResponse.objects.get()
    assert saved.status_code == 302 and response.total is None and not response.complete
    assert "Incomplete" in browser.get(saved.url).content.decode()


def test_it_raises_the_flag_even_from_an_incomplete_questionnaire(login, case_manager, client_a):
    post_instrument(login(case_manager), client_a, "phq9", {"9": 2}, save_incomplete="1")
    assert RiskFlag.objects.active().count() == 1


def test_it_marks_substance_use_screens_as_protected(login, case_manager, client_a):
    post_instrument(login(case_manager), client_a, "auditc", {"1": 3, "2": 1, "3": 1})
    saved = InstrumentResponse.objects.get()
    assert saved.protected_substance_use and saved.total == 5 and saved.severity == "positive"


def test_it_refuses_an_answer_that_is_not_an_option(login, case_manager, client_a):
    response = post_instrument(login(case_manager), client_a, "phq9", {**PHQ9_16, "1": 7})
    assert "Select a valid choice" in response.content.decode()
    assert not InstrumentResponse.objects.exists()


def test_it_answers_404_for_an_unknown_instrument(login, case_manager, client_a):
    assert login(case_manager).get(f"/assessments/clients/{client_a.pk}/instruments/nope/").status_code == 404


def test_it_lists_instruments_with_the_latest_result_and_the_due_date(login, case_manager, client_a):
    browser = login(case_manager)
    post_instrument(browser, client_a, "phq9", {**PHQ9_16, "9": 0, "8": 2})
    page = browser.get(f"/assessments/clients/{client_a.pk}/instruments/").content.decode()
    assert "16 — Moderately severe" in page and "20 Dec 2026" in page  # PHQ-9 is due again after 30 days
    assert "GAD-7" in page and "Never given" in page


def test_it_draws_the_history_with_a_table_alternative(login, case_manager, client_a):
    browser = login(case_manager)
    post_instrument(browser, client_a, "phq9", {**PHQ9_16, "9": 0, "8": 2})
    post_instrument(browser, client_a, "phq9", {key: 1 for key in PHQ9_16} | {"9": 0}, administered_on="2026-11-22")
    page = browser.get(f"/assessments/clients/{client_a.pk}/instruments/phq9/history/").content.decode()
    assert "<svg" in page and 'role="img"' in page and "Moderately severe (15–19)" in page
    assert "<desc" in page and "20 Nov 2026: 16 — Moderately severe" in page
    assert page.count('class="trend-point"') == 2
    assert "<caption>Every PHQ-9 result, newest first</caption>" in page


def test_it_draws_the_cssrs_history_as_levels(login, case_manager, client_a):
    browser = login(case_manager)
    post_instrument(browser, client_a, "cssrs", {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0})
    post_instrument(browser, client_a, "cssrs", {"1": 1, "2": 0, "6": 0}, administered_on="2026-11-22")
    page = browser.get(f"/assessments/clients/{client_a.pk}/instruments/cssrs/history/").content.decode()
    assert "<svg" in page and "High risk</text>" in page and page.count('class="trend-point"') == 2
    assert "Moderate risk" in page and "Low risk" in page


def test_it_uses_the_agencys_reassessment_interval(login, administrator, case_manager, client_a):
    browser = login(administrator)
    refused = browser.post("/admin/caseload/agencysettings/1/change/", {
        "client_number_prefix": "C", "reassessment_days": '{"phq9": 3}'})
    assert "phq9: give a number of days between 7 and 730." in refused.content.decode()
    saved = browser.post("/admin/caseload/agencysettings/1/change/", {
        "client_number_prefix": "C", "reassessment_days": '{"phq9": 14}', "plan_review_days": 90, "late_entry_hours": 72,
        "acuity_weights": '{"low": 1, "moderate": 1.5, "high": 2, "crisis": 3}'})
    assert saved.status_code == 302
    manager = login(case_manager)
    post_instrument(manager, client_a, "phq9", {**PHQ9_16, "9": 0, "8": 2})
    page = manager.get(f"/assessments/clients/{client_a.pk}/instruments/").content.decode()
    assert "4 Dec 2026" in page  # 20 Nov + 14 days


def test_it_says_which_cut_offs_an_auditc_was_scored_with(login, case_manager, client_a):
    browser = login(case_manager)
    response = post_instrument(browser, client_a, "auditc", {"1": 3, "2": 1, "3": 1})
    page = browser.get(response.url).content.decode()
    assert "5 — Positive screen" in page
    assert "Scored with the cut-offs for sex: male — Negative screen 0–3 · Positive screen 4–12" in page
