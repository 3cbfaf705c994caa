"""What the stock pages read: checks with their counts summed in SQL, the month's checks per
store, and one check item by item.

Only standing counts (not superseded, not deleted) make a check's figures; superseded
counts are shown on the check's page under the count that replaced them.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import Item
from app.models import Site
from app.models import StockCheck
from app.models import StockCount
from app.models import StockMovement
from app.models import Store
from app.models import User
from app.models import utcnow
from app.office.filters import ListFilters
from app.office.filters import ordered
from app.office.filters import within
from sync.sweep import stock_deadline

STATUSES = ("open", "finished", "differences", "awaiting", "recount")
SORTS = ("started", "store", "who", "items", "differences", "defective", "pending")


def standing():
    """Counts that make a check's figures: the latest of each item, not deleted."""
    return and_(StockCount.superseded.is_(False), StockCount.deleted_at.is_(None))


def _figures():
    """Per check: items counted, differences (how many, net sum), defective pieces, pending
    decisions and counts sent back for a recount; one grouped subquery."""
    differs = StockCount.difference != 0
    return (
        select(
            StockCount.check_id.label("check_id"),
            func.count(func.distinct(StockCount.item_id)).label("item_count"),
            func.sum(case((differs, 1), else_=0)).label("differences"),
            func.sum(case((differs, StockCount.difference), else_=0)).label("difference_sum"),
            func.sum(func.coalesce(StockCount.defective_qty, 0)).label("defective"),
            func.sum(case((and_(differs, StockCount.review.is_(None)), 1), else_=0)).label("pending"),
            func.sum(case((StockCount.review == "recount", 1), else_=0)).label("recounts"),
        )
        .where(standing())
        .group_by(StockCount.check_id)
        .subquery()
    )


def _listing(fig):
    differences = func.coalesce(fig.c.differences, 0)
    return {
        "item_count": func.coalesce(fig.c.item_count, 0), "differences": differences,
        "difference_sum": func.coalesce(fig.c.difference_sum, 0),
        "defective": func.coalesce(fig.c.defective, 0), "pending": func.coalesce(fig.c.pending, 0),
        "recounts": func.coalesce(fig.c.recounts, 0),
    }


def _joined(stmt, fig):
    return (stmt.join(Site, Site.id == StockCheck.site_id)
            .join(User, User.id == StockCheck.user_id)
            .outerjoin(Store, Store.id == StockCheck.store_id)
            .outerjoin(fig, fig.c.check_id == StockCheck.id))


def checks(f: ListFilters):
    """The statement of the checks list (one ``StockCheck`` per row, for the pager),
    filtered and sorted by its figures."""
    fig = _figures()
    figures = _listing(fig)
    stmt = _joined(select(StockCheck), fig).where(StockCheck.site_id.in_(f.site_ids),
                                                  StockCheck.deleted_at.is_(None))
    stmt = within(stmt, StockCheck.started_at, f)
    if f.person:
        stmt = stmt.where(StockCheck.user_id == f.person)
    if f.status == "open":
        stmt = stmt.where(StockCheck.finished_at.is_(None))
    elif f.status == "finished":
        stmt = stmt.where(StockCheck.finished_at.is_not(None))
    elif f.status == "differences":
        stmt = stmt.where(figures["differences"] > 0)
    elif f.status == "awaiting":
        stmt = stmt.where(figures["pending"] > 0)
    elif f.status == "recount":
        stmt = stmt.where(figures["recounts"] > 0)
    columns = {"started": StockCheck.started_at, "store": Store.name, "who": User.display_name,
               "items": figures["item_count"],
               **{key: figures[key] for key in ("differences", "defective", "pending")}}
    return ordered(stmt, f, columns, StockCheck.id)


def figures_of(check_ids: list[str]) -> dict:
    """For the checks of one page: store, person, site zone and figures, in one query."""
    if not check_ids:
        return {}
    fig = _figures()
    columns = [column.label(key) for key, column in _listing(fig).items()]
    rows = db.session.execute(_joined(
        select(StockCheck.id, Store.name.label("store_name"), User.display_name.label("who"),
               Site.name.label("site_name"), Site.timezone.label("tz"), *columns), fig)
        .where(StockCheck.id.in_(check_ids)))
    return {row.id: row for row in rows}


# -- the month per store --------------------------------------------------------------

@dataclass
class StoreMonth:
    site: Site
    store_id: str
    store_name: str
    checks: int
    last_at: datetime | None
    deadline: date
    late: bool


