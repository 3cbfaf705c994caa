"""Durations and clock corrections in words a supervisor reads at a glance (translated)."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _


def span(value: timedelta | None) -> str:
    """``1 h 05 min``, ``12 min``, ``40 s``; a day or more as ``2 d 3 h``."""
    if value is None:
        return "—"
    seconds = int(abs(value).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)02d min", h=hours, m=minutes)
    if minutes:
        return _("%(m)d min", m=minutes)
    return _("%(s)d s", s=secs)


def correction(offset_ms: int | None) -> str:
    """What the server did to the phone's times: ``none``, or ``+9 min (the phone was slow)``.

    The offset is server time minus phone time, added to every time the phone sent.
    """
    if offset_ms is None:
        return _("unknown (not in the journal)")
    if offset_ms == 0:
        return _("none: the phone's clock was right")
    amount = span(timedelta(milliseconds=offset_ms))
    if offset_ms > 0:
        return _("+%(amount)s (the phone's clock was slow)", amount=amount)
    return _("−%(amount)s (the phone's clock was fast)", amount=amount)
