"""Every URL that takes a client, or a record that belongs to one, answers 404 outside the scope.

The test walks the URLconf, so a page added later is covered without anyone writing a test for it.
A URL keyword this file does not know makes the test fail: teach it below how to make such a record.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import (
    AssessmentFactory,
    CarePlanFactory,
    ConsentFactory,
    ContactFactory,
    DependantFactory,
    EmergencyAccessFactory,
    GoalFactory,
    InstrumentResponseFactory,
    ProgressNoteFactory,
    ReferralFactory,
    ReminderFactory,
    RiskFlagFactory,
)

# URL keyword → how to get a record of `client_b` (a client of the South team) for it.
CLIENT_RECORDS = {
    "client_id": lambda client: client.pk,
    "contact_id": lambda client: ContactFactory(client=client).pk,
    "dependant_id": lambda client: DependantFactory(client=client).pk,
    "response_id": lambda client: InstrumentResponseFactory(client=client).pk,
    "flag_id": lambda client: RiskFlagFactory(client=client).pk,
    "assessment_id": lambda client: AssessmentFactory(client=client).pk,
    "plan_id": lambda client: CarePlanFactory(client=client, status="closed").pk,
    "note_id": lambda client: ProgressNoteFactory(client=client).pk,
    "goal_id": lambda client: GoalFactory(plan=CarePlanFactory(client=client, status="closed")).pk,
    "reminder_id": lambda client: ReminderFactory(client=client).pk,
    "consent_id": lambda client: ConsentFactory(client=client, signed_at=None).pk,
    "referral_id": lambda client: ReferralFactory(client=client).pk,
    "grant_id": lambda client: EmergencyAccessFactory(client=client).pk,
}
# Keywords that identify nothing of a client's, with a value that exists.
NOT_CLIENT_DATA = {"code": "phq9"}
# Records that belong to one member of staff (scoped to them, tested with their own pages).
PERSONAL_RECORDS = {"notice_id", "report_id"}
# A member of staff whose caseload a supervisor opens (scoped to their teams' supervisors, tested in
# tests/caseload/test_reassignment.py): no client in the address, and an id that differs per test.
STAFF_KEYWORDS = {"user_id"}
# The receiving organization's page of a referral (referrals.partner_views) is deliberately outside
# login: the partner has no account. Its one-time token is the only key (random, stored as a hash,
# expiring, revocable, gone with the consent); tests/referrals/test_partner_link.py proves that an
# unknown, used, expired or revoked token, or one whose consent ended, shows nothing of the client.
TOKEN_KEYWORDS = {"token"}
# The Django admin is for administrators only and scopes its client list with the same function.
SKIPPED_NAMESPACES = {"admin"}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _scoped_urls(client):
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        keywords = set(pattern.pattern.regex.groupindex)
        if keywords & (PERSONAL_RECORDS | TOKEN_KEYWORDS):
            continue
        unknown = keywords - CLIENT_RECORDS.keys() - NOT_CLIENT_DATA.keys() - STAFF_KEYWORDS
        assert not unknown, f"{route}: teach tests/test_scoped_urls.py the keyword(s) {unknown}"
        if keywords & CLIENT_RECORDS.keys():
            url = "/" + route
            for keyword in keywords & CLIENT_RECORDS.keys():
                url = re.sub(rf"<\w+:{keyword}>", str(CLIENT_RECORDS[keyword](client)), url)
            for keyword in keywords & NOT_CLIENT_DATA.keys():
                url = url.replace(f"<slug:{keyword}>", NOT_CLIENT_DATA[keyword])
            found.append(url)
    return found


@pytest.fixture
def scoped_urls(client_b):
    urls = _scoped_urls(client_b)
    assert len(urls) >= 8, urls  # the walk finds the client pages (and will find later ones)
    return urls


def test_it_answers_404_to_a_case_manager_of_another_team(login, case_manager, scoped_urls, client_b):
    browser = login(case_manager)
    for url in scoped_urls:
        for method in (browser.get, browser.post):
            response = method(url)
            assert response.status_code == 404, f"{method.__name__.upper()} {url} answered {response.status_code}"
            assert client_b.legal_family_name not in response.content.decode()


def test_it_answers_404_to_a_supervisor_of_another_team(login, supervisor, scoped_urls):
    browser = login(supervisor)
    for url in scoped_urls:
        assert browser.get(url).status_code == 404, url


def test_it_opens_the_same_pages_for_an_administrator(login, administrator, scoped_urls, client_b):
    browser = login(administrator)
    for url in scoped_urls:
        response = browser.get(url)
        # A page may send a GET on to the record it belongs to (an addendum's form lives on the assessment).
        assert response.status_code in (200, 302), f"{url} answered {response.status_code}"


def test_it_sends_anonymous_visitors_to_sign_in(client, scoped_urls):
    for url in scoped_urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
