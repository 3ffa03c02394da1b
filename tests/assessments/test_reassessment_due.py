from datetime import date

from assessments.selectors import reassessments_due
from caseload.models import AgencySettings
from tests.factories import ClientFactory, InstrumentResponseFactory


def test_it_finds_the_reassessments_due_in_one_query(case_manager, django_assert_num_queries):
    due = ClientFactory(case_manager=case_manager, legal_family_name="Due")
    recent = ClientFactory(case_manager=case_manager, legal_family_name="Recent")
    discharged = ClientFactory(case_manager=case_manager, legal_family_name="Gone", status="discharged")
    InstrumentResponseFactory(client=due, instrument="phq9", administered_on=date(2026, 9, 1))
    InstrumentResponseFactory(client=due, instrument="phq9", administered_on=date(2026, 10, 20))  # latest: due 19 Nov
    InstrumentResponseFactory(client=due, instrument="auditc", administered_on=date(2026, 10, 1))  # due in January
    InstrumentResponseFactory(client=recent, instrument="phq9", administered_on=date(2026, 11, 10))
    InstrumentResponseFactory(client=discharged, instrument="phq9", administered_on=date(2026, 1, 1))
    AgencySettings.load()
    with django_assert_num_queries(1):
        rows = [(r.client.legal_family_name, r.instrument, r.administered_on) for r in reassessments_due(date(2026, 11, 23))]
    assert rows == [("Due", "phq9", date(2026, 10, 20))]


def test_it_follows_the_agencys_interval(case_manager):
    client = ClientFactory(case_manager=case_manager)
    InstrumentResponseFactory(client=client, instrument="phq9", administered_on=date(2026, 11, 10))
    assert not reassessments_due(date(2026, 11, 23)).exists()
    settings_row = AgencySettings.load()
    settings_row.reassessment_days = {"phq9": 7}
    settings_row.save()
    assert reassessments_due(date(2026, 11, 23)).count() == 1
