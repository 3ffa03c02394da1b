"""The comprehensive assessment: a draft kept as typed, signed and locked, corrected by addenda."""

import pytest

from assessments.models import Assessment, AssessmentItem, Participant, RiskFlag
from assessments.services import AssessmentLocked, assessment_save_draft
from tests.factories import AssessmentFactory


@pytest.fixture
def draft(login, case_manager, client_a):
    response = login(case_manager).post(
        f"/assessments/clients/{client_a.pk}/assessments/new/", {"occasion": "intake", "assessed_on": "2026-11-20"}
    )
    assessment = Assessment.objects.get()
    assert response.url == f"/assessments/assessments/{assessment.pk}/edit/"
    return assessment


def form_data(browser, assessment, **values):
    form = browser.get(f"/assessments/assessments/{assessment.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data.update({"people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "0", "assessed_on": "2026-11-20"})
    data.update(values)
    return data


def test_it_keeps_needs_and_goals_as_separate_items(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(
        browser, draft,
        income_housing__housing="homeless",
        income_housing__needs="Somewhere stable to live\nHelp with the housing benefit claim",
        relationships__goals="I want to see my daughter every other weekend",
        relationships__strengths="Close to his sister",
    ))
    items = {(item.domain, item.kind, item.text) for item in AssessmentItem.objects.all()}
    assert items == {
        ("income_housing", "need", "Somewhere stable to live"),
        ("income_housing", "need", "Help with the housing benefit claim"),
        ("relationships", "goal", "I want to see my daughter every other weekend"),
        ("relationships", "strength", "Close to his sister"),
    }
    page = browser.get(f"/assessments/assessments/{draft.pk}/").content.decode()
    assert "I want to see my daughter every other weekend" in page and "No home" in page


def test_it_keeps_the_draft_as_typed_and_comes_back_to_it(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(
        browser, draft, mental_state__mood_affect="Low, reactive", coping__narrative="Walks by the lake when stressed"
    ))
    page = browser.get(f"/assessments/assessments/{draft.pk}/edit/").content.decode()
    assert "Low, reactive" in page and "Walks by the lake when stressed" in page


def test_it_records_who_took_part_and_their_consent(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(
        browser, draft, **{"people-0-name": "Louise Sørensen", "people-0-role": "nominated_person",
                           "people-0-client_consented": "on", "people-1-name": "Dr Holm", "people-1-role": "professional"}
    ))
    people = {(p.name, p.role, p.client_consented) for p in Participant.objects.all()}
    assert ("Louise Sørensen", "nominated_person", True) in people and ("Dr Holm", "professional", False) in people
    assert ("Mikkel Sørensen", "client", True) in people


def test_it_raises_a_risk_flag_for_a_safety_concern_once(login, case_manager, supervisor, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, safety__harm_to_others="yes"))
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, safety__narrative="Seen again"))
    flag = RiskFlag.objects.get()
    assert flag.kind == "harm_to_others" and "Safety" in flag.reason


def test_it_refuses_a_save_over_someone_elses(login, case_manager, draft):
    browser = login(case_manager)
    stale = form_data(browser, draft, coping__narrative="Mine")
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, coping__narrative="Theirs"))
    response = browser.post(f"/assessments/assessments/{draft.pk}/edit/", stale)
    assert "saved changes to this record" in response.content.decode() and "Mine" in response.content.decode()


def test_it_signs_with_a_hash_and_then_locks(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, coping__narrative="Walks"))
    draft.refresh_from_db()
    browser.post(f"/assessments/assessments/{draft.pk}/sign/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.is_locked and len(draft.content_hash) == 64 and draft.signed_name == "Anna Lindqvist"
    page = browser.get(f"/assessments/assessments/{draft.pk}/").content.decode()
    assert "content intact" in page and draft.content_hash in page
    assert browser.get(f"/assessments/assessments/{draft.pk}/edit/").status_code == 302
    with pytest.raises(AssessmentLocked):
        assessment_save_draft(assessment=draft, by=case_manager, expected_version=draft.version, header={},
                              domains={}, participants=[])


def test_it_shows_when_signed_content_was_altered(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, coping__needs="Sleep"))
    draft.refresh_from_db()
    browser.post(f"/assessments/assessments/{draft.pk}/sign/", {"version": draft.version})
    AssessmentItem.objects.filter(assessment=draft).update(text="Something else")
    assert "content differs from what was signed" in browser.get(f"/assessments/assessments/{draft.pk}/").content.decode()


def test_it_lets_only_the_assessor_sign(login, supervisor, client_a):
    assessment = AssessmentFactory(client=client_a)
    login(supervisor).post(f"/assessments/assessments/{assessment.pk}/sign/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_it_adds_dated_addenda_to_a_signed_assessment(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/sign/", {"version": draft.version})
    response = browser.post(f"/assessments/assessments/{draft.pk}/addenda/", {"text": "Sister's phone number corrected"},
                            follow=True)
    assert "Sister&#x27;s phone number corrected" in response.content.decode()


def test_it_marks_substance_use_answers_as_protected(login, case_manager, draft):
    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(
        browser, draft, substance_use__alcohol="regular", substance_use__needs="Cut down on drinking"
    ))
    assert AssessmentItem.objects.get().protected_substance_use
    assert draft.domain_entries.get(domain="substance_use").protected_substance_use


def test_it_leaves_substance_use_information_out_of_what_is_shareable(login, case_manager, client_a, draft):
    from assessments.models import DomainEntry, InstrumentResponse
    from tests.factories import InstrumentResponseFactory

    browser = login(case_manager)
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(
        browser, draft, substance_use__needs="Cut down on drinking", income_housing__needs="Housing"
    ))
    InstrumentResponseFactory(client=client_a, instrument="auditc", protected_substance_use=True)
    InstrumentResponseFactory(client=client_a, instrument="phq9")
    assert [i.text for i in AssessmentItem.objects.shareable()] == ["Housing"]
    assert [r.instrument for r in InstrumentResponse.objects.shareable()] == ["phq9"]
    assert "substance_use" not in set(DomainEntry.objects.shareable().values_list("domain", flat=True))


def test_it_saves_the_draft_automatically_and_returns_the_new_version(login, case_manager, draft):
    browser = login(case_manager)
    data = form_data(browser, draft, coping__narrative="Typed, never clicked Save")
    response = browser.post(f"/assessments/assessments/{draft.pk}/edit/", data, HTTP_X_AUTOSAVE="1")
    draft.refresh_from_db()
    assert response.status_code == 200 and response.json()["version"] == draft.version == 2
    assert draft.domain_entries.get(domain="coping").narrative == "Typed, never clicked Save"


def test_it_refuses_an_automatic_save_over_someone_elses(login, case_manager, draft):
    browser = login(case_manager)
    stale = form_data(browser, draft, coping__narrative="Mine")
    browser.post(f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, coping__narrative="Theirs"))
    response = browser.post(f"/assessments/assessments/{draft.pk}/edit/", stale, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409 and "saved changes to this record" in response.json()["error"]
    assert draft.domain_entries.get(domain="coping").narrative == "Theirs"


def test_it_does_not_save_automatically_while_a_field_is_wrong(login, case_manager, draft):
    browser = login(case_manager)
    response = browser.post(
        f"/assessments/assessments/{draft.pk}/edit/", form_data(browser, draft, assessed_on="2999-01-01"), HTTP_X_AUTOSAVE="1"
    )
    assert response.status_code == 400 and "Not saved yet" in response.json()["error"]
