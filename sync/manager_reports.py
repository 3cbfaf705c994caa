"""A manager's daily report (日清) and weekly summary (周总结): when each is due, and
whether one was kept or late.

作业指导书: each manager clears the day (日清) and sums up the week (周总结). The daily
report of a day is due by the end of that day on the site's clock (site setting
``daily_report_by``, default ``"24:00"`` — midnight at the end of the day); the weekly
summary of an ISO week, named by its Monday, is due by the end of its Sunday. A report
submitted before its due time is ``kept``, at or after it ``late``. A second report of the
same period is kept and listed, but the earliest one counts.

These are a contract: the compliance calendar calls ``report_state`` and ``due_at``.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from typing import Iterable
from zoneinfo import ZoneInfo

from sync.inspection_rules import week_start

DAILY, WEEKLY = "daily", "weekly"
KINDS = (DAILY, WEEKLY)
KEPT, LATE = "kept", "late"
# Who writes them: the site's managers and those above them, and the team leads.
WRITER_ROLES = ("manager", "supervisor", "admin")
DEFAULTS: dict[str, Any] = {"daily_report_by": "24:00"}


def setting(settings: dict[str, Any] | None, key: str) -> Any:
    """A site's report setting, or its default."""
    value = (settings or {}).get(key)
    return DEFAULTS[key] if value in (None, "") else value


def may_write(role: str, is_team_lead: bool) -> bool:
    """Managers, supervisors, admins and team leads write 日清 and 周总结."""
    return role in WRITER_ROLES or bool(is_team_lead)


def _end_of(day: date, hhmm: str, timezone: str | None) -> datetime:
    """``day`` at ``hhmm`` on the site's clock; ``"24:00"`` is the midnight that ends it."""
    hours, minutes = (int(part) for part in str(hhmm).split(":"))
    midnight = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(timezone or "Asia/Shanghai"))
    # Added on the calendar, not as elapsed time, so a zone's shift does not move it.
    wall = midnight.replace(tzinfo=None) + timedelta(hours=hours, minutes=minutes)
    return wall.replace(tzinfo=midnight.tzinfo)


def due_at(kind: str, period: date, timezone: str | None, settings: dict[str, Any] | None = None) -> datetime:
    """When the report of ``period`` falls due (aware, in the site's zone): the end of the
    day for a daily report, the end of the week's Sunday for a weekly summary."""
    if kind == DAILY:
        return _end_of(period, setting(settings, "daily_report_by"), timezone)
    if kind == WEEKLY:
        return _end_of(week_start(period) + timedelta(days=6), "24:00", timezone)
    raise ValueError(f"unknown report kind {kind!r}")


def report_state(kind: str, period: date, submitted_at: datetime, timezone: str | None,
                 settings: dict[str, Any] | None = None) -> str:
    """``"kept"`` if submitted before the period's due time, else ``"late"``."""
    return KEPT if submitted_at < due_at(kind, period, timezone, settings) else LATE


def period_problem(kind: str, period: date, today: date) -> str | None:
    """``None`` if ``period`` may be reported on ``today`` (the site's day); else
    ``"not_monday"`` (a week is named by its Monday) or ``"future"`` (not begun yet)."""
    if kind == WEEKLY and period.weekday() != 0:
        return "not_monday"
    if period > today:
        return "future"
    return None


def counted(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Of each person's reports, the one that counts per ``(user_id, kind, period)``: the
    earliest submitted (ties by id, so every reader picks the same one)."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["submitted_at"], r["id"])):
        if row.get("deleted_at") is None:
            out.setdefault((row["user_id"], row["kind"], str(row["period"])), row)
    return out


def month_days(year: int, month: int) -> list[date]:
    """Every day of a calendar month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def month_weeks(year: int, month: int) -> list[date]:
    """The Mondays of the ISO weeks that end in the month (a week belongs to the month of
    its Sunday, when its summary falls due)."""
    return [d - timedelta(days=6) for d in month_days(year, month) if d.weekday() == 6]
