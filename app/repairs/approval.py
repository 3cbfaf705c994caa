"""The manager's Monday approval of the past week's repair orders (每周一审批《维修任务单》).

Orders of past weeks (before the current Monday in the site's days) wait for approval;
this week's are not yet due for it. Approving records who and when on the order; its
version rises, so phones that hold it pull the approval.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import RepairOrder
from app.models import Site
from app.models import utcnow
from app.models.base import _serialise_writers
from app.office.access import may_approve_repairs
from app.repairs.weeks import last_week
from app.repairs.weeks import week_start
from app.scoping import visible_site_ids


class Refused(Exception):
    """An approval that may not be given; ``message`` says why in the user's language."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass
class Waiting:
    """One site's orders awaiting approval: last week's, and older ones still unapproved."""

    site: Site
    last_week: list[RepairOrder]
    older: list[RepairOrder]
    week: tuple[datetime, datetime]

    @property
    def days(self) -> tuple[str, str]:
        """Last week's Monday and Sunday as the site's dates."""
        zone = ZoneInfo(self.site.timezone)
        start = self.week[0].astimezone(zone).date()
        return start.isoformat(), (start + timedelta(days=6)).isoformat()


def waiting(sites: list[Site], now: datetime | None = None) -> list[Waiting]:
    """Per site, the unapproved orders of past weeks, oldest first."""
    now = now or utcnow()
    out = []
    for site in sites:
        start, end = last_week(now, site.timezone)
        rows = list(db.session.scalars(
            select(RepairOrder).where(RepairOrder.site_id == site.id, RepairOrder.deleted_at.is_(None),
                                      RepairOrder.approved_at.is_(None), RepairOrder.requested_at < end)
            .order_by(RepairOrder.requested_at, RepairOrder.id)))
        out.append(Waiting(site, [r for r in rows if r.requested_at >= start],
                           [r for r in rows if r.requested_at < start], (start, end)))
    return out


def unapproved_count(sites: list[Site], now: datetime | None = None) -> int:
    """How many orders of past weeks at these sites still wait for approval (the dashboard's)."""
    now = now or utcnow()
    total = 0
    for site in sites:
        total += db.session.scalar(
            select(func.count()).select_from(RepairOrder)
            .where(RepairOrder.site_id == site.id, RepairOrder.deleted_at.is_(None),
                   RepairOrder.approved_at.is_(None),
                   RepairOrder.requested_at < week_start(now, site.timezone))) or 0
    return total


def due_for_approval(order: RepairOrder, now: datetime | None = None) -> bool:
    """Unapproved and of a past week (before this Monday in the site's days)."""
    site = db.session.get(Site, order.site_id)
    return order.approved_at is None and order.requested_at < week_start(now or utcnow(), site.timezone)


def approve(order_ids: list[str], user, now: datetime | None = None) -> list[RepairOrder]:
    """Approve these orders as ``user`` and commit; all or none.

    :raises Refused: an order not of the user's sites, not the user's to approve, of this
        week, or already approved; nothing is written then
    """
    now = now or utcnow()
    if not may_approve_repairs(user):
        raise Refused(_l("Only the site's manager, a supervisor or an admin approves repair orders."), 403)
    if not order_ids:
        raise Refused(_l("Choose the repair orders to approve."), 422)
    _serialise_writers(db.session)
    sites = visible_site_ids(user)
    approved = []
    for order_id in dict.fromkeys(order_ids):
        order = db.session.scalar(select(RepairOrder).where(RepairOrder.id == order_id).with_for_update()
                                  .execution_options(populate_existing=True)) if isinstance(order_id, str) else None
        if order is None or order.deleted_at is not None or order.site_id not in sites:
            db.session.rollback()
            raise Refused(_l("This repair order is not one of your sites'."), 404)
        if order.approved_at is not None:
            db.session.rollback()
            raise Refused(_l("Repair order %(number)s was already approved.", number=order.number))
        site = db.session.get(Site, order.site_id)
        if order.requested_at >= week_start(now, site.timezone):
            db.session.rollback()
            raise Refused(_l("Repair order %(number)s is of this week: it is approved next Monday.",
                             number=order.number))
        order.approved_at = now
        order.approved_by = user.id
        approved.append(order)
    db.session.commit()
    return approved
