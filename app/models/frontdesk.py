"""What the front desk (客服前台) keeps per unit: decoration permits (装修许可) and rental
households with their temporary-residence registration (暂住登记).

A permit reaches the gate phones of its site while it is active (``sync_type`` ``permit``,
with only what a guard needs: no deposit, no applicant); a visit of a decoration worker
and a patrol's decoration-inspection finding may name one (``permit_id``). Rental
households stay at the desk: the site's awareness rate is worked out from them.
"""
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import utcnow

PERMIT_STATUSES = ("active", "finished", "revoked")
MAX_WORKERS = 50


class DecorationPermit(Synced, db.Model):
    """A unit's decoration permit: who applied, which company works, who may come in, when.

    ``closed_on`` is the day it was finished or revoked; the permit covered the days from
    ``start_date`` to the earlier of ``end_date`` and ``closed_on`` (``sync.rules.permit_active_on``),
    so a visit recorded offline before a revocation is still judged by the day it happened.
    """

    __tablename__ = "decoration_permits"
    __table_args__ = (Index("ix_decoration_permits_site_status", "site_id", "status", "end_date"),)
    sync_type = "permit"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    applicant_name: Mapped[str] = mapped_column(String(60), nullable=False)
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    contractor: Mapped[str] = mapped_column(String(80), nullable=False)
    contractor_phone: Mapped[str | None] = mapped_column(String(20))
    workers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # names only
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    hours_start: Mapped[str] = mapped_column(String(5), nullable=False, default="08:00")
    hours_end: Mapped[str] = mapped_column(String(5), nullable=False, default="18:00")
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    deposit_returned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deposit_returned_on: Mapped[date | None] = mapped_column(Date)
    rules_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rules_signed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    unit = relationship("Unit")

    @property
    def unit_code(self) -> str | None:
        return self.unit.code if self.unit is not None else None

    @property
    def worker_count(self) -> int:
        return len(self.workers or [])

    def is_gone(self):
        """Phones hold active permits only; a finished or revoked one leaves them."""
        return self.deleted_at is not None or self.status != "active"


class RentalHousehold(Synced, db.Model):
    """A rented unit's household: its tenants, and whether they were registered with the
    police for temporary residence (暂住登记) and told of that duty (知晓). The gate phones
    hold the rented units that are lived in now (pull type ``rental``), without names."""

    __tablename__ = "rental_households"
    sync_type = "rental"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    tenant_names: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    tenant_count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    move_in_on: Mapped[date] = mapped_column(Date, nullable=False)
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    registered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    registered_on: Mapped[date | None] = mapped_column(Date)
    informed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    informed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    unit = relationship("Unit")

    @property
    def current(self) -> bool:
        return self.moved_out_on is None

    def is_gone(self):
        """The tenants moved out: the unit leaves the gate phones."""
        return self.deleted_at is not None or self.moved_out_on is not None
