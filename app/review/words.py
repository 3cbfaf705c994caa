"""Numbers said the way a supervisor reads them: "3 h ago", "+3 min 12 s".

Kept apart from the views so that every review page says a duration the same way, in
the user's language, with no plural forms (the merged catalogue keeps none).
"""
from datetime import datetime
from datetime import timedelta

from flask_babel import gettext as _

from app.models import utcnow

CLOCK_LIMIT = timedelta(minutes=5)


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in the largest whole unit: "just now", "12 min ago", "3 h ago", "2 d ago"."""
    if when is None:
        return ""
    seconds = max(0, int(((now or utcnow()) - when).total_seconds()))
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        return _("%(n)d min ago", n=seconds // 60)
    if seconds < 86400 * 2:
        return _("%(n)d h ago", n=seconds // 3600)
    return _("%(n)d d ago", n=seconds // 86400)


def span(seconds: int) -> str:
    """A length of time in at most two units: "3 min 12 s", "2 h 5 min", "3 d 4 h"."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)d min", h=hours, m=minutes)
    if minutes:
        return _("%(m)d min %(s)d s", m=minutes, s=secs)
    return _("%(s)d s", s=secs)


def clock_offset(offset_ms: int) -> str:
    """The phone's clock against the server's: "+3 min 12 s" when the phone is ahead.

    The sync keeps server minus phone, so the sign is turned round to say the phone's side.
    """
    phone_ahead = -int(offset_ms or 0) / 1000
    if abs(phone_ahead) < 1:
        return "±0"
    return ("+" if phone_ahead > 0 else "−") + span(phone_ahead)


def clock_is_off(offset_ms: int) -> bool:
    return abs(int(offset_ms or 0)) > CLOCK_LIMIT.total_seconds() * 1000
