"""Finding a service: by category, language and words, in the same queries at any size of directory."""

from referrals.models import Service
from tests.caseload.test_query_counts import LARGE, SMALL, queries
from tests.factories import ConsentFactory, OrganizationFactory, ReferralFactory, ServiceFactory


def names(page) -> list[str]:
    return [service.name for service in page.context["page"].object_list]


def add_services(count: int, **values) -> None:
    for _ in range(count):
        ServiceFactory(**values)


def test_it_filters_by_category_language_and_words(login, case_manager, housing):
    ServiceFactory(name="Job club", category="employment", languages=",en,", search_text="JOB CLUB CV HELP")
    ServiceFactory(name="Arbejdsklub", category="employment", languages=",da,", search_text="ARBEJDSKLUB CV")
    browser = login(case_manager)
    assert names(browser.get("/referrals/directory/", {"category": "employment"})) == ["Arbejdsklub", "Job club"]
    assert names(browser.get("/referrals/directory/", {"category": "employment", "language": "da"})) == ["Arbejdsklub"]
    assert names(browser.get("/referrals/directory/", {"q": "cv help"})) == ["Job club"]
    assert names(browser.get("/referrals/directory/", {"q": "bostøtte"})) == ["Bostøtte for voksne"]
    assert "No service matches" in browser.get("/referrals/directory/", {"q": "zzz"}).content.decode()


def test_from_a_client_it_offers_to_refer_them(login, case_manager, client_a, housing):
    page = login(case_manager).get("/referrals/directory/", {"client": client_a.pk, "category": "housing"})
    text = page.content.decode()
    assert f"Find a service for {client_a.full_name}" in text
    assert f"/referrals/clients/{client_a.pk}/new/?service={housing.pk}" in text


def test_a_client_outside_the_scope_is_not_found(login, case_manager, client_b):
    assert login(case_manager).get("/referrals/directory/", {"client": client_b.pk}).status_code == 404


def test_a_referral_is_saved_as_a_draft_with_what_it_shares(login, case_manager, client_a, housing):
    browser = login(case_manager)
    url = f"/referrals/clients/{client_a.pk}/new/?service={housing.pk}"
    page = browser.post(url, {"reason": "", "urgency": "soon", "shared_items": ["contact"]})
    assert "This field is required." in page.content.decode()
    response = browser.post(url, {"reason": "A home", "urgency": "soon", "shared_items": ["contact", "reason"]})
    referral = client_a.referrals.get()
    assert response.url == f"/referrals/{referral.pk}/"
    assert referral.status == "draft" and referral.shared_items == ["contact", "reason"] and referral.service == housing


def test_it_searches_the_directory_in_the_same_queries_at_any_size(login, case_manager):
    web = login(case_manager)
    organization = OrganizationFactory()
    add_services(SMALL, organization=organization, category="housing")
    small = queries(web, "/referrals/directory/?category=housing&language=da&q=housing")
    add_services(LARGE - SMALL, organization=organization, category="housing")
    large = queries(web, "/referrals/directory/?category=housing&language=da&q=housing")
    assert web.get("/referrals/directory/?category=housing").context["page"].paginator.count == LARGE
    assert (small, large) == (7, 7)


def test_it_lists_a_clients_referrals_in_the_same_queries_at_any_size(login, case_manager, client_a):
    web = login(case_manager)
    ReferralFactory.create_batch(SMALL, client=client_a)
    small = queries(web, f"/referrals/clients/{client_a.pk}/")
    ReferralFactory.create_batch(LARGE - SMALL, client=client_a)
    large = queries(web, f"/referrals/clients/{client_a.pk}/")
    assert (small, large) == (10, 10)


def test_it_shows_a_referral_in_the_same_queries_at_any_history(login, case_manager, client_a, housing):
    from referrals import services

    web = login(case_manager)
    ConsentFactory(client=client_a, organization=housing.organization, created_by=case_manager)
    referral = services.referral_create(client=client_a, service=housing, by=case_manager, reason="x",
                                        urgency="routine", shared_items=["reason"])
    referral = services.referral_send(referral=referral, by=case_manager)
    small = queries(web, f"/referrals/{referral.pk}/")
    for _ in range(5):
        referral = services.referral_set_status(referral=referral, to_status="appointment_set", by=case_manager,
                                                appointment_at=referral.status_changed_at) \
            if referral.status in ("accepted", "appointment_set") else \
            services.referral_set_status(referral=referral, to_status="accepted", by=case_manager)
    large = queries(web, f"/referrals/{referral.pk}/")
    assert (small, large) == (16, 16)
    assert Service.objects.count() == 1


def test_it_lists_consents_and_disclosures_in_the_same_queries_at_any_size(login, case_manager, client_a, housing):
    from referrals import services

    web = login(case_manager)

    def grow(count):
        for _ in range(count):
            ConsentFactory(client=client_a, organization=housing.organization, created_by=case_manager)
            referral = services.referral_create(client=client_a, service=housing, by=case_manager, reason="x",
                                                urgency="routine", shared_items=["reason"])
            services.referral_send(referral=referral, by=case_manager)

    grow(SMALL)
    small = (queries(web, f"/clients/{client_a.pk}/consents/"), queries(web, f"/clients/{client_a.pk}/disclosures/"))
    grow(LARGE - SMALL)
    large = (queries(web, f"/clients/{client_a.pk}/consents/"), queries(web, f"/clients/{client_a.pk}/disclosures/"))
    assert web.get(f"/clients/{client_a.pk}/disclosures/").content.decode().count("Referral sent") == LARGE
    assert small == large == (10, 10)
