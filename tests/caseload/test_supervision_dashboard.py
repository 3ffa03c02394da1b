"""The supervisor's dashboard: the page, its charts, the CSV, the PDF report and the monthly snapshots."""

import csv
import hashlib
import io
import os
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseload import supervision_tasks as tasks
from caseload.models import AgencySettings, AuditEvent, SupervisionReport, TeamSnapshot
from caseload.supervision import dashboard
from caseload.supervision_charts import Bar, TrendPoint, load_bars, nice_top, ratio_trend, trend_months
from caseload.supervision_views import csv_cell
from tests.factories import ClientFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/supervision/"
EXPORT = "/supervision/export.csv"
REPORT = "/supervision/report/"


def files_under(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "private-files")
    return tmp_path / "private-files"


@pytest.fixture
def overloaded(case_manager, teammate):
    """Anna works half time with 13 clients at high acuity: 26 / 0.5 = 52 against North's target of 50."""
    case_manager.fte = Decimal("0.50")
    case_manager.save()
    ClientFactory.create_batch(13, case_manager=case_manager, acuity="high")
    ClientFactory.create_batch(3, case_manager=teammate)
    return case_manager


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- Who may open it ----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client):
    for url in (DASHBOARD, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_case_manager_is_told_the_pages_do_not_exist(login, case_manager, supervisor, media):
    report = SupervisionReport.objects.create(requested_by=case_manager)  # even one made in their name
    browser = login(case_manager)
    assert browser.get(DASHBOARD).status_code == 404
    assert browser.get(EXPORT).status_code == 404
    assert browser.post(REPORT).status_code == 404
    assert browser.get(reverse("supervision:report_status", args=[report.pk])).status_code == 404
    assert browser.get(reverse("supervision:report_download", args=[report.pk])).status_code == 404
    assert SupervisionReport.objects.count() == 1


def test_a_supervisor_sees_only_their_teams_and_an_administrator_sees_all(
    login, supervisor, administrator, case_manager, outsider, team_south
):
    page = login(supervisor).get(DASHBOARD).content.decode()
    assert "North Community Team" in page and "Anna Lindqvist" in page
    assert "South Community Team" not in page and "Bo Madsen" not in page

    page = login(administrator).get(DASHBOARD).content.decode()
    assert "North Community Team" in page and "South Community Team" in page
    assert "Anna Lindqvist" in page and "Bo Madsen" in page
    assert f'href="#team-{team_south.pk}"' in page  # the jump list, with more than one team


def test_a_supervisor_without_a_team_is_told_so(login, db):
    lonely = UserFactory(username="lone", role="supervisor")
    assert "You supervise no team yet" in login(lonely).get(DASHBOARD).content.decode()


# --- What the page shows --------------------------------------------------------------------------


def test_it_shows_the_numbers_and_marks_the_case_manager_over_target(login, supervisor, overloaded, teammate):
    response = login(supervisor).get(DASHBOARD)
    page = response.content.decode()
    assert response.status_code == 200

    anna = re.search(r'<tr class="row-over">.*?</tr>', page, re.S).group(0)
    assert "Anna Lindqvist" in anna
    assert "0.50" in anna and ">13<" in anna  # FTE and active clients
    assert "26.0" in anna  # clients per FTE
    assert "52.0" in anna and "over target" in anna  # in words, not only in colour
    assert "13 high" in anna
    assert page.count('class="row-over"') == 1  # Anton, 3 clients full time, is not marked
    assert re.search(r'<p class="count mb-0"><span aria-hidden="true">▲ </span>1</p>\s*<p class="mb-0">case manager over target', page)
    assert (
        "Weighted load is the sum of each active client's acuity weight (low 1, moderate 1.5, high 2, crisis 3) "
        "divided by the case manager's FTE"
    ) in page


def test_the_team_totals_are_the_sums_and_ratios_per_fte(login, supervisor, overloaded, teammate):
    board = dashboard(supervisor)
    north = board.teams[0]
    assert (north.totals.active, north.totals.fte, north.totals.ratio, north.totals.weighted_load) == (
        16, Decimal("1.50"), Decimal("10.7"), Decimal("19.3"))
    page = login(supervisor).get(DASHBOARD).content.decode()
    totals = re.search(r'<tr class="totals-row">.*?</tr>', page, re.S).group(0)
    assert ">16<" in totals and "10.7" in totals and "19.3" in totals and "1.50" in totals


def test_the_formula_names_the_agencys_own_weights(login, supervisor, case_manager):
    AgencySettings.objects.update_or_create(
        pk=1, defaults={"acuity_weights": {"low": 1, "moderate": 1.25, "high": 2.5, "crisis": 4}})
    page = login(supervisor).get(DASHBOARD).content.decode()
    assert "(low 1, moderate 1.25, high 2.5, crisis 4)" in page


def test_each_chart_has_a_text_alternative(login, supervisor, overloaded):
    page = login(supervisor).get(DASHBOARD).content.decode()
    assert page.count("<svg") == 1  # the bars; no snapshots yet, so no trend
    assert "No monthly snapshots yet" in page
    chart = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in chart and "aria-labelledby=" in chart
    assert "1 of 2 case managers are over the target of 50." in chart
    assert "This chart as a table" in page


def test_it_links_each_name_to_the_case_managers_caseload_when_that_page_exists(login, supervisor, case_manager):
    from caseload.supervision_views import _caseload_links

    page = login(supervisor).get(DASHBOARD).content.decode()
    if _caseload_links():
        assert reverse("reassignment:caseload", kwargs={"user_id": case_manager.pk}) in page
    else:
        assert "Anna Lindqvist" in page


def test_the_queries_do_not_grow_with_case_managers_or_clients(login, administrator, team_north, team_south):
    browser = login(administrator)
    counts = []
    for size in (2, 10):
        while team_north.members.count() < size:
            manager = UserFactory(teams=[team_north])
            ClientFactory.create_batch(3, case_manager=manager, acuity="moderate")
        month = (timezone.localdate() - timedelta(days=31 * size)).replace(day=1)
        TeamSnapshot.objects.create(team=team_north, month=month, case_managers=size, fte=size, active_clients=3 * size)
        browser.get(DASHBOARD)  # the agency settings and the session are cached by the first request
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(DASHBOARD).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- The charts -----------------------------------------------------------------------------------


def test_the_bars_mark_an_over_target_bar_with_a_pattern_and_words():
    svg = load_bars([Bar("Anna", Decimal("62.5")), Bar("Anton", Decimal("31.0")), Bar("Pia", None)],
                    target=50, chart_id="load-1", title="North")
    assert svg.count('class="load-bar load-bar-over"') == 1
    assert 'fill="url(#load-1-over)"' in svg and '<pattern id="load-1-over"' in svg
    assert "62.5 ▲ over target" in svg
    assert ">31<" in svg and "no FTE recorded" in svg
    assert "target 50" in svg
    assert "<desc id=\"load-1-desc\">1 of 3 case managers are over the target of 50. Anna 62.5 (12.5 over).</desc>" in svg


def test_the_bars_escape_names():
    svg = load_bars([Bar("<script>x</script>", Decimal("1"))], target=50, chart_id="c", title="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_the_trend_draws_the_months_it_has_with_the_target_and_a_gap_for_a_missing_month():
    months = trend_months(date(2026, 11, 23))
    assert (months[0], months[-1], len(months)) == (date(2025, 11, 1), date(2026, 11, 1), 13)
    points = [TrendPoint(date(2026, 8, 1), Decimal("44.0")), TrendPoint(date(2026, 9, 1), Decimal("55.5")),
              TrendPoint(date(2026, 11, 1), Decimal("48.0"))]
    svg = ratio_trend(points, months=months, target=50, chart_id="trend-1", title="North")
    assert svg.count("<polyline") == 2  # October was not measured: the line breaks there
    assert svg.count(f'fill="{"#a04a00"}" stroke="#fff"') == 1  # one month above target, drawn as a square
    assert "above target" in svg and "target 50" in svg
    assert "Above the target of 50 in 1 of 3 months." in svg
    assert ratio_trend([], months=months, target=50, chart_id="t", title="x") is None


def test_the_axis_ends_on_a_round_number():
    assert nice_top(62.5) == (80, 20)
    assert nice_top(25) == (25, 5)
    assert nice_top(113) == (125, 25)
    assert nice_top(0) == (1.0, 0.2)


# --- CSV ------------------------------------------------------------------------------------------


def test_the_csv_has_the_rows_and_totals_and_neutralises_formulas(login, supervisor, overloaded, team_north):
    rogue = UserFactory(username="rogue", first_name="=HYPERLINK(\"http://evil.example\",\"x\")", last_name="",
                        teams=[team_north])
    ClientFactory(case_manager=rogue)
    response = login(supervisor).get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    header = rows[0]
    assert header[:5] == ["Team", "Target (clients per FTE)", "Case manager", "FTE", "Active clients"]
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    anna = by_name["Anna Lindqvist"]
    assert (anna["FTE"], anna["Active clients"], anna["High"], anna["Weighted load per FTE"], anna["Over target"]) == (
        "0.50", "13", "13", "52.0", "yes")
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in by_name
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[-2][2] == "Team total (3)" and rows[-1][0] == "Agency"
    assert rows[-1][4] == "17"


def test_every_formula_start_is_neutralised():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(dangerous) == "'" + dangerous
    assert csv_cell("Anna") == "Anna" and csv_cell(Decimal("1.5")) == "1.5" and csv_cell(None) == ""


def test_the_csv_export_is_in_the_audit_trail(login, supervisor, case_manager):
    login(supervisor).get(EXPORT)
    event = AuditEvent.objects.get(action="export")
    assert event.actor == supervisor and "CSV" in event.summary


# --- The PDF report -------------------------------------------------------------------------------


def test_a_report_is_queued_after_the_commit_and_rendered_once(
    login, supervisor, overloaded, media, django_capture_on_commit_callbacks
):
    browser = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = browser.post(REPORT)
    assert response.status_code == 302 and len(callbacks) == 1
    report = SupervisionReport.objects.get()
    assert report.requested_by == supervisor
    assert (report.status, report.attempts) == (SupervisionReport.Status.READY, 1)
    assert files_under(media) == [f"supervision/{report.pk}.pdf"]
    stored = (media / report.file.name).read_bytes()
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == report.sha256

    assert tasks.render_supervision_report(str(report.pk)) is False  # delivered twice: nothing more
    report.refresh_from_db()
    assert (report.status, report.attempts) == (SupervisionReport.Status.READY, 1)
    assert files_under(media) == [f"supervision/{report.pk}.pdf"]

    page = browser.get(DASHBOARD).content.decode()
    assert f'data-pdf-status="{reverse("supervision:report_status", args=[report.pk])}"' in page
    assert reverse("supervision:report_download", args=[report.pk]) in page
    state = browser.get(reverse("supervision:report_status", args=[report.pk])).json()
    assert state["status"] == "ready" and state["download"].endswith("/download/")


def test_pressing_twice_makes_one_report(login, supervisor, case_manager):
    browser = login(supervisor)
    browser.post(REPORT)  # queued, not yet rendered: the commit never comes in this test
    browser.post(REPORT)
    assert SupervisionReport.objects.count() == 1


def test_only_the_requester_downloads_the_report(
    login, supervisor, administrator, other_supervisor, case_manager, media
):
    report = SupervisionReport.objects.create(requested_by=supervisor)
    tasks.render_supervision_report(str(report.pk))
    status_url = reverse("supervision:report_status", args=[report.pk])
    download_url = reverse("supervision:report_download", args=[report.pk])
    for someone in (other_supervisor, administrator):
        browser = login(someone)
        assert browser.get(status_url).status_code == 404
        assert browser.get(download_url).status_code == 404

    response = login(supervisor).get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="download", actor=supervisor, object_id=str(report.pk)).exists()


def test_a_report_not_ready_is_not_downloaded(login, supervisor, case_manager):
    report = SupervisionReport.objects.create(requested_by=supervisor)
    response = login(supervisor).get(reverse("supervision:report_download", args=[report.pk]))
    assert response.status_code == 302 and response.url.endswith("#report")


def test_a_failed_render_is_retried_and_the_attempts_are_capped(supervisor, case_manager, media, monkeypatch):
    report = SupervisionReport.objects.create(requested_by=supervisor)
    calls = []

    def broken(report):
        calls.append(report.pk)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tasks, "render_report_pdf_bytes", broken)
    with pytest.raises(OSError):
        tasks.render_supervision_report(str(report.pk))
    report.refresh_from_db()
    assert (report.status, report.error) == (SupervisionReport.Status.QUEUED, "OSError ENOSPC on attempt 1 of 5")

    for _attempt in range(SupervisionReport.MAX_ATTEMPTS - 1):
        with pytest.raises(OSError):
            tasks.render_supervision_report(str(report.pk))
    report.refresh_from_db()
    assert (report.status, report.attempts) == (SupervisionReport.Status.FAILED, SupervisionReport.MAX_ATTEMPTS)

    assert tasks.render_supervision_report(str(report.pk)) is False  # a redelivered message: no sixth attempt
    assert len(calls) == SupervisionReport.MAX_ATTEMPTS and files_under(media) == []


