"""Attendance (签到 / 签退) and the notes of the personal work log (《个人工作日志》).

Both are only ever added to: a sign-in or a note, once recorded, is never changed; the
work log of a day is compiled from what the person recorded, plus these notes.
"""
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.records import Recorded


class Attendance(Recorded, db.Model):
    """One sign-in or sign-out, with the site-local day and the verdict of the rules
    (``sync.attendance_rules``) against the threshold then in force."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_site_day", "site_id", "day"),
                      Index("ix_attendance_user_day", "user_id", "day"))
    sync_type = "attendance"
    action: Mapped[str] = mapped_column(String(8), nullable=False)  # in | out
    day: Mapped[str] = mapped_column(String(10), nullable=False)  # YYYY-MM-DD, site's zone
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    uniform: Mapped[bool | None] = mapped_column(Boolean)
    verdict: Mapped[str] = mapped_column(String(8), nullable=False)  # on_time | late | ok | early
    expected: Mapped[str] = mapped_column(String(5), nullable=False)  # HH:MM judged against


class WorklogNote(Recorded, db.Model):
    """A free note appended to a person's day; ``added_later`` when written after it."""

    __tablename__ = "worklog_notes"
    __table_args__ = (Index("ix_worklog_notes_user_day", "user_id", "day"),)
    sync_type = "worklog_note"
    day: Mapped[str] = mapped_column(String(10), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    added_later: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
