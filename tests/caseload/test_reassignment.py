"""A supervisor opens a case manager's caseload, moves clients with a preview of both loads, and sets acuity.

North team (target 50): Helle supervises Anna and Anton. Sam supervises South, where Bo works.
Default weights: low 1, moderate 1.5, high 2, crisis 3.
"""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseload import acuity
from caseload.models import AcuityRating, AgencySettings, Assignment, AuditEvent, Reminder
from caseload.services import client_assign
from clients.models import Client
from tests.factories import (
    ClientFactory,
    InstrumentResponseFactory,
    ProgressNoteFactory,
    RiskFlagFactory,
    TeamFactory,
    UserFactory,
)
from tests.statements import statement_count

pytestmark = pytest.mark.django_db


def caseload_url(user):
    return f"/supervision/case-managers/{user.pk}/"


def preview_url(user):
    return f"/supervision/case-managers/{user.pk}/move/"


def confirm_url(user):
    return f"/supervision/case-managers/{user.pk}/move/confirm/"


def acuity_url(client):
    return f"/supervision/clients/{client.pk}/acuity/"


def figures(html: str, user) -> dict[str, tuple[str, str]]:
    """The preview's before → after figures for one case manager, as the page shows them."""
    table = html.split(f'id="figures-{user.pk}"', 1)[1].split("</table>", 1)[0]
    found = {}
    for name in ("active", "ratio", "weighted"):
        row = table.split(f'class="figure-{name}"', 1)[1].split("</tr>", 1)[0]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found[name] = tuple(re.sub(r"<[^>]+>", "", cell).split()[0] for cell in cells)
    return found


def over_target(html: str, user) -> tuple[bool, bool]:
    table = html.split(f'id="figures-{user.pk}"', 1)[1].split("</table>", 1)[0]
    row = table.split('class="figure-weighted"', 1)[1].split("</tr>", 1)[0]
    before, after = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return "over target" in before, "over target" in after


@pytest.fixture
def heavy_caseload(case_manager, teammate):
    """Anna works half time with 21 active clients (12 low, 6 high, 3 crisis) and one referral; Anton
    full time with 30 low. Anna: ratio 42.0, weighted load 66.0 (over 50). Anton: 30.0 and 30.0."""
    case_manager.fte = Decimal("0.50")
    case_manager.save()
    clients = {"low": [], "high": [], "crisis": []}
    for level, count in (("low", 12), ("high", 6), ("crisis", 3)):
        for number in range(count):
            clients[level].append(ClientFactory(case_manager=case_manager, acuity=level,
                                                legal_family_name=f"{level.title()}{number:02d}"))
    clients["referred"] = ClientFactory(case_manager=case_manager, status="referred", acuity="high",
                                        legal_family_name="Referred")
    ClientFactory.create_batch(30, case_manager=teammate)
    return clients


def move_data(clients, to, reason="Anna is over target; Anton has room"):
    return {"clients": [str(client.pk) for client in clients], "to": to.pk if to else "", "reason": reason}


