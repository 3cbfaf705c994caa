"""Morning meetings (晨会) and weekly meetings (周例会): who chairs one, when it is on time,
and the day or week it counts for.

作业指导书: the manager's day starts with the morning meeting at 08:20–08:30 (attendance,
today's assignments, yesterday's summary) and the week has a weekly meeting. These are
pure rules over a corrected time, the site's settings and its time zone, so that the
engine, the desk's pages and a compliance calendar judge a meeting the same way:

- a **morning** meeting is ``kept`` when it started at or before the minute of
  ``morning_meeting_end`` (default ``08:30``) on the site's clock — 08:30:59 is kept,
  08:31:00 is ``late``; a meeting counts for the site's calendar day it started on, so a
  "later" morning meeting is always later on that same day;
- a **weekly** meeting is ``kept`` when it started on the ISO weekday
  ``weekly_meeting_weekday`` (default ``1``, Monday) or earlier in that ISO week, ``late``
  on a later day of the same week; it counts for the week (Monday to Sunday in the site's
  days) it started in, so a meeting held in the next week counts for the next week.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sync.attendance_rules import local
from sync.attendance_rules import minutes
from sync.inspection_rules import week_of

MORNING, WEEKLY = "morning", "weekly"
KINDS = (MORNING, WEEKLY)
KEPT, LATE = "kept", "late"
DEFAULTS: dict[str, Any] = {
    "morning_meeting_start": "08:20",
    "morning_meeting_end": "08:30",
    "weekly_meeting_weekday": 1,
    "morning_meeting_weekdays": [1, 2, 3, 4, 5],  # ISO weekdays with a morning meeting
}
# Who may chair and record a meeting: the site's manager, supervisors and admins, and team
# leads (``is_team_lead``) of any post; ``Context.require_site`` keeps each to their sites.
CHAIR_ROLES = ("manager", "supervisor", "admin")
MAX_ATTENDEES = 200


def setting(settings: dict[str, Any] | None, key: str) -> Any:
    """A site's meeting setting, or its default when the site has none."""
    value = (settings or {}).get(key)
    return DEFAULTS[key] if value in (None, "") else value


def may_record(role: str, is_team_lead: bool) -> bool:
    """Managers, supervisors, admins and team leads chair meetings; nobody else."""
    return role in CHAIR_ROLES or bool(is_team_lead)


def needs_assignments(kind: str) -> bool:
    """A morning meeting gives out today's assignments and sums up yesterday; a weekly one
    may leave both blank (its summary, when written, is the week's)."""
    return kind == MORNING


def meeting_day(started_at: datetime, tz: str | None) -> date:
    """The site's calendar day a meeting started on (the day it counts for)."""
    return local(started_at, tz).date()


def meeting_week(started_at: datetime, tz: str | None) -> date:
    """The Monday of the site's ISO week a meeting started in (the week it counts for)."""
    return week_of(started_at, tz)[0]


def timeliness(kind: str, started_at: datetime, tz: str | None, settings: dict[str, Any] | None) -> str:
    """``"kept"`` or ``"late"`` for a meeting of ``kind`` that started at ``started_at``.

    :raises ValueError: ``kind`` is not ``morning`` or ``weekly``
    """
    wall = local(started_at, tz)
    if kind == MORNING:
        end = minutes(setting(settings, "morning_meeting_end"))
        return KEPT if wall.hour * 60 + wall.minute <= end else LATE
    if kind == WEEKLY:
        return KEPT if wall.isoweekday() <= int(setting(settings, "weekly_meeting_weekday")) else LATE
    raise ValueError(kind)
