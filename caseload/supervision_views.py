"""The supervisor's dashboard, its CSV export and its PDF report. Supervisors and administrators only.

Anyone else gets 404, as for a record outside their scope: the page's existence is not theirs to know.
A report belongs to the person who asked for it; to anyone else it does not exist.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseload import audit
from caseload.acuity import LEVELS
from caseload.models import SupervisionReport, TeamSnapshot
from caseload.supervision import Dashboard, TeamLoad, Totals, dashboard
from caseload.supervision_charts import Bar, TrendPoint, load_bars, number, ratio_trend, trend_months
from caseload.supervision_tasks import report_queue, report_resend_if_stale
from caseload.two_factor import recent_password_required
from clients.models import Acuity


def supervisors_only(view):
    """Signed in, and a supervisor or an administrator; anyone else is told the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_supervisor or request.user.is_administrator):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


@dataclass
class TeamPanel:
    """One team on the dashboard: its numbers, its two charts, and the months the trend shows."""

    load: TeamLoad
    bars: SafeString
    trend: SafeString | None
    trend_points: list[TrendPoint]

    @property
    def over_target_count(self) -> int:
        return sum(1 for row in self.load.rows if row.over_target)


def weights_sentence(weights: dict) -> str:
    """'low 1, moderate 1.5, high 2, crisis 3', from the agency's settings."""
    return ", ".join(f"{str(Acuity(level).label).lower()} {number(weights[level])}" for level in LEVELS)


def dashboard_context(user, *, today: date | None = None) -> dict:
    """Everything the page and the PDF show. Queries: the dashboard's, and one for the snapshots."""
    board = dashboard(user, today=today)
    months = trend_months(board.today)
    snapshots = defaultdict(list)
    if board.teams:
        for snapshot in TeamSnapshot.objects.filter(
            team__in=[team.team for team in board.teams], month__gte=months[0], month__lte=months[-1]
        ).order_by("month"):
            snapshots[snapshot.team_id].append(TrendPoint(snapshot.month, snapshot.ratio))
    panels = []
    for team in board.teams:
        target = team.team.target_ratio
        bars = [Bar(row.user.display_name, row.weighted_load) for row in team.rows]
        panels.append(TeamPanel(
            load=team,
            bars=load_bars(bars, target=target, chart_id=f"load-{team.team.pk}",
                           title=_("Weighted load per FTE, %(team)s") % {"team": team.team.name}),
            trend=ratio_trend(snapshots[team.team.pk], months=months, target=target, chart_id=f"trend-{team.team.pk}",
                              title=_("Clients per FTE by month, %(team)s") % {"team": team.team.name}),
            trend_points=snapshots[team.team.pk],
        ))
    over_target = {row.user.pk for team in board.teams for row in team.rows if row.over_target}
    return {
        "board": board,
        "panels": panels,
        "weights_sentence": weights_sentence(board.weights),
        "over_target_count": len(over_target),
        "trend_from": months[0],
    }


def _caseload_links() -> bool:
    """Whether the case manager's caseload page exists yet (it is built beside this one)."""
    try:
        reverse("reassignment:caseload", kwargs={"user_id": 1})
    except NoReverseMatch:
        return False
    return True


@supervisors_only
@require_GET
def dashboard_page(request):
    context = dashboard_context(request.user)
    report = SupervisionReport.objects.filter(requested_by=request.user).first()
    return render(request, "caseload/supervision/dashboard.html",
                  {**context, "report": report, "caseload_links": _caseload_links()})


