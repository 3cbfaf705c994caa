"""The manager's monthly checklist: what is reviewed or sent each month, and by when.

作业指导书 (DOMAIN.md, "What managers review"): attendance is reviewed by the **5th**;
quality records and the purchase plan by the **26th**; the complaint summary
(《客户投诉汇总及处理情况表》) and the material feedback (《物资质量使用反馈单》) go to
the management department by **month end**. Each item is signed off once per site and
month, with who did it and when.

A month here is the month the item falls due in: attendance due in December is
November's attendance (``covers``). A due time is the end of the day on the site's clock;
the site's settings may move the days (``attendance_review_day``, ``quality_review_day``),
and a day past the month's end is its last day.

These are a contract: the compliance calendar calls ``ITEMS``, ``due_at`` and ``state``.
"""
from __future__ import annotations

import calendar
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

ITEMS = ("attendance", "quality_records", "purchase_plan", "complaint_summary", "material_feedback")
KEPT, LATE, MISSED, PENDING = "kept", "late", "missed", "pending"
DEFAULTS: dict[str, Any] = {"attendance_review_day": 5, "quality_review_day": 26}
DAY_SETTING = {"attendance": "attendance_review_day", "quality_records": "quality_review_day",
               "purchase_plan": "quality_review_day"}
# Who signs an item off at the desk: the site's manager, supervisors (the quality
# department among them), admins.
SIGNER_ROLES = ("manager", "supervisor", "admin")


def setting(settings: dict[str, Any] | None, key: str) -> int:
    """A site's checklist day, or its default."""
    value = (settings or {}).get(key)
    return int(DEFAULTS[key] if value in (None, "") else value)


def due_day(item: str, year: int, month: int, settings: dict[str, Any] | None = None) -> date:
    """The last day of month ``year-month`` the item may be done on."""
    if item not in ITEMS:
        raise ValueError(f"unknown checklist item {item!r}")
    last = calendar.monthrange(year, month)[1]
    key = DAY_SETTING.get(item)
    day = last if key is None else min(max(setting(settings, key), 1), last)
    return date(year, month, day)


def due_at(item: str, year: int, month: int, timezone: str | None,
           settings: dict[str, Any] | None = None) -> datetime:
    """The end of the item's due day on the site's clock (aware): the midnight after it."""
    following = due_day(item, year, month, settings) + timedelta(days=1)
    return datetime.combine(following, time(0, 0), tzinfo=ZoneInfo(timezone or "Asia/Shanghai"))


def state(signed_at: datetime | None, due: datetime, now: datetime) -> str:
    """``kept`` (signed before due), ``late`` (signed at or after), ``missed`` (unsigned and
    past due) or ``pending`` (unsigned, not due yet)."""
    if signed_at is not None:
        return KEPT if signed_at < due else LATE
    return MISSED if now >= due else PENDING


def covers(item: str, year: int, month: int) -> tuple[int, int]:
    """The month whose records the item of ``year-month`` is about: attendance looks back
    at the month before; the others are of the month itself."""
    if item == "attendance":
        return (year - 1, 12) if month == 1 else (year, month - 1)
    return year, month


def month_problem(year: Any, month: Any, today: date) -> str | None:
    """``None`` if ``year-month`` may be signed off on ``today`` (the site's day); else
    ``"invalid"`` or ``"future"`` (a month that has not begun)."""
    if (not isinstance(year, int) or isinstance(year, bool) or not isinstance(month, int)
            or isinstance(month, bool) or not 2000 <= year <= 2200 or not 1 <= month <= 12):
        return "invalid"
    if (year, month) > (today.year, today.month):
        return "future"
    return None
