"""The monthly material quality feedback (物资质量使用反馈单), due to the management department.

Defective pieces are recorded with each stock count; the form sums them per item over a
site's local month. Only the standing counts are summed: a count superseded by a later
count of the same item in the same check was a mistake, not more defective goods.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Item
from app.models import Site
from app.models import StockCount
from app.models import Store



@dataclass(frozen=True)
class FeedbackRow:
    """One item's line on the form."""

    site: str
    store: str
    item: str
    unit: str
    defective_qty: Decimal
    counts: int
    notes: str


def month_bounds(year: int, month: int, zone: str) -> tuple[datetime, datetime]:
    """The site's local month as ``[start, end)`` in UTC.

    A count at 01:00 on 1 December in Shanghai is 17:00 UTC on 30 November, and December's.
    """
    tz = ZoneInfo(zone)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def feedback_rows(year: int, month: int, site_code: str | None = None) -> list[FeedbackRow]:
    """Every item counted in the site's local month, with its defective pieces summed.

    :param site_code: one site, or every site when ``None``
    """
    sites = select(Site).where(Site.deleted_at.is_(None)).order_by(Site.code)
    if site_code is not None:
        sites = sites.where(Site.code == site_code)
    rows: list[FeedbackRow] = []
    for site in db.session.scalars(sites):
        start, end = month_bounds(year, month, site.timezone)
        found = db.session.execute(
            select(StockCount, Item, Store)
            .join(Item, Item.id == StockCount.item_id)
            .join(Store, Store.id == Item.store_id)
            .where(StockCount.site_id == site.id, StockCount.superseded.is_(False),
                   StockCount.deleted_at.is_(None), StockCount.counted_at >= start,
                   StockCount.counted_at < end)
            .order_by(StockCount.counted_at, StockCount.id)).all()
        lines: dict[str, dict] = {}  # by item, notes in the order they were counted
        for count, item, store in found:
            line = lines.setdefault(item.id, {"store": store.name, "item": item.name,
                                              "unit": item.unit, "qty": Decimal(0), "counts": 0,
                                              "notes": []})
            line["qty"] += count.defective_qty or Decimal(0)
            line["counts"] += 1
            if count.note:
                line["notes"].append(count.note)
        rows += [FeedbackRow(site.name, line["store"], line["item"], line["unit"], line["qty"],
                             line["counts"], "；".join(line["notes"]))
                 for _, line in sorted(lines.items(), key=lambda kv: (kv[1]["store"], kv[1]["item"], kv[0]))]
    return rows