def _month_bounds(site: Site, now: datetime) -> tuple[datetime, datetime, date, datetime]:
    """(first instant of the site's month, first instant of the next, the check day, its end)."""
    zone = ZoneInfo(site.timezone)
    today = now.astimezone(zone).date()
    start = datetime(today.year, today.month, 1, tzinfo=zone)
    days = calendar.monthrange(today.year, today.month)[1]
    end = datetime(today.year + today.month // 12, today.month % 12 + 1, 1, tzinfo=zone)
    deadline_at = stock_deadline(today.year, today.month, site.setting("stock_check_day"), zone)
    check_day = min(int(site.setting("stock_check_day")), days)
    return start, end, date(today.year, today.month, check_day), deadline_at


def month_by_store(sites: list[Site], now: datetime | None = None) -> list[StoreMonth]:
    """This month's checks of each store of ``sites`` (a whole-site check counts for each of
    its stores); a store with none after the site's check day (``stock_check_day``) is late."""
    now = now or utcnow()
    if not sites:
        return []
    bounds = {s.id: _month_bounds(s, now) for s in sites}
    in_month = or_(*[and_(StockCheck.site_id == s.id, StockCheck.started_at >= bounds[s.id][0],
                          StockCheck.started_at < bounds[s.id][1]) for s in sites])
    rows = db.session.execute(
        select(Store.id, Store.name, Store.site_id, func.count(StockCheck.id), func.max(StockCheck.started_at))
        .outerjoin(StockCheck, and_(StockCheck.site_id == Store.site_id, StockCheck.deleted_at.is_(None),
                                    or_(StockCheck.store_id == Store.id, StockCheck.store_id.is_(None)),
                                    in_month))
        .where(Store.site_id.in_([s.id for s in sites]), Store.deleted_at.is_(None))
        .group_by(Store.id, Store.name, Store.site_id)).all()
    by_id = {s.id: s for s in sites}
    out = []
    for store_id, name, site_id, count, last_at in rows:
        site = by_id[site_id]
        _, _, check_day, deadline_at = bounds[site_id]
        out.append(StoreMonth(site, store_id, name, count, last_at, check_day,
                              late=count == 0 and now >= deadline_at))
    return sorted(out, key=lambda m: (m.site.name, m.store_name))


# -- one check ------------------------------------------------------------------------

@dataclass
class CountLine:
    count: StockCount
    item_name: str
    unit: str
    counter: str
    reviewer: str | None
    movement: StockMovement | None
    followup: FollowUp | None
    earlier: list  # superseded counts of the same item, newest first


def check_lines(check: StockCheck) -> list[CountLine]:
    """The check's standing counts by item name, each with the counts it replaced, its
    follow-up and its decision; a few queries whatever the number of items."""
    counts = list(db.session.scalars(
        select(StockCount).where(StockCount.check_id == check.id, StockCount.deleted_at.is_(None))
        .order_by(StockCount.counted_at.desc(), StockCount.id.desc())))
    item_ids = {c.item_id for c in counts}
    items = {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(item_ids)))} if counts else {}
    people_ids = {c.user_id for c in counts} | {c.reviewed_by for c in counts if c.reviewed_by}
    people = {ident: name for ident, name in db.session.execute(
        select(User.id, User.display_name).where(User.id.in_(people_ids)))} if people_ids else {}
    movement_ids = [c.adjustment_id for c in counts if c.adjustment_id]
    movements = {m.id: m for m in db.session.scalars(
        select(StockMovement).where(StockMovement.id.in_(movement_ids)))} if movement_ids else {}
    followup_ids = [c.followup_id for c in counts if c.followup_id]
    followups = {x.id: x for x in db.session.scalars(
        select(FollowUp).where(FollowUp.id.in_(followup_ids), FollowUp.deleted_at.is_(None)))} \
        if followup_ids else {}
    earlier: dict[str, list] = {}
    lines = []
    for c in counts:
        if c.superseded:
            earlier.setdefault(c.item_id, []).append(c)
    for c in counts:
        if c.superseded:
            continue
        item = items.get(c.item_id)
        lines.append(CountLine(
            count=c, item_name=item.name if item else "", unit=item.unit if item else "",
            counter=people.get(c.user_id, ""), reviewer=people.get(c.reviewed_by),
            movement=movements.get(c.adjustment_id), followup=followups.get(c.followup_id),
            earlier=[(e, people.get(e.user_id, "")) for e in earlier.get(c.item_id, [])]))
    # Items whose every count is superseded (should not happen) still show their counts.
    for item_id, rest in earlier.items():
        if not any(line.count.item_id == item_id for line in lines):
            item = items.get(item_id)
            first, *others = rest
            lines.append(CountLine(first, item.name if item else "", item.unit if item else "",
                                   people.get(first.user_id, ""), people.get(first.reviewed_by),
                                   None, None, [(e, people.get(e.user_id, "")) for e in others]))
    return sorted(lines, key=lambda line: (line.count.difference == 0, line.item_name))


def check_totals(lines: list[CountLine]) -> dict:
    standing_lines = [line for line in lines if not line.count.superseded]
    differing = [line for line in standing_lines if line.count.difference != 0]
    return {
        "items": len(standing_lines),
        "differences": len(differing),
        "difference_sum": sum((line.count.difference for line in differing), Decimal(0)),
        "defective": sum((line.count.defective_qty or Decimal(0) for line in standing_lines), Decimal(0)),
        "pending": sum(1 for line in differing if line.count.review is None),
    }
