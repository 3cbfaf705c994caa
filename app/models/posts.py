"""Gate posts' phones: their one-time registration codes and the shifts worked on them."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import UTCDateTime
from app.models.base import utcnow
from app.models.records import Recorded


class PostEnrolment(IdMixin, db.Model):
    """A code, shown once as a QR code, that registers one phone to a post; only its hash
    is kept, it works once and for a day."""

    __tablename__ = "post_enrolments"
    post_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(64))


class Shift(Recorded, db.Model):
    """One person's shift on a post's phone (``shift.start`` … ``shift.end``): the time
    within which that phone may record in their name, and the hand-over they signed."""

    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_device_user", "device_id", "user_id"),)
    sync_type = "shift"
    post_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    started_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handover_note: Mapped[str | None] = mapped_column(Text)
    inside_count: Mapped[int | None] = mapped_column(Integer)
