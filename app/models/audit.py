"""The audit log of visitors' personal data: every reveal of a full number, every export."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import UTCDateTime
from app.models.base import utcnow


class AuditEntry(IdMixin, db.Model):
    """Who saw what of a visitor's personal data, when, from where and why. Append-only.

    ``action`` is ``reveal`` (one number of one record shown in full) or ``export`` (a file
    that carries personal data); ``target_type``/``target_id`` name the record (``visit``),
    ``field`` the number (``phone``, ``id_number``). ``site_id`` is the record's site.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_user_at", "user_id", "at"),)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    target_type: Mapped[str] = mapped_column(String(32), nullable=False)
    target_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(45))
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
