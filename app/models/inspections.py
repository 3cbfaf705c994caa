"""Staff inspections (书面考核, 《服务过程检验单》): written by managers, supervisors,
admins and team leads of a person's post; never edited once recorded."""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.records import Recorded


class Inspection(Recorded, db.Model):
    """One written inspection of ``person_id`` by ``user_id`` (the inspector) on the site's
    ``day``; ``checklist`` maps each item key of ``post`` (``sync.inspection_rules``) to ok."""

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_site_day", "site_id", "day"),)
    sync_type = "inspection"
    person_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    post: Mapped[str] = mapped_column(String(32), nullable=False)
    day: Mapped[str] = mapped_column(String(10), nullable=False)  # YYYY-MM-DD, site's zone
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    checklist: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
