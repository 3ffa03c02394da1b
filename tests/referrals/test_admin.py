"""Administrators keep the directory current in the Django admin."""

from referrals.models import Service


def test_an_administrator_edits_a_service_and_it_is_found_by_its_new_words(login, administrator, housing):
    browser = login(administrator)
    assert "Bostøtte for voksne" in browser.get("/admin/referrals/service/").content.decode()
    page = browser.get(f"/admin/referrals/service/{housing.pk}/change/")
    assert page.status_code == 200
    form = {
        "hsds_id": housing.hsds_id, "organization": housing.organization_id, "name": "Bostøtte og bolig",
        "description": "Sheltered flats", "category": "housing", "eligibility": "", "languages": ",da,",
        "opening_hours": "", "phone": "", "email": "", "website": "", "location": "", "accepts_referrals": "on",
    }
    response = browser.post(f"/admin/referrals/service/{housing.pk}/change/", form)
    assert response.status_code == 302
    assert Service.objects.search(text="sheltered flats").get().name == "Bostøtte og bolig"
    # A website typed without its scheme is kept as https://.
    response = browser.post(f"/admin/referrals/service/{housing.pk}/change/", {**form, "website": "bolig.example/stotte"})
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.website == "https://bolig.example/stotte"


def test_a_case_manager_has_no_directory_admin(login, case_manager, housing):
    assert login(case_manager).get("/admin/referrals/service/").status_code == 302
