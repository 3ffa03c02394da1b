from clients.models import Client, ClientStatusChange


def test_it_discharges_with_a_reason_and_summary_kept_in_the_history(login, case_manager, client_a):
    response = login(case_manager).post(
        f"/clients/{client_a.pk}/status/",
        {"to_status": "discharged", "effective_date": "2026-11-20", "discharge_reason": "goals_met",
         "discharge_summary": "Housed and stable; linked with the peer support group."},
        follow=True,
    )
    client_a.refresh_from_db()
    assert client_a.status == "discharged"
    change = ClientStatusChange.objects.filter(client=client_a).first()
    assert (change.from_status, change.to_status, str(change.effective_date)) == ("active", "discharged", "2026-11-20")
    assert response.redirect_chain[-1][0] == f"/clients/{client_a.pk}/"
    page = login(case_manager).get(f"/clients/{client_a.pk}/history/").content.decode()
    assert "Goals met" in page and "Housed and stable; linked with the peer support group." in page


def test_it_asks_for_a_reason_and_a_summary_to_discharge(login, case_manager, client_a):
    response = login(case_manager).post(
        f"/clients/{client_a.pk}/status/", {"to_status": "discharged", "effective_date": "2026-11-20", "note": "moving"}
    )
    page = response.content.decode()
    assert "Give the reason for discharge." in page and "Write a discharge summary." in page
    assert 'moving</textarea>' in page
    client_a.refresh_from_db()
    assert client_a.status == "active"


def test_it_asks_why_a_record_is_reopened(login, case_manager, client_a):
    client_a.status = Client.Status.DISCHARGED
    client_a.save()
    browser = login(case_manager)
    refused = browser.post(f"/clients/{client_a.pk}/status/", {"to_status": "active", "effective_date": "2026-11-20"})
    assert "Say why the record is re-opened." in refused.content.decode()
    browser.post(f"/clients/{client_a.pk}/status/", {"to_status": "active", "effective_date": "2026-11-20", "note": "Referred again by the GP"})
    client_a.refresh_from_db()
    assert client_a.status == "active"
    assert client_a.status_changes.first().is_reopening


def test_it_offers_only_the_changes_that_make_sense(login, case_manager, client_a):
    response = login(case_manager).post(f"/clients/{client_a.pk}/status/", {"to_status": "referred", "effective_date": "2026-11-20"})
    assert "to_status" in response.context["form"].errors
    assert client_a.allowed_status_changes() == ["discharged"]


def test_it_refuses_a_future_date(login, case_manager, client_a):
    response = login(case_manager).post(
        f"/clients/{client_a.pk}/status/",
        {"to_status": "discharged", "effective_date": "2999-01-01", "discharge_reason": "moved", "discharge_summary": "x"},
    )
    assert "A status change cannot be dated in the future." in response.content.decode()
