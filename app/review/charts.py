"""Small charts drawn on the server as SVG: no script, no library, readable when printed.

Every piece is a ``Markup`` template filled by ``Markup.format``, which escapes each value
(labels and titles are translated text and site data), so no string is trusted as HTML.

Each chart is a row of daily bars (or two series side by side) with the day under every
bar when there is room, or bars over named groups (a month's weeks, categories) with their
values on top, and a dashed target line where the measure has one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    labels = [f"{day.month}/{day.day}" for day in days]
    every = 1 if len(days) <= 10 else 5
    shown = [i % every == 0 or i == len(days) - 1 for i in range(len(days))]
    return _chart(labels, [day.isoformat() for day in days], shown, series, title, target, percent)


def labelled_bars(labels: list[str], series: list[Series], title: str, target: float | None = None,
                  percent: bool = False) -> Markup:
    """Grouped bars over named groups (weeks, categories), each bar's value written on top,
    so the chart reads in greyscale and on paper without its colours."""
    return _chart(labels, labels, [True] * len(labels), series, title, target, percent, values_on_top=True)


def _chart(labels: list[str], names: list[str], shown: list[bool], series: list[Series], title: str,
           target: float | None, percent: bool, values_on_top: bool = False) -> Markup:
    top = max([v for s in series for v in s.values if v is not None] + [target or 0, 1])
    if percent:
        top = 100
    elif top < 2:
        top = 2  # whole numbers on the axis: 0, 1, 2 rather than 0, 0, 1
    plot_w, plot_h = WIDTH - PAD_LEFT - 6, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(len(labels), 1)
    bar_w = max(1.0, (slot * 0.8) / max(len(series), 1))
    parts = [Markup('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">').format(WIDTH, HEIGHT, title),
             Markup("<title>{}</title>").format(title)]
    for tick in (0, top / 2, top):
        y = PAD_TOP + plot_h - plot_h * tick / top
        label = f"{tick:.0f}{'%' if percent else ''}"
        parts.append(Markup('<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>'
                            '<text class="axis" x="{}" y="{:.1f}" text-anchor="end">{}</text>').format(
            PAD_LEFT, WIDTH - 6, y, y, PAD_LEFT - 4, y + 4, label))
    for i, name in enumerate(names):
        x0 = PAD_LEFT + i * slot + slot * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * value / top
            text = f"{value:.0f}%" if percent else f"{value:g}"
            parts.append(Markup('<rect class="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">'
                                '<title>{} {}: {}</title></rect>').format(
                s.css, x0 + j * bar_w, PAD_TOP + plot_h - h, bar_w - 1, h, name, s.label, text))
            if values_on_top:
                parts.append(Markup('<text class="value" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>').format(
                    x0 + j * bar_w + (bar_w - 1) / 2, max(PAD_TOP + plot_h - h - 3, 9), text))
        if shown[i]:
            parts.append(Markup('<text class="axis" x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
                PAD_LEFT + (i + 0.5) * slot, HEIGHT - 6, labels[i]))
    if target is not None:
        y = PAD_TOP + plot_h - plot_h * target / top
        parts.append(Markup('<line class="target" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>').format(
            PAD_LEFT, WIDTH - 6, y, y))
    parts.append(Markup("</svg>"))
    legend = Markup("").join(Markup('<span class="legend {}">{}</span>').format(s.css, s.label) for s in series)
    return Markup('<figure class="chart-box"><figcaption>{} {}</figcaption>{}</figure>').format(
        title, legend, Markup("").join(parts))
