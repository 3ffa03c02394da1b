"""The supervisor's two charts, drawn on the server as SVG: numbers in, markup out, no database.

- `load_bars`: one horizontal bar per case manager (weighted load per FTE) against the team's target
  line. A bar over the target is drawn solid up to the target and hatched beyond it, and its label
  says "over target": the mark never rests on colour alone.
- `ratio_trend`: the team's clients per FTE month by month, with the target line and the zone above
  it shaded and named.

Every colour, stroke and font size is a presentation attribute, not a class: WeasyPrint does not
apply the page's stylesheet to inline SVG, and the same markup goes into the PDF. The page's
stylesheet (app.css, "Supervision") only sizes the charts and sets the page's font on them. Every
text is escaped. Each chart carries a <title> and a <desc> that says what it shows in words; the
page and the PDF add a table with the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK, MUTED, GRID = "#1d2329", "#4f5661", "#dde2e8"
UNDER_FILL = "#1f5f8b"
OVER_FILL, OVER_INK, OVER_TINT = "#a04a00", "#7a3800", "#fbe9d3"
LINE = "#174a6c"

# Load bars
BAR_WIDTH = 600
NAME_WIDTH = 150  # the case managers' names, right-aligned before the bars
VALUE_ROOM = 128  # after the longest bar: "62.5 ▲ over target"
ROW_HEIGHT, BAR_HEIGHT = 30, 18
BAR_TOP, BAR_BOTTOM = 30, 28
NAME_CHARS = 24

# Ratio trend
TREND_WIDTH, TREND_HEIGHT = 600, 230
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 44, 84, 14, 44


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: no FTE to divide by

    def over(self, target) -> bool:
        return self.value is not None and self.value > target


@dataclass(frozen=True)
class TrendPoint:
    month: date  # the first day of the month
    value: Decimal | None  # None: nothing to divide by that month


def number(value) -> str:
    """12.0 → "12", 12.5 → "12.5", 1.25 → "1.25" (two places at most), in the reader's format."""
    value = Decimal(str(value))
    places = min(2, max(0, -value.normalize().as_tuple().exponent))
    return number_format(value, decimal_pos=places)


def nice_top(largest: float) -> tuple[float, float]:
    """A round upper end for an axis that holds `largest`, and the step between its ticks (4 to 6 ticks)."""
    largest = max(float(largest), 1.0)
    magnitude = 10 ** math.floor(math.log10(largest / 4))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if largest / step <= 5:
            break
    return math.ceil(largest / step) * step, step


def _ticks(top: float, step: float) -> list[float]:
    count = round(top / step)
    return [round(step * index, 6) for index in range(count + 1)]


