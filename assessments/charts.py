"""Trend charts drawn on the server as SVG: no script, readable in print, with a table beside them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 36
# Band shading from calm to severe; print-safe (light fills, dark text).
BAND_FILLS = ["#e8f3ec", "#f4f1dc", "#fbe9d3", "#f8dccb", "#f3d0d0", "#eccaca"]


@dataclass
class Chart:
    svg: SafeString
    description: str


def trend_chart(instrument, responses, *, sex: str = "not_stated") -> Chart | None:
    """A line of the complete results over time against the instrument's bands (None if nothing to draw)."""
    points = [r for r in responses if r.complete and r.total is not None]
    if not points or not instrument.max_total:
        return None
    top = instrument.max_total
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    first, last = points[0].administered_on, points[-1].administered_on
    span = max((last - first).days, 1)

    def x(day) -> float:
        return LEFT + (plot_w / 2 if len(points) == 1 else (day - first).days / span * plot_w)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="trend-chart" role="img" '
        f'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(instrument.short_name)}</title>',
    ]
    description = ", ".join(
        f"{date_format(r.administered_on, 'SHORT_DATE_FORMAT')}: {r.total} ({r.band_label})" for r in points
    )
    parts.append(f'<desc id="chart-desc">{escape(description)}</desc>')
    for index, band in enumerate(instrument.bands(sex)):
        low, high = band.low, min(band.high + 1, top) if band.high < top else top
        top_y, bottom_y = y(high), y(low)
        fill = BAND_FILLS[min(index, len(BAND_FILLS) - 1)]
        parts.append(
            f'<rect x="{LEFT}" y="{top_y:.1f}" width="{plot_w}" height="{bottom_y - top_y:.1f}" fill="{fill}"/>'
            f'<text x="{LEFT + plot_w + 8}" y="{(top_y + bottom_y) / 2 + 4:.1f}" class="band-label">'
            f"{escape(band.label)} ({band.low}–{band.high})</text>"
        )
    for tick in sorted({0, top, *[b.low for b in instrument.bands(sex)]}):
        parts.append(f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" class="axis-label">{tick}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(r.administered_on):.1f},{y(r.total):.1f}" for i, r in enumerate(points))
    parts.append(f'<path d="{path}" class="trend-line"/>')
    for r in points:
        cx, cy = x(r.administered_on), y(r.total)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" class="trend-point"/>')
        parts.append(f'<text x="{cx:.1f}" y="{cy - 10:.1f}" text-anchor="middle" class="point-label">{r.total}</text>')
    for r in (points[0], points[-1]) if len(points) > 1 else (points[0],):
        parts.append(
            f'<text x="{x(r.administered_on):.1f}" y="{HEIGHT - 12}" text-anchor="middle" class="axis-label">'
            f"{escape(date_format(r.administered_on, 'SHORT_DATE_FORMAT'))}</text>"
        )
    parts.append("</svg>")
    return Chart(svg=mark_safe("".join(parts)), description=description)  # noqa: S308 - every text is escaped