def test_an_error_a_retry_cannot_fix_fails_at_once(supervisor, media, monkeypatch):
    report = SupervisionReport.objects.create(requested_by=supervisor)

    def broken(report):
        raise ValueError("cannot lay out Anna Lindqvist")

    monkeypatch.setattr(tasks, "render_report_pdf_bytes", broken)
    with pytest.raises(ValueError):
        tasks.render_supervision_report(str(report.pk))
    report.refresh_from_db()
    assert (report.status, report.error) == (SupervisionReport.Status.FAILED, "ValueError on attempt 1 of 5")


def test_a_report_whose_message_was_lost_is_sent_again_when_its_page_asks(
    login, supervisor, case_manager, media, django_capture_on_commit_callbacks
):
    report = SupervisionReport.objects.create(requested_by=supervisor)
    status_url = reverse("supervision:report_status", args=[report.pk])
    browser = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert browser.get(status_url).json()["status"] == "queued"
    assert callbacks == []  # a minute old at most: the message is on its way

    SupervisionReport.objects.filter(pk=report.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        browser.get(status_url)
    report.refresh_from_db()
    assert report.status == SupervisionReport.Status.READY


@pytest.mark.pdftotext
def test_the_pdf_says_who_is_over_target(supervisor, overloaded, media):
    import subprocess

    report = SupervisionReport.objects.create(requested_by=supervisor)
    tasks.render_supervision_report(str(report.pk))
    report.refresh_from_db()
    text = subprocess.run(["pdftotext", "-layout", str(media / report.file.name), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert "Supervision report" in text and "North Community Team" in text
    assert "Anna Lindqvist" in text and "52 ▲ over target" in text
    assert "page 1 of 1" in text


# --- Monthly snapshots ------------------------------------------------------------------------------


def test_snapshots_are_taken_once_per_team_per_month(supervisor, overloaded, teammate, team_south, outsider):
    ClientFactory.create_batch(4, case_manager=outsider, acuity="crisis")
    assert tasks.take_team_snapshots() == 2
    assert tasks.take_team_snapshots() == 0  # run twice (a redelivered message, a beat restart): nothing new
    month = timezone.localdate().replace(day=1)
    north = TeamSnapshot.objects.get(team__name="North Community Team", month=month)
    assert (north.case_managers, north.fte, north.active_clients, north.weighted_load) == (
        2, Decimal("1.50"), 16, Decimal("29.00"))
    assert north.ratio == Decimal("10.7")
    south = TeamSnapshot.objects.get(team=team_south, month=month)
    assert (south.active_clients, south.weighted_load) == (4, Decimal("12.00"))

    assert tasks.take_team_snapshots("2026-03-17") == 2  # a given month, as JSON carries it
    assert TeamSnapshot.objects.filter(month=date(2026, 3, 1)).count() == 2


def test_the_trend_shows_the_snapshots(login, supervisor, team_north, case_manager):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    long_ago = (this_month - timedelta(days=800)).replace(day=1)
    TeamSnapshot.objects.create(team=team_north, month=last_month, case_managers=2, fte=2, active_clients=110)
    TeamSnapshot.objects.create(team=team_north, month=long_ago, case_managers=2, fte=2, active_clients=7)
    tasks.take_team_snapshots()
    page = login(supervisor).get(DASHBOARD).content.decode()
    trend = re.findall(r"<svg.*?</svg>", page, re.S)[1]
    assert "55" in trend and ">3.5<" not in trend  # last month's 110 clients on 2 FTE
    assert "Above the target of 50 in 1 of 2 months." in trend  # this month's (0 clients) and last month's
    assert last_month.strftime("%B %Y") in page  # the table beside it


def test_the_beat_schedule_takes_snapshots_on_the_first_of_the_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["caseload-team-snapshots"]
    assert entry["task"] == "caseload.supervision_tasks.take_team_snapshots"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {2} and schedule.minute == {0}


def test_the_second_team_of_a_case_manager_counts_them_once_for_the_agency(administrator, team_north, case_manager):
    intensive = TeamFactory(name="Intensive", target_ratio=20)
    intensive.members.add(case_manager)
    ClientFactory.create_batch(2, case_manager=case_manager)
    tasks.take_team_snapshots()
    assert TeamSnapshot.objects.count() == 2
    assert dashboard(administrator).agency.active == 2


@pytest.mark.pdftotext
def test_the_pdf_is_in_the_language_of_who_asked_for_it(supervisor, overloaded, media):
    import subprocess

    supervisor.language = "da"
    supervisor.save()
    report = SupervisionReport.objects.create(requested_by=supervisor)
    tasks.render_supervision_report(str(report.pk))
    report.refresh_from_db()
    text = subprocess.run(["pdftotext", "-layout", str(media / report.file.name), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert "Rapport til teamoverblik" in text and "Vægtet belastning pr. årsværk" in text
    assert "Supervision report" not in text and "Weighted load" not in text