def _svg_open(chart_id: str, width: int, height: int, css_class: str, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="supervision-chart {css_class}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _haloed(attributes: str, text: str, *, fill: str = INK) -> str:
    """A label with a white outline under it, readable where it crosses a line or a bar.

    Drawn twice, outline first: WeasyPrint does not know paint-order.
    """
    return (f'<text {attributes} fill="#fff" stroke="#fff" stroke-width="4" stroke-linejoin="round" '
            f'aria-hidden="true">{text}</text><text {attributes} fill="{fill}">{text}</text>')


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def describe_bars(bars: Sequence[Bar], *, target) -> str:
    """The chart in one or two sentences: who is over the target, and by how much."""
    over = [bar for bar in bars if bar.over(target)]
    if not bars:
        return _("No case managers in this team.")
    head = ngettext(
        "%(over)s of %(count)s case manager is over the target of %(target)s.",
        "%(over)s of %(count)s case managers are over the target of %(target)s.",
        len(bars),
    ) % {"over": len(over), "count": len(bars), "target": number(target)}
    if not over:
        return head
    return head + " " + "; ".join(
        _("%(name)s %(value)s (%(excess)s over)") % {
            "name": bar.label, "value": number(bar.value), "excess": number(bar.value - target)
        }
        for bar in over
    ) + "."


def load_bars(bars: Sequence[Bar], *, target: int, chart_id: str, title: str) -> SafeString:
    """One bar per case manager's weighted load per FTE, against the team's target (a dashed line)."""
    values = [float(bar.value) for bar in bars if bar.value is not None]
    top, step = nice_top(max([target * 1.2, *[value * 1.06 for value in values]]))
    plot_left, plot_right = NAME_WIDTH, BAR_WIDTH - VALUE_ROOM
    plot_w = plot_right - plot_left
    rows_h = max(len(bars), 1) * ROW_HEIGHT
    height = BAR_TOP + rows_h + BAR_BOTTOM

    def x(value) -> float:
        return plot_left + float(value) / top * plot_w

    hatch = f"{chart_id}-over"
    parts = _svg_open(chart_id, BAR_WIDTH, height, "load-chart", title, describe_bars(bars, target=target))
    # Stripes of the same orange on a light ground: over-target is still plain in greyscale print.
    parts.append(
        f'<defs><pattern id="{hatch}" width="7" height="7" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{OVER_TINT}"/>'
        f'<rect width="4" height="7" fill="{OVER_FILL}"/></pattern></defs>'
    )
    for tick in _ticks(top, step):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{BAR_TOP - 4}" x2="{x(tick):.1f}" y2="{BAR_TOP + rows_h}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x(tick):.1f}" y="{BAR_TOP + rows_h + 17}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{number(tick)}</text>'
        )
    for index, bar in enumerate(bars):
        row_y = BAR_TOP + index * ROW_HEIGHT
        bar_y = row_y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        text_y = row_y + ROW_HEIGHT / 2 + 4.5
        over = bar.over(target)
        if bar.value is None:
            tip = _("%(name)s: no FTE recorded") % {"name": bar.label}
        elif over:
            tip = _("%(name)s: weighted load %(value)s, over the target of %(target)s") % {
                "name": bar.label, "value": number(bar.value), "target": number(target)}
        else:
            tip = _("%(name)s: weighted load %(value)s, target %(target)s") % {
                "name": bar.label, "value": number(bar.value), "target": number(target)}
        parts.append(f'<g class="load-bar{" load-bar-over" if over else ""}"><title>{escape(tip)}</title>')
        parts.append(
            f'<text x="{plot_left - 10}" y="{text_y:.1f}" text-anchor="end">{escape(_short(bar.label))}</text>'
        )
        if bar.value is None:
            parts.append(f'<text x="{plot_left + 6}" y="{text_y:.1f}" fill="{MUTED}" font-style="italic">'
                         f'{escape(_("no FTE recorded"))}</text></g>')
            continue
        end = x(bar.value)
        if over:
            parts.append(
                f'<rect x="{plot_left}" y="{bar_y:.1f}" width="{x(target) - plot_left:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{OVER_FILL}"/>'
                f'<rect x="{x(target):.1f}" y="{bar_y:.1f}" width="{end - x(target):.1f}" height="{BAR_HEIGHT}" '
                f'fill="url(#{hatch})" stroke="{OVER_FILL}" stroke-width="1.5"/>'
                + _haloed(f'x="{end + 6:.1f}" y="{text_y:.1f}" font-weight="bold"',
                          f'{number(bar.value)} ▲ {escape(_("over target"))}', fill=OVER_INK)
            )
        else:
            parts.append(
                f'<rect x="{plot_left}" y="{bar_y:.1f}" width="{max(end - plot_left, 0):.1f}" height="{BAR_HEIGHT}" '
                f'fill="{UNDER_FILL}"/>'
                + _haloed(f'x="{end + 6:.1f}" y="{text_y:.1f}" font-weight="bold"', number(bar.value))
            )
        parts.append("</g>")
    if not bars:
        parts.append(f'<text x="{plot_left + 6}" y="{BAR_TOP + 19}" fill="{MUTED}">'
                     f'{escape(_("No case managers in this team."))}</text>')
    target_x = x(target)
    parts.append(
        f'<line x1="{target_x:.1f}" y1="{BAR_TOP - 8}" x2="{target_x:.1f}" y2="{BAR_TOP + rows_h + 2}" '
        f'stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{target_x:.1f}" y="{BAR_TOP - 13}" text-anchor="middle" font-weight="bold">'
        f'{escape(_("target %(target)s") % {"target": number(target)})}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


def trend_months(today: date, count: int = 13) -> list[date]:
    """The first days of the last `count` months, oldest first, ending with today's month."""
    months, year, month = [], today.year, today.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_label(month: date) -> str:
    return dateformat.format(month, "M Y")


def describe_trend(points: Sequence[TrendPoint], *, target) -> str:
    known = [point for point in points if point.value is not None]
    if not known:
        return _("No monthly snapshots yet.")
    above = [point for point in known if point.value > target]
    text = _("Clients per FTE from %(first_month)s to %(last_month)s: %(first)s, then %(last)s.") % {
        "first_month": month_label(known[0].month), "last_month": month_label(known[-1].month),
        "first": number(known[0].value), "last": number(known[-1].value),
    }
    return text + " " + ngettext(
        "Above the target of %(target)s in %(above)s of %(count)s month.",
        "Above the target of %(target)s in %(above)s of %(count)s months.",
        len(known),
    ) % {"target": number(target), "above": len(above), "count": len(known)}


def ratio_trend(points: Sequence[TrendPoint], *, months: Sequence[date], target: int, chart_id: str,
                title: str) -> SafeString | None:
    """Clients per FTE over `months` (a gap where a month has no snapshot), against the target.

    None when no month has a value: there is nothing to draw.
    """
    by_month = {point.month: point.value for point in points if point.value is not None}
    if not any(month in by_month for month in months):
        return None
    known = [by_month[month] for month in months if month in by_month]
    top, step = nice_top(max([target * 1.25, *[float(value) * 1.12 for value in known]]))
    plot_left, plot_right = TREND_LEFT, TREND_WIDTH - TREND_RIGHT
    plot_top, plot_bottom = TREND_TOP, TREND_HEIGHT - TREND_BOTTOM
    slot = (plot_right - plot_left) / len(months)

    def x(index: int) -> float:
        return plot_left + slot * (index + 0.5)

    def y(value) -> float:
        return plot_bottom - float(value) / top * (plot_bottom - plot_top)

    in_window = [TrendPoint(month, by_month.get(month)) for month in months]
    parts = _svg_open(chart_id, TREND_WIDTH, TREND_HEIGHT, "trend-ratio-chart", title,
                      describe_trend(in_window, target=target))
    target_y = y(target)
    parts.append(
        f'<rect x="{plot_left}" y="{plot_top}" width="{plot_right - plot_left}" height="{target_y - plot_top:.1f}" '
        f'fill="{OVER_TINT}"/>'
        f'<text x="{plot_left + 6}" y="{plot_top + 14}" font-size="11" fill="{OVER_INK}">'
        f'{escape(_("above target"))}</text>'
    )
    for tick in _ticks(top, step):
        parts.append(
            f'<line x1="{plot_left}" y1="{y(tick):.1f}" x2="{plot_right}" y2="{y(tick):.1f}" stroke="{GRID}" '
            f'stroke-width="1"/>'
            f'<text x="{plot_left - 7}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f'{number(tick)}</text>'
        )
    parts.append(
        f'<line x1="{plot_left}" y1="{target_y:.1f}" x2="{plot_right}" y2="{target_y:.1f}" stroke="{INK}" '
        f'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{plot_right + 6}" y="{target_y + 4:.1f}" font-weight="bold">'
        f'{escape(_("target %(target)s") % {"target": number(target)})}</text>'
    )
    # The line breaks where a month has no snapshot, rather than drawing a month that was not measured.
    segments, current = [], []
    for index, point in enumerate(in_window):
        if point.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x(index):.1f},{y(point.value):.1f}")
    if current:
        segments.append(current)
    for segment in segments:
        parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" stroke-width="2.5" '
                     f'stroke-linejoin="round"/>')
    for index, point in enumerate(in_window):
        cx = x(index)
        if index == 0 or point.month.month == 1:
            year = f'<tspan x="{cx:.1f}" dy="14">{point.month.year}</tspan>'
        else:
            year = ""
        parts.append(
            f'<text x="{cx:.1f}" y="{plot_bottom + 17}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f'{escape(dateformat.format(point.month, "M"))}{year}</text>'
        )
        if point.value is None:
            continue
        cy = y(point.value)
        if point.value > target:
            # A square, not only a colour, for a month above the target.
            parts.append(f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{OVER_FILL}" '
                         f'stroke="#fff" stroke-width="1.5"/>')
        else:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{LINE}" stroke="#fff" stroke-width="1.5"/>')
        parts.append(_haloed(f'x="{cx:.1f}" y="{cy - 10:.1f}" text-anchor="middle" font-size="11" font-weight="bold"',
                             number(point.value)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped
