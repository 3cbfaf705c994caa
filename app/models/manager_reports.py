"""A manager's daily reports (日清) and weekly summaries (周总结), and the sign-offs of
the monthly checklist (``sync.monthly_checklist``).

Both are only ever added to. A second report of the same period is kept beside the
first (the earliest counts); a checklist item is signed once per site and month, which
the unique constraint holds even against two desks signing at the same moment.
"""
from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import UTCDateTime
from app.models.records import Recorded


class ManagerReport(Recorded, db.Model):
    """One 日清 (``kind`` daily, ``period`` its day) or 周总结 (``kind`` weekly, ``period``
    the Monday of its week) by ``user_id``, submitted at the corrected ``submitted_at``."""

    __tablename__ = "manager_reports"
    __table_args__ = (Index("ix_manager_reports_site_kind_period", "site_id", "kind", "period"),)
    sync_type = "manager_report"
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # daily | weekly
    period: Mapped[date] = mapped_column(Date, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    submitted_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    done: Mapped[str] = mapped_column(Text, nullable=False)
    open_items: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)


class ChecklistSignoff(IdMixin, db.Model):
    """An item of a site's monthly checklist signed off: which month it fell due in, who
    signed (``signed_by``) and when (``signed_at``, corrected), through which mutation."""

    __tablename__ = "checklist_signoffs"
    __table_args__ = (UniqueConstraint("site_id", "item", "year", "month", name="uq_checklist_signoffs_item_month"),)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    item: Mapped[str] = mapped_column(String(32), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[int] = mapped_column(Integer, nullable=False)
    signed_by: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    device_id: Mapped[str | None] = mapped_column(String(64))
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
