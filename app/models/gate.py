"""The gate's roster: residents' cars and the site's watch list (关注人员), both sent to phones.

Phones match plates, names and phone numbers offline; the watch list reaches them masked
(see ``app/phone/roster.py``), never with a full phone or ID number.
"""
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from app.extensions import db
from app.models.base import Synced
from app.privacy.columns import Sealed


def normalise_plate(value: str | None) -> str:
    """``粤B·12345`` -> ``粤B12345``: what the phone compares."""
    return "".join(ch for ch in (value or "").upper() if ch not in " ·.-\t")


def normalise_phone(value: str | None) -> str:
    """Digits only, without a leading +86."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


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
    # Encrypted like a visit's, with lookup MACs to match visits against (app.privacy).
    phone: Mapped[str | None] = mapped_column(Sealed("watch.phone"))
    id_number: Mapped[str | None] = mapped_column(Sealed("watch.id_number"))
    phone_mac: Mapped[str | None] = mapped_column(String(64))
    id_mac: Mapped[str | None] = mapped_column(String(64))
    plate: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @validates("phone")
    def _index_phone(self, key, value):
        from app.privacy import numbers

        self.phone_mac = numbers.phone_mac(value)
        return value

    @validates("id_number")
    def _index_id_number(self, key, value):
        from app.privacy import numbers

        self.id_mac = numbers.id_mac(value)
        return value

    def is_gone(self):
        return self.deleted_at is not None or not self.active
