"""When a manager's day starts and ends (作业指导书: 8:20之前签到, 冬季17:30/夏季18:00之后签退).

Pure rules over a corrected time, the site's settings and its time zone:

- sign-in is **on time** while the site's wall clock has not passed ``sign_in_by``
  (default ``08:20``): 08:20:59 is on time, 08:21:00 is late;
- sign-out is **ok** from ``sign_out_after_summer`` (default ``18:00``) in a summer month,
  from ``sign_out_after_winter`` (default ``17:30``) otherwise; 17:29:59 in winter is early;
- a month is summer when it is in ``summer_months`` (default May to September), in the
  site's zone.

The day a sign-in or note belongs to is the calendar day in the site's zone.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

DEFAULTS: dict[str, Any] = {
    "sign_in_by": "08:20",
    "sign_out_after_winter": "17:30",
    "sign_out_after_summer": "18:00",
    "summer_months": [5, 6, 7, 8, 9],
}
ON_TIME, LATE = "on_time", "late"
OK, EARLY = "ok", "early"


def setting(settings: dict[str, Any] | None, key: str) -> Any:
    """A site's attendance setting, or its default when the site has none."""
    value = (settings or {}).get(key)
    return DEFAULTS[key] if value in (None, "", []) else value


def minutes(hhmm: str) -> int:
    """``"08:20"`` as minutes since midnight."""
    hours, mins = str(hhmm).split(":")
    return int(hours) * 60 + int(mins)


def local(at: datetime, timezone: str | None) -> datetime:
    """``at`` on the site's wall clock."""
    return at.astimezone(ZoneInfo(timezone or "Asia/Shanghai"))


def local_day(at: datetime, timezone: str | None) -> date:
    """The site's calendar day that ``at`` falls in."""
    return local(at, timezone).date()


def is_summer(day: date, settings: dict[str, Any] | None) -> bool:
    """Whether ``day`` is in one of the site's summer months."""
    return day.month in {int(m) for m in setting(settings, "summer_months")}


def sign_out_after(day: date, settings: dict[str, Any] | None) -> str:
    """The earliest ``HH:MM`` a sign-out on ``day`` is not early."""
    return setting(settings, "sign_out_after_summer" if is_summer(day, settings) else "sign_out_after_winter")


def sign_in_verdict(at: datetime, settings: dict[str, Any] | None, timezone: str | None) -> tuple[str, str]:
    """``("on_time" | "late", "HH:MM" it was judged against)`` for a sign-in at ``at``."""
    wall = local(at, timezone)
    by = setting(settings, "sign_in_by")
    return (ON_TIME if wall.hour * 60 + wall.minute <= minutes(by) else LATE), by


def sign_out_verdict(at: datetime, settings: dict[str, Any] | None, timezone: str | None) -> tuple[str, str]:
    """``("ok" | "early", "HH:MM" it was judged against)`` for a sign-out at ``at``."""
    wall = local(at, timezone)
    after = sign_out_after(wall.date(), settings)
    return (OK if wall.hour * 60 + wall.minute >= minutes(after) else EARLY), after


def counted(rows: list[dict[str, Any]], action: str) -> dict[str, Any] | None:
    """Of one person's sign-ins (or sign-outs) of one day, the one that counts.

    The earliest sign-in and the latest sign-out: the first arrival and the last leaving.
    Ties fall to the smaller id, so every store and every order of arrival agrees.
    """
    mine = [r for r in rows if r["action"] == action and r.get("deleted_at") is None]
    if not mine:
        return None
    if action == "in":
        return min(mine, key=lambda r: (r["at"], r["id"]))
    return max(mine, key=lambda r: (r["at"], _reverse(r["id"])))


def _reverse(ident: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in ident)
