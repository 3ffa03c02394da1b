"""The scenario's referral: a housing service, and the client's consent for it (or not)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from tests.factories import ConsentFactory, InstrumentResponseFactory, OrganizationFactory, ServiceFactory


@pytest.fixture
def housing(db):
    organization = OrganizationFactory(name="Bolig Nord", hsds_id="bolig-nord", email="visitation@bolig.example")
    return ServiceFactory(organization=organization, name="Bostøtte for voksne", hsds_id="bolig-nord-1",
                          category="housing", languages=",da,en,", search_text="BOSTØTTE FOR VOKSNE BOLIG NORD")


@pytest.fixture
def consent(client_a, housing, case_manager):
    """Signed, in force, for the housing organization, not covering substance use."""
    return ConsentFactory(client=client_a, organization=housing.organization, created_by=case_manager,
                          items=["contact", "reason", "goal", "assessments"])


@pytest.fixture
def draft_referral(client_a, housing, case_manager):
    return services.referral_create(
        client=client_a, service=housing, by=case_manager, reason="Needs a stable home after discharge.",
        urgency="soon", shared_items=["contact", "reason", "assessments", "substance_use"],
    )


@pytest.fixture
def results(client_a, case_manager):
    """A PHQ-9 (shareable) and an AUDIT-C (protected substance-use information)."""
    return [
        InstrumentResponseFactory(client=client_a, instrument="phq9", total=16, band_label="Moderately severe",
                                  administered_by=case_manager),
        InstrumentResponseFactory(client=client_a, instrument="auditc", total=5, band_label="Positive",
                                  protected_substance_use=True, administered_by=case_manager),
    ]


@pytest.fixture
def sent_referral(draft_referral, consent, case_manager):
    return services.referral_send(referral=draft_referral, by=case_manager)


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)