class TestCaseloadPage:
    def test_it_shows_my_caseloads_indicators_with_acuity_and_the_load_against_the_target(
        self, login, supervisor, case_manager, heavy_caseload
    ):
        today = timezone.localdate()
        flagged, overdue, drafted = heavy_caseload["high"][0], heavy_caseload["low"][0], heavy_caseload["low"][1]
        RiskFlagFactory(client=flagged)
        Reminder.objects.create(key="plan_review:r:1", kind="plan_review", client=overdue, assignee=case_manager,
                                title="Care plan review", due_on=today - timedelta(days=3))
        ProgressNoteFactory(client=drafted, author=case_manager, contact_at=timezone.now() - timedelta(days=2))
        acuity.acuity_set(client=heavy_caseload["low"][2], by=case_manager, level="moderate", reason="Lost his job")

        response = login(supervisor).get(caseload_url(case_manager))
        assert response.status_code == 200
        page = response.content.decode()
        load = response.context["load"]
        # One low became moderate: 11 + 1.5 + 12 + 9 = 33.5 over 0.5 FTE.
        assert (load.active, load.fte, load.ratio, load.weighted_load) == (21, Decimal("0.50"), Decimal("42.0"), Decimal("67.0"))
        assert load.over_target and load.target == 50
        assert response.context["counts"] == {"active": 21, "referred": 1, "at_risk": 1, "overdue": 1, "due_today": 0}
        assert "Caseload of Anna Lindqvist" in page and "North Community Team" in page
        assert "over target" in page and "0.50" in page and "67.0" in page and "42.0" in page
        assert "divided by FTE" in page and "low 1, moderate 1.5, high 2, crisis 3" in page
        # The same rows as My caseload: risk first, the overdue review, the unsigned note, last contact.
        order = [client.legal_family_name for client in response.context["rows"]]
        assert order[:2] == [flagged.legal_family_name, overdue.legal_family_name]
        assert "Risk flag" in page and "Care plan review · " in page and "1 unsigned note" in page
        assert "2 days ago" in page and "No contact yet" in page
        # Each row: a box to tick, and the acuity (a level set by hand is said to be).
        assert f'name="clients" value="{flagged.pk}"' in page
        assert '<span class="badge text-bg-danger">Crisis</span>' in page
        assert "set by the case manager" in page
        assert "Record a contact" not in page
        assert "Referred" in page  # referred clients are listed (and can be moved) but not counted

    def test_it_is_audited_as_a_list(self, login, supervisor, case_manager, client_a):
        login(supervisor).get(caseload_url(case_manager))
        event = AuditEvent.objects.filter(actor=supervisor, action="list").latest("at")
        assert event.summary == "caseload of Anna Lindqvist, page 1" and event.client_id is None

    def test_an_administrator_opens_anyones_caseload(self, login, administrator, outsider, client_b):
        page = login(administrator).get(caseload_url(outsider)).content.decode()
        assert "Puig" in page and "South Community Team" in page

    @pytest.mark.parametrize("who", ["other_supervisor", "case_manager", "teammate", "outsider"])
    def test_it_is_not_found_for_anyone_else(self, request, login, case_manager, teammate, client_a, who):
        browser = login(request.getfixturevalue(who))
        for user in (case_manager, teammate):
            assert browser.get(caseload_url(user)).status_code == 404
            assert browser.post(preview_url(user), move_data([client_a], teammate)).status_code == 404
            assert browser.post(confirm_url(user), move_data([client_a], teammate)).status_code == 404
        client_a.refresh_from_db()
        assert client_a.case_manager == case_manager

    def test_it_is_not_found_for_someone_who_is_not_a_case_manager_or_does_not_exist(self, login, supervisor, administrator):
        browser = login(supervisor)
        assert browser.get(caseload_url(administrator)).status_code == 404
        assert browser.get("/supervision/case-managers/999999/").status_code == 404

    def test_anonymous_visitors_sign_in_first(self, client, case_manager):
        response = client.get(caseload_url(case_manager))
        assert response.status_code == 302 and response.url.startswith("/login/")

    def test_a_client_of_a_team_the_supervisor_does_not_supervise_is_not_listed(self, login, supervisor, teammate, team_north):
        intensive = TeamFactory(name="Intensive", target_ratio=20)
        intensive.members.add(teammate)
        ClientFactory(case_manager=teammate, legal_family_name="Northclient", team=team_north)
        elsewhere = ClientFactory(case_manager=teammate, legal_family_name="Intensiveclient", team=intensive)
        page = login(supervisor).get(caseload_url(teammate)).content.decode()
        assert "Northclient" in page and "Intensiveclient" not in page
        assert "1 more client on this page belongs to a team you do not supervise" in page
        # Nor can it be moved from here.
        response = login(supervisor).post(preview_url(teammate), move_data([elsewhere], supervisor))
        assert "1 of the ticked clients is no longer with Anton Berg" in response.content.decode()

    def test_an_emergency_grant_lets_a_supervisor_read_a_client_but_not_move_it(
        self, login, supervisor, case_manager, teammate, team_north, django_capture_on_commit_callbacks
    ):
        from tests.factories import EmergencyAccessFactory

        intensive = TeamFactory(name="Intensive", target_ratio=20)
        intensive.members.add(teammate)
        elsewhere = ClientFactory(case_manager=teammate, legal_family_name="Intensiveclient", team=intensive)
        EmergencyAccessFactory(user=supervisor, client=elsewhere)
        browser = login(supervisor)
        assert browser.get(f"/clients/{elsewhere.pk}/").status_code == 200  # the grant opens the record
        assert "Intensiveclient" not in browser.get(caseload_url(teammate)).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(confirm_url(teammate), move_data([elsewhere], case_manager), follow=True)
        assert "Nothing was moved" in response.content.decode()
        elsewhere.refresh_from_db()
        assert elsewhere.case_manager == teammate and mail.outbox == []

    def test_the_number_of_queries_does_not_grow_with_the_caseload(self, login, supervisor, case_manager):
        today = timezone.localdate()
        counts = []
        for size in (3, 30):
            for number in range(size - Client.objects.filter(case_manager=case_manager).count()):
                client = ClientFactory(case_manager=case_manager, acuity=["low", "moderate", "high", "crisis"][number % 4])
                RiskFlagFactory(client=client)
                ProgressNoteFactory(client=client, author=case_manager)
                Reminder.objects.create(key=f"plan_review:{client.pk}", kind="plan_review", client=client,
                                        assignee=case_manager, title="Care plan review", due_on=today - timedelta(days=1))
            browser = login(supervisor)
            browser.get(caseload_url(case_manager))  # sessions and caches warm
            with CaptureQueriesContext(connection) as queries:
                response = browser.get(caseload_url(case_manager))
            assert len(response.context["rows"]) == size
            counts.append(statement_count(queries))
        assert counts[0] == counts[1], counts
        # Session, user, the case manager, their team, the rows with their due items, which rows I may see,
        # six load counts, the audit entry, the case managers to move to, and the session saved: 17.
        assert counts == [17, 17], [query["sql"] for query in queries.captured_queries]


