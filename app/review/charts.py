"""Small charts drawn on the server as SVG: no script, no library, readable when printed.

Each chart is a row of daily bars (or two series side by side) with the day under every
bar when there is room, and a dashed target line where the measure has one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 560, 180, 34, 22, 12


@dataclass
class Series:
    label: str
    values: list[float | None]
    css: str  # a class in office.css: bar-a, bar-b, line-rate


def bars(days: list[date], series: list[Series], title: str, target: float | None = None,
         percent: bool = False) -> Markup:
    """Grouped daily bars; ``target`` draws the dashed line (e.g. 90 for a rate)."""
    top = max([v for s in series for v in s.values if v is not None] + [target or 0, 1])
    if percent:
        top = 100
    plot_w, plot_h = WIDTH - PAD_LEFT - 6, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(len(days), 1)
    bar_w = max(1.0, (slot * 0.8) / max(len(series), 1))
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for tick in (0, top / 2, top):
        y = PAD_TOP + plot_h - plot_h * tick / top
        label = f"{tick:.0f}{'%' if percent else ''}"
        parts.append(f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - 6}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    every = 1 if len(days) <= 10 else 5
    for i, day in enumerate(days):
        x0 = PAD_LEFT + i * slot + slot * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * value / top
            shown = f"{value:.0f}%" if percent else f"{value:g}"
            parts.append(f'<rect class="{s.css}" x="{x0 + j * bar_w:.1f}" y="{PAD_TOP + plot_h - h:.1f}" '
                         f'width="{bar_w - 1:.1f}" height="{h:.1f}"><title>{day.isoformat()} {escape(s.label)}: '
                         f'{shown}</title></rect>')
        if i % every == 0 or i == len(days) - 1:
            parts.append(f'<text class="axis" x="{PAD_LEFT + (i + 0.5) * slot:.1f}" y="{HEIGHT - 6}" '
                         f'text-anchor="middle">{day.month}/{day.day}</text>')
    if target is not None:
        y = PAD_TOP + plot_h - plot_h * target / top
        parts.append(f'<line class="target" x1="{PAD_LEFT}" x2="{WIDTH - 6}" y1="{y:.1f}" y2="{y:.1f}"/>')
    parts.append("</svg>")
    legend = "".join(f'<span class="legend {s.css}">{escape(s.label)}</span>' for s in series)
    return Markup(f'<figure class="chart-box"><figcaption>{escape(title)} {legend}</figcaption>{"".join(parts)}</figure>')
