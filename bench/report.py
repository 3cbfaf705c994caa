"""The figures of ``python -m bench``: one table on the terminal, the same as JSON on disk.

A figure that depends on the machine is a ratio to a baseline measured in the same run on
the same data, so that the target means the same on a laptop and in CI. One that cannot be
measured here says why in ``note`` and counts as neither ``ok`` nor ``below target``.
"""
from __future__ import annotations

import json
import platform
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
OK, BELOW, NOT_MEASURED = "ok", "below target", "not measured"


@dataclass
class Figure:
    """One line of the table. ``at_most``/``at_least`` is the target; ``None`` for neither."""

    name: str
    value: float | None
    unit: str
    at_most: float | None = None
    at_least: float | None = None
    backend: str = ""
    note: str = ""

    @property
    def target(self) -> str:
        if self.at_most is not None:
            return f"≤ {_number(self.at_most)}"
        if self.at_least is not None:
            return f"≥ {_number(self.at_least)}"
        return "(shown)"

    @property
    def verdict(self) -> str:
        if self.value is None:
            return NOT_MEASURED
        if self.at_most is not None and self.value > self.at_most:
            return BELOW
        if self.at_least is not None and self.value < self.at_least:
            return BELOW
        return OK

    def as_json(self) -> dict:
        return {**asdict(self), "target": self.target, "verdict": self.verdict}


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def table(figures: list[Figure]) -> str:
    """The figures as aligned text, a line each."""
    rows = [("figure", "backend", "value", "unit", "target", "")]
    rows += [(f.name, f.backend, _number(f.value), f.unit, f.target,
              f.verdict + (f" ({f.note})" if f.note else "")) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for row in rows:
        cells = [row[i].ljust(widths[i]) if i != 2 else row[i].rjust(widths[i]) for i in range(5)]
        lines.append("  ".join(cells + [row[5]]).rstrip())
    return "\n".join(lines)


def save(figures: list[Figure], *, quick: bool, directory: Path = RESULTS) -> Path:
    """Write the run as JSON; its name says when and whether it was the quick form."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    path = directory / f"{now:%Y%m%dT%H%M%SZ}{'-quick' if quick else ''}.json"
    path.write_text(json.dumps({
        "at": now.isoformat(timespec="seconds"), "quick": quick,
        "machine": {"python": platform.python_version(), "system": platform.platform(),
                    "processor": platform.machine()},
        "figures": [f.as_json() for f in figures],
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