# A spreadsheet runs a cell that starts with one of these as a formula (and a tab or a carriage
# return can hide one behind it); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(board: Dashboard) -> list[list]:
    """The dashboard as rows: a header, each case manager, each team's total, and the agency's."""
    header = [
        _("Team"), _("Target (clients per FTE)"), _("Case manager"), _("FTE"), _("Active clients"),
        *[str(Acuity(level).label) for level in LEVELS],
        _("Clients per FTE"), _("Weighted load per FTE"), _("Over target"), _("Contacts in the last 30 days"),
        _("No-contact rule (days)"), _("Clients with no contact"), _("Overdue plan reviews"), _("Unsigned notes"),
        _("Plans awaiting signatures"), _("Open risk flags"),
    ]

    def line(team, target, who, totals_or_row, by_level, over, no_contact_days):
        counted = totals_or_row.counted if isinstance(totals_or_row, Totals) else vars(totals_or_row)
        return [
            team, target, who, totals_or_row.fte, totals_or_row.active, *[by_level.get(level, 0) for level in LEVELS],
            totals_or_row.ratio, totals_or_row.weighted_load, over, counted["contacts_30_days"], no_contact_days,
            counted["no_contact"], counted["overdue_reviews"], counted["unsigned_notes"],
            counted["awaiting_signatures"], counted["risk_flags"],
        ]

    def levels(rows) -> dict:
        sums = dict.fromkeys(LEVELS, 0)
        for row in rows:
            for level, count in row.by_level.items():
                sums[level] += count
        return sums

    yes, no = _("yes"), _("no")
    rows, agency_rows = [header], {}
    for team in board.teams:
        name, target, days = team.team.name, team.team.target_ratio, team.team.no_contact_days
        for row in team.rows:
            rows.append(line(name, target, row.user.display_name, row, row.by_level, yes if row.over_target else no, days))
            agency_rows.setdefault(row.user.pk, row)
        rows.append(line(name, target, _("Team total (%(count)s)") % {"count": team.totals.case_managers},
                         team.totals, levels(team.rows), yes if team.over_target else no, days))
    rows.append(line(_("Agency"), "", _("Agency total (%(count)s)") % {"count": board.agency.case_managers},
                     board.agency, levels(agency_rows.values()), "", ""))
    return rows


def _back_to_report(request) -> str:
    return reverse("supervision:dashboard") + "#report"


@supervisors_only
@require_GET
@recent_password_required
def export_csv(request):
    board = dashboard(request.user)
    rows = csv_rows(board)
    today = board.today.isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="supervision-{today}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    audit.record(action="export", summary=_("supervision dashboard as CSV: %(teams)s teams, %(people)s case managers") % {
        "teams": len(board.teams), "people": board.agency.case_managers})
    return response


def _report(request, report_id) -> SupervisionReport:
    """The user's own report; anyone else's does not exist."""
    report = SupervisionReport.objects.filter(pk=report_id, requested_by=request.user).first()
    if report is None:
        raise Http404("No such report")
    return report


@supervisors_only
@require_POST
@recent_password_required(return_to=_back_to_report)
def report_create(request):
    report_queue(requested_by=request.user)
    messages.info(request, _("The PDF is being made. It appears here when it is ready."))
    return redirect(reverse("supervision:dashboard") + "#report")


@supervisors_only
@require_GET
def report_status(request, report_id):
    """The report's state, for the page to update itself without a reload."""
    report = _report(request, report_id)
    report_resend_if_stale(report)
    ready = report.status == SupervisionReport.Status.READY
    return JsonResponse({
        "status": report.status,
        "label": report_label(report),
        "download": reverse("supervision:report_download", args=[report.pk]) if ready else "",
    })


def report_label(report: SupervisionReport) -> str:
    if report.status == SupervisionReport.Status.READY and report.finished_at:
        return _("Ready, made %(when)s") % {
            "when": date_format(timezone.localtime(report.finished_at), "SHORT_DATETIME_FORMAT")}
    return str(report.get_status_display())


@supervisors_only
@require_GET
@recent_password_required
def report_download(request, report_id):
    report = _report(request, report_id)
    if report.status != SupervisionReport.Status.READY or not report.file:
        messages.info(request, _("The PDF is not ready yet."))
        return redirect(reverse("supervision:dashboard") + "#report")
    audit.record(action="download", obj=report, summary=_("supervision report PDF"))
    made = timezone.localtime(report.finished_at).date().isoformat()
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=f"supervision-{made}.pdf",
                        content_type="application/pdf")