class TestPreview:
    def test_it_shows_both_case_managers_before_and_after_without_moving_anything(
        self, login, supervisor, case_manager, teammate, heavy_caseload
    ):
        moving = heavy_caseload["high"][:3] + heavy_caseload["crisis"][:1] + [heavy_caseload["referred"]]
        response = login(supervisor).post(preview_url(case_manager), move_data(moving, teammate))
        assert response.status_code == 200
        page = response.content.decode()
        preview = response.context["preview"]
        # Anna: 21 − 4 active; 33 − (3 × 2 + 3) = 24 weighted; both over 0.5 FTE. The referral is not counted.
        assert figures(page, case_manager) == {
            "active": ("21", "17"), "ratio": ("42.0", "34.0"), "weighted": ("66.0", "48.0"),
        }
        # Anton, full time: 30 + 4 active; 30 + 9 weighted.
        assert figures(page, teammate) == {
            "active": ("30", "34"), "ratio": ("30.0", "34.0"), "weighted": ("30.0", "39.0"),
        }
        assert over_target(page, case_manager) == (True, False)
        assert over_target(page, teammate) == (False, False)
        assert (preview.source.after.weighted, preview.target.after.weighted) == (Decimal("24.0"), Decimal("39.0"))
        assert "Move 5 clients from Anna Lindqvist to Anton Berg" in page
        assert "not counted until seen" in page and "Anna is over target; Anton has room" in page
        for client in moving:
            assert client.client_number in page
            assert f'name="clients" value="{client.pk}"' in page  # carried to the confirmation in the body
        assert Client.objects.filter(case_manager=case_manager).count() == 22
        assert Assignment.objects.filter(assigned_by=supervisor).count() == 0 and mail.outbox == []

    def test_moving_to_someone_over_target_marks_them_over_after(self, login, supervisor, case_manager, teammate, team_north):
        teammate.fte = Decimal("0.25")
        teammate.save()
        ClientFactory.create_batch(12, case_manager=teammate)  # 12 / 0.25 = 48.0
        moving = [ClientFactory(case_manager=case_manager, acuity="crisis")]
        page = login(supervisor).post(preview_url(case_manager), move_data(moving, teammate)).content.decode()
        assert figures(page, teammate) == {"active": ("12", "13"), "ratio": ("48.0", "52.0"), "weighted": ("48.0", "60.0")}
        assert over_target(page, teammate) == (False, True)
        assert figures(page, case_manager)["weighted"] == ("3.0", "0.0")  # an empty caseload is zero, not missing

    def test_the_weights_come_from_the_agency_settings(self, login, supervisor, case_manager, teammate):
        AgencySettings.objects.update_or_create(pk=1, defaults={"acuity_weights": {"low": 1, "moderate": 2, "high": 4, "crisis": 8}})
        moving = [ClientFactory(case_manager=case_manager, acuity="high")]
        ClientFactory(case_manager=case_manager, acuity="crisis")
        page = login(supervisor).post(preview_url(case_manager), move_data(moving, teammate)).content.decode()
        assert figures(page, case_manager)["weighted"] == ("12.0", "8.0")
        assert figures(page, teammate)["weighted"] == ("0.0", "4.0")

    def test_bad_input_is_named_beside_the_fields_and_the_selection_is_kept(
        self, login, supervisor, case_manager, teammate, outsider, heavy_caseload
    ):
        browser = login(supervisor)
        chosen = heavy_caseload["high"][:2]

        nothing_ticked = browser.post(preview_url(case_manager), move_data([], teammate)).content.decode()
        assert "Tick at least one client to move." in nothing_ticked
        assert 'id="clients-error"' in nothing_ticked and "Anna is over target; Anton has room" in nothing_ticked
        assert f'<option value="{teammate.pk}" selected>' in nothing_ticked

        no_reason = browser.post(preview_url(case_manager), move_data(chosen, teammate, reason="  ")).content.decode()
        assert "Say why the clients are moving." in no_reason
        for client in chosen:
            assert f'value="{client.pk}" id="select-{client.pk}" checked>' in no_reason
        assert f'value="{heavy_caseload["high"][2].pk}" id="select-{heavy_caseload["high"][2].pk}">' in no_reason

        same = browser.post(preview_url(case_manager), move_data(chosen, case_manager)).content.decode()
        assert "Anna Lindqvist already carries these clients: choose another case manager." in same
        assert all(f'id="select-{client.pk}" checked>' in same for client in chosen)

        no_one = browser.post(preview_url(case_manager), move_data(chosen, None)).content.decode()
        assert "Choose the case manager who takes the clients." in no_one

        elsewhere = browser.post(preview_url(case_manager), move_data(chosen, outsider)).content.decode()
        assert "Select a valid choice" in elsewhere
        assert Client.objects.filter(case_manager=case_manager).count() == 22

    def test_change_the_selection_goes_back_with_everything_kept(self, login, supervisor, case_manager, teammate, heavy_caseload):
        chosen = heavy_caseload["crisis"][:2]
        page = login(supervisor).post(preview_url(case_manager), {**move_data(chosen, teammate), "change": "1"}).content.decode()
        assert "Caseload of Anna Lindqvist" in page and "is-invalid" not in page
        assert all(f'id="select-{client.pk}" checked>' in page for client in chosen)
        assert "Anna is over target; Anton has room" in page and f'<option value="{teammate.pk}" selected>' in page

    def test_no_client_id_is_ever_in_an_address(self, login, supervisor, case_manager, teammate, heavy_caseload):
        browser = login(supervisor)
        chosen = heavy_caseload["high"][:2]
        pages = [browser.get(caseload_url(case_manager)), browser.post(preview_url(case_manager), move_data(chosen, teammate))]
        for response in pages:
            for action in re.findall(r'(?:action|formaction)="([^"]*)"', response.content.decode()):
                assert not any(str(client.pk) in action for client in chosen), action
        done = browser.post(confirm_url(case_manager), move_data(chosen, teammate))
        assert done.status_code == 302 and done.url == caseload_url(case_manager)

    def test_the_preview_is_audited(self, login, supervisor, case_manager, teammate, client_a):
        login(supervisor).post(preview_url(case_manager), move_data([client_a], teammate))
        event = AuditEvent.objects.filter(actor=supervisor, action="list").latest("at")
        assert event.summary == "moving 1 clients of Anna Lindqvist: preview"


