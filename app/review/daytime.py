"""Local days in SQL: a UTC timestamp column grouped by the site's calendar day.

China has one offset all year, so a site's day is its UTC time shifted by the zone's
current offset; grouping happens in the database whichever one it is.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Date
from sqlalchemy import Interval
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal_column

from app.extensions import db


def offset_minutes(tz: str) -> int:
    return int(datetime.now(ZoneInfo(tz)).utcoffset().total_seconds() // 60)


def local_day(column, tz: str):
    """A SQL expression for the local calendar day of ``column`` (as ``YYYY-MM-DD`` text or a date)."""
    minutes = offset_minutes(tz)
    if db.engine.dialect.name == "sqlite":
        return func.date(column, f"{minutes:+d} minutes")
    shift = literal_column(f"interval '{int(minutes)} minutes'", Interval())
    return cast(column + shift, Date)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def day_start(day: date, tz: str) -> datetime:
    """Midnight of a local day, as UTC."""
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(timezone.utc)


def today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()
