"""Trend charts drawn on the server as SVG: no script, readable in print, with a table beside them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 170, 16, 36
# Band shading from calm to severe; print-safe (light fills, dark text).
BAND_FILLS = ["#e8f3ec", "#f4f1dc", "#fbe9d3", "#f8dccb", "#f3d0d0", "#eccaca"]


@dataclass
class _Band:
    start: float  # where the band's shading starts and ends on the value axis
    end: float
    label: str


@dataclass
class _Scale:
    top: float
    bands: list[_Band]
    ticks: list[tuple[float, str]]
    value: object  # response -> position on the value axis
    text: object  # response -> what the point says


def _scale(instrument, sex: str) -> _Scale | None:
    if instrument.max_total:
        top = instrument.max_total
        bands = [
            _Band(b.low, min(b.high + 1, top) if b.high < top else top, f"{b.label} ({b.low}–{b.high})")
            for b in instrument.bands(sex)
        ]
        ticks = [(value, str(value)) for value in sorted({0, top, *[b.low for b in instrument.bands(sex)]})]
        return _Scale(top, bands, ticks, lambda r: r.total, lambda r: str(r.total))
    if instrument.levels:
        # "Highest level reached" instruments (C-SSRS): one band per level, the point in its middle.
        rank = {level.severity: index for index, level in enumerate(instrument.levels)}
        bands = [_Band(index, index + 1, level.label) for index, level in enumerate(instrument.levels)]
        return _Scale(len(instrument.levels), bands, [], lambda r: rank.get(r.severity, 0) + 0.5, lambda r: "")
    return None


def trend_chart(instrument, responses, *, sex: str = "not_stated") -> SafeString | None:
    """The complete results over time against the instrument's bands (None if nothing to draw)."""
    scale = _scale(instrument, sex)
    points = [r for r in responses if r.complete]
    if scale is None or not points:
        return None
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - (value / scale.top) * plot_h

    first, last = points[0].administered_on, points[-1].administered_on
    span = max((last - first).days, 1)

    inset = 24  # points stay clear of the axis labels and the band labels

    def x(day) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + inset + (day - first).days / span * (plot_w - 2 * inset)

    description = ", ".join(
        f"{date_format(r.administered_on, 'SHORT_DATE_FORMAT')}: {r.summary}" for r in points
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="trend-chart" role="img" '
        f'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(instrument.short_name)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for index, band in enumerate(scale.bands):
        top_y, bottom_y = y(band.end), y(band.start)
        fill = BAND_FILLS[min(index, len(BAND_FILLS) - 1)]
        parts.append(
            f'<rect x="{LEFT}" y="{top_y:.1f}" width="{plot_w}" height="{bottom_y - top_y:.1f}" fill="{fill}"/>'
            f'<text x="{LEFT + plot_w + 8}" y="{(top_y + bottom_y) / 2 + 4:.1f}" class="band-label">'
            f"{escape(band.label)}</text>"
        )
    for value, label in scale.ticks:
        parts.append(f'<text x="{LEFT - 8}" y="{y(value) + 4:.1f}" text-anchor="end" class="axis-label">{label}</text>')
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(r.administered_on):.1f},{y(scale.value(r)):.1f}" for i, r in enumerate(points)
    )
    parts.append(f'<path d="{path}" class="trend-line"/>')
    for r in points:
        cx, cy = x(r.administered_on), y(scale.value(r))
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" class="trend-point"/>')
        if scale.text(r):
            parts.append(f'<text x="{cx:.1f}" y="{cy - 10:.1f}" text-anchor="middle" class="point-label">{scale.text(r)}</text>')
    for r in (points[0], points[-1]) if len(points) > 1 else (points[0],):
        parts.append(
            f'<text x="{x(r.administered_on):.1f}" y="{HEIGHT - 12}" text-anchor="middle" class="axis-label">'
            f"{escape(date_format(r.administered_on, 'SHORT_DATE_FORMAT'))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped
