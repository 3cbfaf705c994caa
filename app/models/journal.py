"""The sync journal (every mutation ever received, append-only) and what we know of devices."""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UTCDateTime
from app.privacy.columns import SealedBody
from app.privacy.columns import SealedReuses


class JournalRow(db.Model):
    """One mutation as the phone sent it, who sent it, and what became of it.

    The mutation id is the primary key: the unique key that makes a second push of the same
    mutation, even from a second connection at the same moment, a ``duplicate``. Rows are
    never deleted; ``status`` moves from ``deferred`` to ``applied`` or ``rejected`` once.

    Visitors' ID and phone numbers inside ``raw`` and ``reuses`` are encrypted (the column
    types of ``app.privacy.columns``); ``has_numbers`` marks the rows that hold any, so
    that the privacy purge finds them without reading every body.
    """

    __tablename__ = "sync_journal"
    __table_args__ = (
        Index("ix_sync_journal_waiting", "status", "waiting_for"),
        Index("ix_sync_journal_device_seq", "device_id", "seq"),
        Index("ix_sync_journal_numbers", "has_numbers", "received_at"),
    )
    mutation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    raw: Mapped[dict] = mapped_column(SealedBody, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    client_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at_corrected: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_flag: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    result: Mapped[dict | None] = mapped_column(JSON)
    waiting_for: Mapped[str | None] = mapped_column(String(64))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reuses: Mapped[list] = mapped_column(SealedReuses, nullable=False, default=list)
    has_numbers: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())


class SyncDevice(db.Model):
    """One installation of the app: its sequence and gaps, outbox size, clock, last contact.

    Supervisors look here for phones that hold unsynced records and have gone quiet.
    """

    __tablename__ = "sync_devices"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    gaps: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    pending: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
