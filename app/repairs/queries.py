"""What the repair pages read: orders of the user's sites, filtered and sorted in SQL, and
one order's visits with the materials they took from the store."""
from __future__ import annotations

from sqlalchemy import case
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import Item
from app.models import RepairOrder
from app.models import RepairWork
from app.models import StockMovement
from app.office.filters import ListFilters
from app.office.filters import ordered
from app.office.filters import within

URGENCIES = ("urgent", "normal", "low")
STATUSES = ("open", "worked", "signed_off")
SORTS = ("requested", "urgency", "status", "due")
# Extra status filters: waiting for the Monday approval, approved.
APPROVALS = ("unapproved", "approved")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def orders(f: ListFilters):
    """The statement of the repair orders list: one ``RepairOrder`` per row."""
    stmt = select(RepairOrder).where(RepairOrder.site_id.in_(f.site_ids), RepairOrder.deleted_at.is_(None))
    stmt = within(stmt, RepairOrder.requested_at, f)
    if f.person:
        stmt = stmt.where(RepairOrder.user_id == f.person)
    if f.category:
        stmt = stmt.where(RepairOrder.urgency == f.category)
    if f.status in STATUSES:
        stmt = stmt.where(RepairOrder.status == f.status)
    elif f.status == "unapproved":
        stmt = stmt.where(RepairOrder.approved_at.is_(None))
    elif f.status == "approved":
        stmt = stmt.where(RepairOrder.approved_at.is_not(None))
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(or_(RepairOrder.description.ilike(pattern, escape="\\"),
                              RepairOrder.unit.ilike(pattern, escape="\\"),
                              RepairOrder.owner_name.ilike(pattern, escape="\\"),
                              RepairOrder.number.ilike(pattern, escape="\\")))
    urgency_order = case({u: n for n, u in enumerate(URGENCIES)}, value=RepairOrder.urgency, else_=9)
    status_order = case({s: n for n, s in enumerate(STATUSES)}, value=RepairOrder.status, else_=9)
    columns = {"requested": RepairOrder.requested_at, "urgency": urgency_order, "status": status_order,
               "due": RepairOrder.due_at}
    return ordered(stmt, f, columns, RepairOrder.id)


def works_of(order: RepairOrder) -> list[RepairWork]:
    return list(db.session.scalars(
        select(RepairWork).where(RepairWork.repair_id == order.id, RepairWork.deleted_at.is_(None))
        .order_by(RepairWork.started_at, RepairWork.id)))


def items_of(works: list[RepairWork]) -> dict[str, Item]:
    ids = {m["item_id"] for w in works for m in (w.materials or [])}
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(ids)))}


def movements_of(order: RepairOrder) -> list[StockMovement]:
    """The stock movements whose reference document is this order."""
    return list(db.session.scalars(
        select(StockMovement).where(StockMovement.site_id == order.site_id,
                                    StockMovement.reference == order.number)
        .order_by(StockMovement.occurred_at, StockMovement.id)))


def workers_of(rows: list[RepairOrder]) -> dict[str, list[str]]:
    """Who recorded the visits of each order, in order of their first visit."""
    ids = [r.id for r in rows]
    if not ids:
        return {}
    out: dict[str, list[str]] = {}
    for repair_id, user_id in db.session.execute(
            select(RepairWork.repair_id, RepairWork.user_id).where(RepairWork.repair_id.in_(ids))
            .order_by(RepairWork.started_at)):
        if user_id not in out.setdefault(repair_id, []):
            out[repair_id].append(user_id)
    return out
