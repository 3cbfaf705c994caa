"""What people record in the field: patrols, checkpoint visits, findings, visits, incidents,
stock checks and counts, and the photos they name.

Every record keeps three times: what the phone's clock said (``*_phone``), the corrected
time the rules reconcile on (``*_at``), and when it reached the server (``received_at``),
so that a late sync can be told from a late deed.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import utcnow
from app.models.stock import QTY
from app.privacy.columns import Sealed


class Recorded(Synced):
    """Columns of every record made from a mutation: who, on which device, by which mutation."""

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    device_id: Mapped[str | None] = mapped_column(String(64))
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    clock_flag: Mapped[str | None] = mapped_column(String(32))


class Patrol(Recorded, db.Model):
    """A round (巡视), on a route or free; missed stops are worked out when it ends."""

    __tablename__ = "patrols"
    __table_args__ = (Index("ix_patrols_site_started", "site_id", "started_at"),)
    sync_type = "patrol"
    route_id: Mapped[str | None] = mapped_column(ForeignKey("routes.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    started_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    missed_checkpoint_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class CheckpointVisit(Recorded, db.Model):
    """A checkpoint reached on a round, by QR code or by hand, maybe with a location."""

    __tablename__ = "checkpoint_visits"
    sync_type = "checkpoint_visit"
    patrol_id: Mapped[str] = mapped_column(ForeignKey("patrols.id"), nullable=False, index=True)
    checkpoint_id: Mapped[str] = mapped_column(ForeignKey("checkpoints.id"), nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    visited_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Declared so that a flush inserts the patrol before its visits (the sync may add both).
    patrol = relationship("Patrol")


class Finding(Recorded, db.Model):
    """A problem seen on a round; unless handled on the spot it has a follow-up."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_site_found", "site_id", "found_at"),)
    sync_type = "finding"
    patrol_id: Mapped[str] = mapped_column(ForeignKey("patrols.id"), nullable=False, index=True)
    checkpoint_id: Mapped[str | None] = mapped_column(ForeignKey("checkpoints.id"))
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    severity: Mapped[str] = mapped_column(String(8), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    handled_on_spot: Mapped[bool] = mapped_column(Boolean, nullable=False)
    action_taken: Mapped[str | None] = mapped_column(Text)
    photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    found_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    followup_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # A decoration inspection (装修巡查) names the unit's permit, so it shows on the permit's page.
    permit_id: Mapped[str | None] = mapped_column(String(36), index=True)
    patrol = relationship("Patrol")


class Visit(Recorded, db.Model):
    """A visitor registered at the gate; open from check-in until check-out.

    ``phone`` and ``id_number`` are kept here only, encrypted (``Sealed``): phones, office
    pages and logs get the masked forms of ``sync.privacy``; a supervisor may reveal one
    with a reason, which is audited. Exact-match search and the watch list compare the
    lookup MACs beside them (``app.privacy.numbers``), which follow the numbers on every
    write. The privacy purge empties all five after the site's retention period.
    """

    __tablename__ = "visits"
    # ix_visits_site_still_in: who is still inside (and since when) at a site, from the index
    # alone; its first two columns also serve check-out ranges (migrations 0004, 0008).
    # ix_visits_site_text: a site's visits by day with what the lists count and search, so
    # counts by day and searches over months read the index, not the rows (migration 0008).
    __table_args__ = (Index("ix_visits_site_text", "site_id", "checked_in_at", "deleted_at", "search_text",
                            "phone_tail", "id"),
                      Index("ix_visits_site_still_in", "site_id", "checked_out_at", "checked_in_at", "deleted_at"))
    sync_type = "visit"
    visitor_name: Mapped[str] = mapped_column(String(60), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    party_size: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    phone: Mapped[str | None] = mapped_column(Sealed("visit.phone"))
    id_number: Mapped[str | None] = mapped_column(Sealed("visit.id_number"))
    id_kind: Mapped[str | None] = mapped_column(String(8))  # sync.id_numbers.KINDS
    phone_mac: Mapped[str | None] = mapped_column(String(64), index=True)
    id_mac: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_tail: Mapped[str | None] = mapped_column(String(4))
    unit: Mapped[str | None] = mapped_column(String(32))
    host_name: Mapped[str | None] = mapped_column(String(60))
    plate: Mapped[str | None] = mapped_column(String(16))
    search_text: Mapped[str | None] = mapped_column(String(255))  # gate.visit_search_text
    note: Mapped[str | None] = mapped_column(Text)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    checked_in_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    checked_out_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_mutation_id: Mapped[str | None] = mapped_column(String(36))
    # A decoration worker's visit names the unit's permit (装修许可), checked on arrival.
    permit_id: Mapped[str | None] = mapped_column(String(36), index=True)

    @validates("phone")
    def _index_phone(self, key, value):
        from app.privacy import numbers

        self.phone_mac, self.phone_tail = numbers.phone_mac(value), numbers.phone_tail(value)
        return value

    @validates("id_number")
    def _index_id_number(self, key, value):
        from app.privacy import numbers

        self.id_mac = numbers.id_mac(value)
        return value

    @validates("visitor_name", "unit", "host_name", "plate")
    def _index_text(self, key, value):
        from app.models.gate import visit_search_text

        words = {name: getattr(self, name) for name in ("visitor_name", "unit", "host_name", "plate")}
        words[key] = value
        self.search_text = visit_search_text(**words)
        return value

    def __repr__(self):  # never the phone or ID number, even in a traceback
        return f"<Visit {self.id}>"


class Incident(Recorded, db.Model):
    """A flagged person (可疑人员) or other event reported at the gate."""

    __tablename__ = "incidents"
    sync_type = "incident"
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    occurred_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    followup_id: Mapped[str | None] = mapped_column(String(36), index=True)
    visit = relationship("Visit")


class StockCheck(Recorded, db.Model):
    """A spot check of a site's store (库存抽查)."""

    __tablename__ = "stock_checks"
    __table_args__ = (Index("ix_stock_checks_site_started", "site_id", "started_at"),)
    sync_type = "stock_check"
    store_id: Mapped[str | None] = mapped_column(ForeignKey("stores.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    started_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at_phone: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class StockCount(Recorded, db.Model):
    """One item counted in a check, against the books as of the count's corrected time.

    ``defective_qty`` feeds the monthly material quality feedback (物资质量使用反馈单).
    """

    __tablename__ = "stock_counts"
    sync_type = "stock_count"
    check_id: Mapped[str] = mapped_column(ForeignKey("stock_checks.id"), nullable=False, index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), nullable=False, index=True)
    counted_qty: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    defective_qty: Mapped[Decimal | None] = mapped_column(QTY)
    book_qty: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    difference: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    counted_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    superseded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    followup_id: Mapped[str | None] = mapped_column(String(36))
    # The manager's decision on a difference: ``approved`` (the books are adjusted by the
    # movement ``adjustment_id``) or ``recount`` (sent back to be counted again).
    review: Mapped[str | None] = mapped_column(String(16))
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(255))
    adjustment_id: Mapped[str | None] = mapped_column(String(36))
    check = relationship("StockCheck")


class Complaint(Recorded, db.Model):
    """An owner's complaint (业户投诉) as customer service took it; its follow-up carries the clocks.

    ``owner_phone`` is kept here only: phones and pages for other roles get it masked.
    ``collective`` is set for five or more households, whatever ``kind`` says.
    """

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_site_lodged", "site_id", "lodged_at"),)
    sync_type = "complaint"
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    unit: Mapped[str | None] = mapped_column(String(32))
    owner_name: Mapped[str | None] = mapped_column(String(60))
    owner_phone: Mapped[str | None] = mapped_column(String(20))
    households: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    collective: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    category: Mapped[str | None] = mapped_column(String(16))
    photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    repeat_of: Mapped[str | None] = mapped_column(String(36), index=True)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    lodged_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    followup_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # A reply time agreed with the owner on a contact: the reply clock runs to it.
    agreed_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The collective event (集体投诉事件) this complaint was merged into.
    merged_into: Mapped[str | None] = mapped_column(String(36), index=True)
    # Of many owners' common interest: goes into the monthly service report (《月度物业服务报告》).
    common_interest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    # The owner said they were not satisfied: the supervisor reviews the earlier handling.
    unsatisfied: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    classified_by: Mapped[str | None] = mapped_column(String(36))
    classified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):  # never the owner's phone, even in a traceback
        return f"<Complaint {self.id}>"


class ComplaintReply(Recorded, db.Model):
    """A contact with the owner, the reply or the report back to the developer's centre:
    a line of 《客户投诉记录表》 with what was said, the owner's opinion and the signed form."""

    __tablename__ = "complaint_replies"
    sync_type = "complaint_reply"
    complaint_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    stage: Mapped[str] = mapped_column(String(16), nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    said: Mapped[str] = mapped_column(Text, nullable=False)
    owner_opinion: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    agreed_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    photo_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    replied_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    replied_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Photo(IdMixin, db.Model):
    """A photo a record names (the phone makes its id); ``uploaded`` once its bytes arrive."""

    __tablename__ = "photos"
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    record_type: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    uploaded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    size: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(32))
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