class TestConfirm:
    def test_it_moves_every_client_keeping_the_history_telling_both_and_auditing(
        self, login, supervisor, case_manager, teammate, heavy_caseload, django_capture_on_commit_callbacks
    ):
        moving = heavy_caseload["high"][:3] + heavy_caseload["crisis"][:1]
        browser = login(supervisor)
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(confirm_url(case_manager), move_data(moving, teammate), follow=True)
        page = response.content.decode()
        assert "4 clients moved from Anna Lindqvist to Anton Berg. Both have been told." in page
        # The numbers on the caseload page changed: 17 active, weighted load 48.0, no longer over target.
        load = response.context["load"]
        assert (load.active, load.ratio, load.weighted_load, load.over_target) == (17, Decimal("34.0"), Decimal("48.0"), False)
        for client in moving:
            client.refresh_from_db()
            assert client.case_manager == teammate and client.team.name == "North Community Team"
            history = list(Assignment.objects.filter(client=client).order_by("started_at"))
            assert [a.case_manager for a in history] == [case_manager, teammate]
            assert history[0].ended_at is not None and history[1].ended_at is None
            assert (history[1].assigned_by, history[1].reason) == (supervisor, "Anna is over target; Anton has room")
            assert history[1].notified_at is not None
            changes = AuditEvent.objects.filter(client=client, action="update", object_type="clients.Client", actor=supervisor)
            assert any(event.changes.get("case_manager_id") == [case_manager.pk, teammate.pk] for event in changes)
            assert AuditEvent.objects.filter(client=client, action="create", object_type="caseload.Assignment",
                                             actor=supervisor).exists()
        # Each case manager gets one mail naming every client of the move: by client number, never by name.
        assert sorted(message.to[0] for message in mail.outbox) == ["anna@agency.example", "anton@agency.example"]
        to_anna, to_anton = sorted(mail.outbox, key=lambda message: message.to[0])
        for client in moving:
            assert f"Client {client.client_number} has moved to Anton Berg." in to_anna.body
            assert f"Client {client.client_number} has been assigned to you." in to_anton.body
        assert to_anton.body.count("Reason: Anna is over target; Anton has room") == 4
        assert not any(client.legal_family_name in message.body for message in mail.outbox for client in moving)

    def test_if_one_client_cannot_move_none_does(
        self, login, supervisor, case_manager, teammate, heavy_caseload, django_capture_on_commit_callbacks
    ):
        moving = heavy_caseload["low"][:3]
        calls = []

        def fails_on_the_second(**kwargs):
            calls.append(kwargs["client"].pk)
            if len(calls) == 2:
                raise ValidationError({"case_manager": "Anton Berg's account is not active."})
            return client_assign(**kwargs)

        with (
            mock.patch("caseload.reassignment_views.client_assign", side_effect=fails_on_the_second),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = login(supervisor).post(confirm_url(case_manager), move_data(moving, teammate), follow=True)
        assert len(calls) == 2
        assert "Nothing was moved: Anton Berg&#x27;s account is not active." in response.content.decode()
        assert Client.objects.filter(pk__in=[c.pk for c in moving], case_manager=case_manager).count() == 3
        assert Assignment.objects.filter(client__in=moving).count() == 3  # the intake rows only
        assert Assignment.objects.filter(client__in=moving, ended_at__isnull=True).count() == 3
        assert callbacks == [] and mail.outbox == []

    def test_a_stale_preview_is_refused_and_nothing_moves(
        self, login, supervisor, case_manager, teammate, heavy_caseload, django_capture_on_commit_callbacks
    ):
        moving = heavy_caseload["high"][:3]
        browser = login(supervisor)
        assert browser.post(preview_url(case_manager), move_data(moving, teammate)).status_code == 200
        # Meanwhile a colleague moves one of them.
        colleague = UserFactory(username="marc", first_name="Marc", teams=[])
        client_assign(client=moving[1], case_manager=colleague, by=supervisor, reason="Leave cover")
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(confirm_url(case_manager), move_data(moving, teammate), follow=True)
        page = response.content.decode()
        assert "Nothing was moved: 1 of the clients in the preview is no longer with Anna Lindqvist" in page
        assert response.context["load"].active == 20  # the one the colleague moved is gone; the rest stay
        assert Client.objects.filter(pk__in=[moving[0].pk, moving[2].pk], case_manager=case_manager).count() == 2
        assert not Assignment.objects.filter(case_manager=teammate, client__in=moving).exists()
        assert mail.outbox == []

    @pytest.mark.parametrize("meanwhile", ["discharged", "another team", "moved back and forth"])
    def test_a_client_discharged_or_out_of_scope_meanwhile_stops_the_move(
        self, login, supervisor, case_manager, teammate, team_south, heavy_caseload, meanwhile
    ):
        moving = heavy_caseload["low"][:2]
        changed = moving[0]
        if meanwhile == "discharged":
            Client.objects.filter(pk=changed.pk).update(status="discharged")
        elif meanwhile == "another team":
            Client.objects.filter(pk=changed.pk).update(team=team_south)  # no longer Helle's to see
        else:
            client_assign(client=changed, case_manager=teammate, by=supervisor, reason="Cover")
            client_assign(client=changed, case_manager=case_manager, by=supervisor, reason="Back")
        response = login(supervisor).post(confirm_url(case_manager), move_data(moving, teammate), follow=True)
        if meanwhile == "moved back and forth":
            # Back with Anna: the preview's numbers still hold, and the move goes ahead.
            assert "2 clients moved" in response.content.decode()
            return
        assert "Nothing was moved" in response.content.decode()
        assert Client.objects.get(pk=moving[1].pk).case_manager == case_manager

    def test_a_tampered_post_is_refused_beside_the_fields(self, login, supervisor, case_manager, teammate, client_a):
        response = login(supervisor).post(confirm_url(case_manager), {"clients": ["not-an-id"], "to": teammate.pk, "reason": "x"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "The selection could not be read." in page and "Give a reason a colleague will understand later." in page
        client_a.refresh_from_db()
        assert client_a.case_manager == case_manager


class TestAcuityForm:
    @pytest.fixture
    def scored(self, client_a, case_manager):
        """Mikkel: a PHQ-9 at moderately severe and a GAD-7 at mild; no risk flag."""
        InstrumentResponseFactory(client=client_a, instrument="phq9", total=17, band_label="Moderately severe",
                                  severity="moderately_severe", administered_on=timezone.localdate() - timedelta(days=3))
        InstrumentResponseFactory(client=client_a, instrument="phq9", total=4, band_label="Minimal", severity="minimal",
                                  administered_on=timezone.localdate() - timedelta(days=60))  # not the latest
        InstrumentResponseFactory(client=client_a, instrument="gad7", total=6, band_label="Mild", severity="mild",
                                  answers={str(n): 1 for n in range(1, 8)})
        acuity.acuity_refresh(client_a.pk)
        return client_a

    def test_it_shows_the_derived_level_and_why(self, login, case_manager, scored):
        RiskFlagFactory(client=scored, reason="Said he has a plan")
        page = login(case_manager).get(acuity_url(scored)).content.decode()
        assert "What the record shows: High" in page and "Level in force: High" in page
        findings = page.split('id="findings"', 1)[1].split("</table>", 1)[0]
        assert "Open risk flag" in findings and "Said he has a plan" in findings
        assert "Latest PHQ-9" in findings and "17 · Moderately severe" in findings
        assert "Minimal" not in findings  # only the latest result of each instrument
        assert "Latest GAD-7" in findings and "6 · Mild" in findings
        assert findings.count("decides the level") == 2  # the flag and the PHQ-9; the GAD-7 points to low
        assert "nobody has set a level" in page and "counts as 2 in the case manager" in page

    def test_with_nothing_in_the_record_it_is_low(self, login, case_manager, client_a):
        page = login(case_manager).get(acuity_url(client_a)).content.decode()
        assert "No open risk flag and no completed screening instrument: the record points to low." in page

    def test_the_case_manager_sets_a_level_with_a_reason_and_withdraws_it(self, login, case_manager, scored):
        browser = login(case_manager)
        response = browser.post(acuity_url(scored), {"action": "set", "level": "crisis", "reason": "Evicted; calls daily"}, follow=True)
        page = response.content.decode()
        assert "Acuity set to crisis." in page and "Level in force: Crisis" in page
        assert "Set by Anna Lindqvist" in page and "Evicted; calls daily" in page and "The record alone points to High" in page
        scored.refresh_from_db()
        assert (scored.acuity, scored.acuity_derived) == ("crisis", "high")
        rating = AcuityRating.objects.get(client=scored)
        assert AuditEvent.objects.filter(client=scored, action="create", object_type="caseload.AcuityRating",
                                         object_id=str(rating.pk), actor=case_manager).exists()

        response = browser.post(acuity_url(scored), {"action": "withdraw"}, follow=True)
        page = response.content.decode()
        assert "the level is now what the record shows, high" in page and "Withdrawn by Anna Lindqvist" in page
        scored.refresh_from_db()
        assert scored.acuity == "high"
        assert AcuityRating.objects.filter(client=scored, withdrawn_at__isnull=True).count() == 0

    def test_a_level_without_a_reason_is_refused_beside_the_field(self, login, case_manager, scored):
        response = login(case_manager).post(acuity_url(scored), {"action": "set", "level": "low", "reason": "   "})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Say why the level differs from what the record shows." in page
        assert re.search(r'<input[^>]*value="low"[^>]*checked', page)  # the chosen level stays ticked
        no_level = login(case_manager).post(acuity_url(scored), {"action": "set", "reason": "Housed again"}).content.decode()
        assert "Choose a level." in no_level and "Housed again" in no_level
        assert not AcuityRating.objects.exists()

    def test_a_supervisor_and_an_administrator_may_set_it_too(self, login, supervisor, administrator, client_a):
        for person, level in ((supervisor, "high"), (administrator, "moderate")):
            response = login(person).post(acuity_url(client_a), {"action": "set", "level": level, "reason": "Discussed in supervision"})
            assert response.status_code == 302
            client_a.refresh_from_db()
            assert client_a.acuity == level

    def test_a_teammate_who_may_see_the_client_reads_it_but_cannot_change_it(self, login, teammate, client_a):
        AgencySettings.objects.update_or_create(pk=1, defaults={"case_managers_see_team_clients": True})
        browser = login(teammate)
        page = browser.get(acuity_url(client_a)).content.decode()
        assert "Level in force: Low" in page and "Set the level</button>" not in page
        response = browser.post(acuity_url(client_a), {"action": "set", "level": "crisis", "reason": "Worried"})
        assert response.status_code == 403
        assert not AcuityRating.objects.exists()

    @pytest.mark.parametrize("who", ["outsider", "other_supervisor"])
    def test_outside_the_scope_it_is_not_found(self, request, login, client_a, who):
        browser = login(request.getfixturevalue(who))
        assert browser.get(acuity_url(client_a)).status_code == 404
        response = browser.post(acuity_url(client_a), {"action": "set", "level": "crisis", "reason": "Guessing"})
        assert response.status_code == 404 and "Sørensen" not in response.content.decode()
        assert browser.post(acuity_url(client_a), {"action": "withdraw"}).status_code == 404
        assert not AcuityRating.objects.exists()

    def test_the_client_header_links_to_it_with_the_level(self, login, case_manager, scored):
        page = login(case_manager).get(f"/clients/{scored.pk}/").content.decode()
        assert f'href="{acuity_url(scored)}">Acuity: High</a>' in page
