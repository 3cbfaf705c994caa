"""What the follow-up sweep remembers: the follow-ups it opened, and each site's last run.

A ``SweepMark`` is keyed by the natural key of the thing that was missed
(``no_patrol:<site>:<manager>:<local date>`` ...): the primary key is what makes a second
run, or a second server running at the same moment, unable to open a duplicate. A record
of its subject (the manager, route, visit or store) timed between ``since`` and
``deadline`` by corrected time proves the work done in time. ``settled_at`` says that such
a proof arrived (a late sync) and the server closed the follow-up; that happens once, so a
person who reopens it afterwards keeps it open.

A ``SweepRun`` row per site is the lock two sweeps of one site queue on (a row lock on
PostgreSQL, the write lock on SQLite) and tells operators when the site was last swept.
"""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.base import utcnow


class SweepMark(db.Model):
    """One follow-up the sweep opened, under the natural key of what was missed."""

    __tablename__ = "sweep_marks"
    __table_args__ = (Index("ix_sweep_marks_site_settled", "site_id", "settled_at"),)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False)
    subject_id: Mapped[str] = mapped_column(String(36), nullable=False)
    period: Mapped[str | None] = mapped_column(String(10))
    since: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    followup_id: Mapped[str] = mapped_column(ForeignKey("followups.id"), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SweepRun(db.Model):
    """The last sweep of a site: ``as_of`` the moment it swept as of, ``ran_at`` the wall clock."""

    __tablename__ = "sweep_runs"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
