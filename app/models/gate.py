"""The gate's roster: residents' cars and the site's watch list (关注人员), both sent to phones,
and the watch-list matches the server found when visits arrived.

Phones match plates, names and phone numbers offline; the watch list reaches them masked
(see ``app/phone/roster.py``), never with a full phone or ID number.
"""
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import utcnow
from sync.privacy import normalise_phone  # noqa: F401  (the gate's lists import it from here)


def normalise_plate(value: str | None) -> str:
    """``粤B·12345`` -> ``粤B12345``: what the phone compares."""
    return "".join(ch for ch in (value or "").upper() if ch not in " ·.-\t")


def normalise_id_number(value: str | None) -> str:
    """An ID number as phones and the server compare it: upper case, no spaces around."""
    return (value or "").strip().upper()


class ResidentVehicle(Synced, db.Model):
    """A car that belongs to a household, so the gate can tell residents from outsiders."""

    __tablename__ = "resident_vehicles"
    __table_args__ = (UniqueConstraint("site_id", "plate"),)
    sync_type = "vehicle"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    plate: Mapped[str] = mapped_column(String(16), nullable=False)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    owner_name: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    unit = relationship("Unit")

    def is_gone(self):
        return self.deleted_at is not None or not self.active


class WatchEntry(Synced, db.Model):
    """A person or car the site wants its guards to notice, and why."""

    __tablename__ = "watch_entries"
    sync_type = "watch"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    name: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(32))
    plate: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def is_gone(self):
        return self.deleted_at is not None or not self.active


class WatchHit(IdMixin, db.Model):
    """A visit whose phone number, ID number or plate is a watch entry's, as the server
    found when the visit arrived: keyed lookup MACs compared, nothing decrypted.

    Kept when the entry is later changed or deactivated: it says what was true at the gate.
    """

    __tablename__ = "watch_hits"
    __table_args__ = (UniqueConstraint("visit_id", "watch_entry_id", "field"),
                      Index("ix_watch_hits_site_at", "site_id", "matched_at"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), nullable=False, index=True)
    watch_entry_id: Mapped[str] = mapped_column(ForeignKey("watch_entries.id"), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(16), nullable=False)  # phone, id_number or plate
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
