"""Lengths of time said the way a supervisor reads them, the same on every office page.

At most two units ("2 h 10 min", "3 d 4 h"), in the user's language, with no plural forms
(the merged catalogue keeps none).
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _


def span(value: timedelta | int | float | None, seconds: bool = False) -> str:
    """A length of time; ``seconds`` keeps them next to minutes ("3 min 12 s", for clocks).

    Under a minute is always said in seconds.
    """
    if value is None:
        return "—"
    total = abs(int(value.total_seconds() if isinstance(value, timedelta) else value))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)d min", h=hours, m=minutes)
    if minutes:
        return _("%(m)d min %(s)d s", m=minutes, s=secs) if seconds else _("%(m)d min", m=minutes)
    return _("%(s)d s", s=secs)
