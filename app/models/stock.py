"""Stores, items and the movements whose sum is an item's book quantity (账面数)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import utcnow

QTY = Numeric(14, 3)


class Store(Synced, db.Model):
    __tablename__ = "stores"
    sync_type = "store"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    items = relationship("Item", back_populates="store", order_by="Item.name")


class Item(Synced, db.Model):
    __tablename__ = "items"
    sync_type = "item"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False, default="个")
    sku: Mapped[str | None] = mapped_column(String(40))
    tolerance: Mapped[Decimal | None] = mapped_column(QTY)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    store = relationship("Store", back_populates="items")

    def is_gone(self):
        return self.deleted_at is not None or not self.active


class StockMovement(IdMixin, db.Model):
    """One receipt or issue, with its paperwork (出入库单号)."""

    __tablename__ = "stock_movements"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), nullable=False, index=True)
    direction: Mapped[str] = mapped_column(String(3), nullable=False)  # "in" | "out"
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    reference: Mapped[str] = mapped_column(String(60), nullable=False)
    note: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    item = relationship("Item")
    user = relationship("User")


def signed_quantity():
    return case(
        (StockMovement.direction == "in", StockMovement.quantity),
        else_=-StockMovement.quantity,
    )


def book_quantities(item_ids, at: datetime | None = None) -> dict[str, Decimal]:
    """Book quantity of each item as of ``at`` (now when ``None``), in one query."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    stmt = (
        select(StockMovement.item_id, func.coalesce(func.sum(signed_quantity()), 0))
        .where(StockMovement.item_id.in_(item_ids))
        .group_by(StockMovement.item_id)
    )
    if at is not None:
        stmt = stmt.where(StockMovement.occurred_at <= at)
    result = {i: Decimal(0) for i in item_ids}
    for item_id, qty in db.session.execute(stmt):
        result[item_id] = Decimal(qty)
    return result
