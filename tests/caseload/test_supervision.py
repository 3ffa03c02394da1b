"""The supervisor's arithmetic: acuity, ratios and weighted loads per FTE, team and agency totals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseload import acuity
from caseload.models import AgencySettings, Reminder
from caseload.supervision import dashboard, per_fte
from tests.factories import (
    ClientFactory,
    InstrumentResponseFactory,
    ProgressNoteFactory,
    RiskFlagFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _row(board, user):
    return next(row for team in board.teams for row in team.rows if row.user == user)


class TestAcuity:
    def test_the_record_decides_the_level(self, client_a, case_manager):
        assert acuity.acuity_refresh(client_a.pk) == "low"
        InstrumentResponseFactory(client=client_a, instrument="phq9", severity="moderate", complete=True)
        assert acuity.acuity_refresh(client_a.pk) == "moderate"
        flag = RiskFlagFactory(client=client_a)
        assert acuity.acuity_refresh(client_a.pk) == "high"
        InstrumentResponseFactory(client=client_a, instrument="cssrs", severity="high", complete=True)
        assert acuity.acuity_refresh(client_a.pk) == "crisis"
        flag.cleared_at = timezone.now()
        flag.save()
        client_a.refresh_from_db()
        assert client_a.acuity == "crisis"  # still the C-SSRS

    def test_raising_a_risk_flag_through_the_service_raises_the_level(self, client_a, case_manager):
        from assessments.services import risk_flag_raise

        risk_flag_raise(client=client_a, kind="suicide", reason="Said he has a plan", by=case_manager)
        client_a.refresh_from_db()
        assert (client_a.acuity, client_a.acuity_derived) == ("high", "high")

    def test_the_case_manager_sets_a_level_with_a_reason_until_withdrawn(self, client_a, case_manager):
        with pytest.raises(Exception, match="Say why"):
            acuity.acuity_set(client=client_a, by=case_manager, level="high", reason=" ")
        acuity.acuity_set(client=client_a, by=case_manager, level="high", reason="Evicted last week; daily calls")
        client_a.refresh_from_db()
        assert (client_a.acuity, client_a.acuity_derived) == ("high", "low")
        acuity.acuity_set(client=client_a, by=case_manager, level="moderate", reason="Housed again")
        assert client_a.acuity_ratings.filter(withdrawn_at__isnull=True).count() == 1
        acuity.acuity_withdraw(client=client_a, by=case_manager)
        client_a.refresh_from_db()
        assert client_a.acuity == "low"


class TestArithmetic:
    def test_per_fte_rounds_and_refuses_to_divide_by_nothing(self):
        assert per_fte(Decimal("29"), Decimal("0.5")) == Decimal("58.0")
        assert per_fte(7, Decimal("0.75")) == Decimal("9.3")
        assert per_fte(10, Decimal("0")) is None

    def test_weighted_load_is_the_sum_of_weights_per_fte(self, supervisor, team_north):
        AgencySettings.objects.update_or_create(pk=1, defaults={"acuity_weights": {"low": 1, "moderate": 1.5, "high": 2, "crisis": 3}})
        part_time = UserFactory(username="pia", first_name="Pia", fte=Decimal("0.50"), teams=[team_north])
        for level, count in (("low", 10), ("moderate", 4), ("high", 2), ("crisis", 1)):
            ClientFactory.create_batch(count, case_manager=part_time, acuity=level)
        ClientFactory(case_manager=part_time, status="referred", acuity="crisis")  # not active: not counted
        ClientFactory(case_manager=part_time, status="discharged")
        row = _row(dashboard(supervisor), part_time)
        assert row.active == 17
        assert row.weighted == Decimal("23.0")  # 10 + 6 + 4 + 3
        assert row.ratio == Decimal("34.0") and row.weighted_load == Decimal("46.0")
        assert not row.over_target  # target 50
        part_time.fte = Decimal("0.40")
        part_time.save()
        row = _row(dashboard(supervisor), part_time)
        assert row.weighted_load == Decimal("57.5") and row.over_target

    def test_an_empty_caseload_is_zero_not_missing(self, supervisor, case_manager):
        row = _row(dashboard(supervisor), case_manager)
        assert (row.active, row.ratio, row.weighted_load, row.over_target) == (0, Decimal("0.0"), Decimal("0.0"), False)

    def test_overdue_work_is_counted_per_case_manager(self, supervisor, case_manager, client_a):
        today = timezone.localdate()
        ProgressNoteFactory(client=client_a, author=case_manager, contact_at=timezone.now() - timedelta(days=3))
        ProgressNoteFactory(client=client_a, author=case_manager, contact_at=timezone.now() - timedelta(days=40),
                            status="signed")
        ProgressNoteFactory(client=client_a, author=case_manager, contact_type="collateral")
        RiskFlagFactory(client=client_a)
        RiskFlagFactory(client=client_a)  # two flags, one client
        Reminder.objects.create(key="k1", kind="no_contact", client=client_a, assignee=case_manager, title="x",
                                due_on=today)
        from tests.factories import CarePlanFactory

        CarePlanFactory(client=client_a, status="active", review_on=today - timedelta(days=1))
        row = _row(dashboard(supervisor), case_manager)
        assert row.contacts_30_days == 1  # the collateral call is not contact with the client
        assert row.unsigned_notes == 2
        assert (row.no_contact, row.overdue_reviews, row.awaiting_signatures, row.risk_flags) == (1, 1, 0, 1)

    def test_team_and_agency_totals(self, administrator, supervisor, case_manager, teammate, team_north):
        other_team = TeamFactory(name="Intensive", target_ratio=20)
        other_team.members.add(teammate)  # Anton works in both teams
        ClientFactory.create_batch(3, case_manager=case_manager)
        ClientFactory.create_batch(2, case_manager=teammate, acuity="high")
        board = dashboard(administrator)
        north = next(team for team in board.teams if team.team == team_north)
        intensive = next(team for team in board.teams if team.team == other_team)
        assert (north.totals.case_managers, north.totals.active, north.totals.weighted) == (2, 5, Decimal("7.0"))
        assert north.totals.fte == Decimal("2.00") and north.totals.ratio == Decimal("2.5")
        assert north.totals.weighted_load == Decimal("3.5")
        assert (intensive.totals.case_managers, intensive.totals.active) == (1, 2)
        assert board.agency.case_managers == 2 and board.agency.active == 5  # Anton counted once
        assert [team.team.name for team in dashboard(supervisor).teams] == ["North Community Team"]

    def test_the_queries_do_not_grow_with_case_managers_or_clients(self, administrator, team_north):
        counts = []
        for size in (2, 12):
            for _ in range(size - team_north.members.count()):
                manager = UserFactory(teams=[team_north])
                ClientFactory.create_batch(3, case_manager=manager)
            AgencySettings.load()
            with CaptureQueriesContext(connection) as queries:
                dashboard(administrator)
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
