"""A month as the office's pages, files and commands write it: ``YYYY-MM``."""
from __future__ import annotations

import re

MONTH_RE = re.compile(r"\A(\d{4})-(0[1-9]|1[0-2])\Z")


def parse_month(text: str) -> tuple[int, int]:
    """``"2026-11"`` -> ``(2026, 11)``; ``ValueError`` for anything else."""
    match = MONTH_RE.match(text or "")
    if match is None:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2))
