"""Repair orders (《维修任务单》) and the visits of the repair workers who do them.

An order is made by ``repair.create`` (the desk, or a phone of customer service), worked
on by ``repair.work`` visits (each a ``RepairWork``; the materials each used are stock
movements out of the site's store with the order's ``number`` as their reference), and
signed off by the owner (``repair.signoff``). The manager approves the past week's orders
every Monday (``approved_at``, ``approved_by``), at the desk.
"""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.records import Recorded


class RepairOrder(Recorded, db.Model):
    """An owner's repair request as the desk took it, with its follow-up, work and sign-off.

    ``owner_phone`` is kept here only: phones get it masked. ``status`` is derived by the
    engine: ``open``, ``worked`` (a visit recorded), ``signed_off`` (the owner signed).
    """

    __tablename__ = "repair_orders"
    __table_args__ = (Index("ix_repair_orders_site_requested", "site_id", "requested_at"),)
    sync_type = "repair"
    number: Mapped[str] = mapped_column(String(32), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    urgency: Mapped[str] = mapped_column(String(8), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    unit: Mapped[str | None] = mapped_column(String(32))
    owner_name: Mapped[str | None] = mapped_column(String(60))
    owner_phone: Mapped[str | None] = mapped_column(String(20))
    photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    requested_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    work_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    opinion: Mapped[str | None] = mapped_column(Text)
    signed_by: Mapped[str | None] = mapped_column(String(60))
    signature_photo_id: Mapped[str | None] = mapped_column(String(36))
    signoff_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    signoff_mutation_id: Mapped[str | None] = mapped_column(String(36))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    works = relationship("RepairWork", back_populates="order", order_by="RepairWork.started_at",
                         foreign_keys="RepairWork.repair_id")

    def __repr__(self):  # never the owner's phone, even in a traceback
        return f"<RepairOrder {self.number}>"


class RepairWork(Recorded, db.Model):
    """One visit of a repair worker: times (corrected and as the phone said), the work,
    the materials ``[{item_id, quantity, movement_id}]`` and photos before and after."""

    __tablename__ = "repair_works"
    sync_type = "repair_work"
    repair_id: Mapped[str] = mapped_column(ForeignKey("repair_orders.id"), nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    started_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    work_done: Mapped[str] = mapped_column(Text, nullable=False)
    materials: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    before_photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    after_photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Declared so that a flush inserts the order before its visits (the sync may add both).
    order = relationship("RepairOrder", back_populates="works", foreign_keys=[repair_id])
