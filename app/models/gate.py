"""The gate's roster: residents' cars and the site's watch list (关注人员), both sent to phones,
and the watch-list matches the server found when visits arrived.

Phones match plates, names and phone numbers offline; the watch list reaches them masked,
with one Bloom filter per site for full numbers (see ``app/phone/roster.py``), never with
a full phone or ID number or anything one entry's number can be worked back from.
"""
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import log_change
from app.models.base import utcnow
from sync.privacy import normalise_phone  # noqa: F401  (the gate's lists import it from here)
from app.privacy.columns import Sealed


def normalise_plate(value: str | None) -> str:
    """``粤B·12345`` -> ``粤B12345``: what the phone compares."""
    return "".join(ch for ch in (value or "").upper() if ch not in " ·.-\t")


# A visit's ``search_text``: the plate as phones compare it, then PLATE_END, then name, unit
# and host in upper case, each ended by WORD_END. Neither mark can be typed into a search box.
PLATE_END = "\x1e"
WORD_END = "\x1f"
SEARCH_TEXT_LENGTH = 255


def visit_search_text(visitor_name: str | None, unit: str | None, host_name: str | None,
                      plate: str | None) -> str:
    """The one column the office and the gate search a visit's words in.

    One narrow column beside ``site_id`` and ``checked_in_at`` in an index lets a search of
    a quarter of visits read the index alone (bench/README.md); case folded here, once, so
    that SQLite and PostgreSQL match alike. The plate comes first so it is never cut off.
    """
    words = "".join((value or "").upper() + WORD_END for value in (visitor_name, unit, host_name))
    return (normalise_plate(plate) + PLATE_END + words)[:SEARCH_TEXT_LENGTH]


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


# The per-site filter phones match full numbers against; its change id is the site's id.
WATCH_FILTER = "watch_filter"


@event.listens_for(Session, "before_flush")
def _log_watch_filters(session, flush_context, instances):
    """A write to a site's watch list is also a change of the site's ``watch_filter``, so
    phones pull the filter again after the entry (the log keeps the order of adding)."""
    sites = {obj.site_id for obj in (*session.new, *session.dirty, *session.deleted)
             if isinstance(obj, WatchEntry) and obj.site_id
             and (obj not in session.dirty or session.is_modified(obj))}
    for site_id in sorted(sites):
        log_change(session, entity_type=WATCH_FILTER, entity_id=site_id, site_id=site_id,
                   op="upsert", version=1, at=utcnow())


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
