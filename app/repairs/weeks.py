"""The Monday approval's weeks: Monday to Sunday in each site's own days."""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo


def week_start(now: datetime, tz: str) -> datetime:
    """The first instant (UTC) of the site's current week, its Monday at 00:00 local."""
    today = now.astimezone(ZoneInfo(tz)).date()
    return monday_utc(today - timedelta(days=today.weekday()), tz)


def monday_utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(timezone.utc)


def last_week(now: datetime, tz: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of last week (Monday to Sunday) in the site's days, as UTC."""
    end = week_start(now, tz)
    start_day = end.astimezone(ZoneInfo(tz)).date() - timedelta(days=7)
    return monday_utc(start_day, tz), end
