"""The numbers of the dashboard, each an aggregate query over the chosen sites.

Everything here answers one of the review questions of DOMAIN.md: was every area
patrolled today, who is at the gate, do the books match, what is late and whose is it.
All sites of one person share a region, so "today" is the first chosen site's day.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Conflict
from app.models import Finding
from app.models import FollowUp
from app.models import Patrol
from app.models import Site
from app.models import StockCheck
from app.models import Store
from app.models import SyncDevice
from app.models import User
from app.models import Visit
from app.models import utcnow
from app.models.people import user_sites
from app.gate import queries as gate_queries
from app.patrols import plans
from app.repairs import approval as repair_approval
from app.review.daytime import as_date
from app.review.daytime import day_start
from app.review.daytime import local_day
from sync.sweep import at_local

ACTIVE = ("open", "in_progress")
TIMELY_TARGET = 90.0
QUIET_HOURS = 24


@dataclass
class SiteDay:
    site: Site
    managers: int = 0
    managers_patrolled: int = 0
    rounds_expected: int = 0
    rounds_done: int = 0
    patrols_today: int = 0
    open_findings: int = 0
    visits_today: int = 0
    inside_now: int = 0
    overdue_visits: int = 0
    watched_visits: int = 0
    stores: list = field(default_factory=list)  # (store, checks this month, late)
    followups_open: int = 0
    followups_overdue: int = 0
    followups_escalated: int = 0
    timely: tuple[int, int] = (0, 0)
    conflicts: int = 0
    quiet_phones: int = 0
    repairs_unapproved: int = 0  # repair orders of past weeks still waiting for the Monday approval

    @property
    def timely_rate(self) -> float | None:
        on_time, total = self.timely
        return 100.0 * on_time / total if total else None


def _by_site(stmt) -> dict[str, int]:
    return {site_id: int(n or 0) for site_id, n in db.session.execute(stmt).all()}


def site_days(sites: list[Site], tz: str, now: datetime | None = None) -> list[SiteDay]:
    """One row of today's facts per site, each fact one grouped query for all the sites."""
    now = now or utcnow()
    ids = [s.id for s in sites]
    if not ids:
        return []
    today = now.astimezone(ZoneInfo(tz)).date()
    start, end = day_start(today, tz), day_start(today + timedelta(days=1), tz)
    month_start = day_start(today.replace(day=1), tz)
    rows = {s.id: SiteDay(site=s) for s in sites}

    managers = select(user_sites.c.site_id, func.count()).join(User, User.id == user_sites.c.user_id).where(
        user_sites.c.site_id.in_(ids), User.role == "manager", User.active.is_(True), User.deleted_at.is_(None)
    ).group_by(user_sites.c.site_id)
    for site_id, n in _by_site(managers).items():
        rows[site_id].managers = n
    walked = select(Patrol.site_id, func.count(func.distinct(Patrol.user_id))).join(
        User, User.id == Patrol.user_id).where(
        Patrol.site_id.in_(ids), Patrol.started_at >= start, Patrol.started_at < end,
        User.role == "manager", Patrol.deleted_at.is_(None)).group_by(Patrol.site_id)
    for site_id, n in _by_site(walked).items():
        rows[site_id].managers_patrolled = n
    patrols = select(Patrol.site_id, func.count()).where(
        Patrol.site_id.in_(ids), Patrol.started_at >= start, Patrol.started_at < end,
        Patrol.deleted_at.is_(None)).group_by(Patrol.site_id)
    for site_id, n in _by_site(patrols).items():
        rows[site_id].patrols_today = n
    for block in plans.overview(sites, now):
        rows[block.site.id].rounds_expected = sum(plan.expected for plan in block.plans)
        rows[block.site.id].rounds_done = sum(plan.done for plan in block.plans)

    findings = select(Finding.site_id, func.count()).join(FollowUp, FollowUp.id == Finding.followup_id).where(
        Finding.site_id.in_(ids), FollowUp.status.in_(ACTIVE), FollowUp.deleted_at.is_(None)
    ).group_by(Finding.site_id)
    for site_id, n in _by_site(findings).items():
        rows[site_id].open_findings = n

    visits = select(Visit.site_id, func.count()).where(
        Visit.site_id.in_(ids), Visit.checked_in_at >= start, Visit.checked_in_at < end,
        Visit.deleted_at.is_(None)).group_by(Visit.site_id)
    for site_id, n in _by_site(visits).items():
        rows[site_id].visits_today = n
    watched = select(Visit.site_id, func.count()).where(
        Visit.site_id.in_(ids), Visit.checked_in_at >= start, Visit.checked_in_at < end,
        Visit.deleted_at.is_(None), gate_queries.watched()).group_by(Visit.site_id)
    for site_id, n in _by_site(watched).items():
        rows[site_id].watched_visits = n
    inside = select(Visit.site_id, func.count()).where(
        Visit.site_id.in_(ids), Visit.checked_out_at.is_(None), Visit.deleted_at.is_(None)).group_by(Visit.site_id)
    for site_id, n in _by_site(inside).items():
        rows[site_id].inside_now = n
    for row in rows.values():
        if row.inside_now:
            row.overdue_visits = db.session.scalar(select(func.count()).select_from(Visit).where(
                Visit.site_id == row.site.id, Visit.checked_out_at.is_(None), Visit.deleted_at.is_(None),
                Visit.checked_in_at < gate_day_cutoff(row.site, today, now))) or 0

    stores = list(db.session.scalars(select(Store).where(Store.site_id.in_(ids), Store.deleted_at.is_(None))
                                     .order_by(Store.name)))
    checks = dict(db.session.execute(select(StockCheck.store_id, func.count()).where(
        StockCheck.site_id.in_(ids), StockCheck.started_at >= month_start, StockCheck.deleted_at.is_(None)
    ).group_by(StockCheck.store_id)).all())
    for store in stores:
        site = rows[store.site_id].site
        late = today.day > int(site.setting("stock_check_day")) and not checks.get(store.id)
        rows[store.site_id].stores.append((store, checks.get(store.id, 0), late))

    active = and_(FollowUp.status.in_(ACTIVE), FollowUp.deleted_at.is_(None))
    counts = select(
        FollowUp.site_id, func.count(),
        func.sum(case((FollowUp.due_at < now, 1), else_=0)),
        func.sum(case((FollowUp.escalation_level > 0, 1), else_=0)),
    ).where(FollowUp.site_id.in_(ids), active).group_by(FollowUp.site_id)
    for site_id, total, overdue, escalated in db.session.execute(counts).all():
        row = rows[site_id]
        row.followups_open, row.followups_overdue, row.followups_escalated = total, int(overdue or 0), int(escalated or 0)
    for site_id, on_time, total in db.session.execute(timely_query(ids, now - timedelta(days=30), now)).all():
        rows[site_id].timely = (int(on_time or 0), int(total or 0))

    conflicts = select(Conflict.site_id, func.count()).where(
        Conflict.site_id.in_(ids), Conflict.reviewed_at.is_(None)).group_by(Conflict.site_id)
    for site_id, n in _by_site(conflicts).items():
        rows[site_id].conflicts = n
    quiet = select(user_sites.c.site_id, func.count(func.distinct(SyncDevice.device_id))).join(
        user_sites, user_sites.c.user_id == SyncDevice.user_id).where(
        user_sites.c.site_id.in_(ids), SyncDevice.pending > 0,
        SyncDevice.last_seen_at < now - timedelta(hours=QUIET_HOURS),
        ~SyncDevice.device_id.startswith("desktop:")).group_by(user_sites.c.site_id)
    for site_id, n in _by_site(quiet).items():
        rows[site_id].quiet_phones = n
    for row in rows.values():
        row.repairs_unapproved = repair_approval.unapproved_count([row.site], now)
    return [rows[i] for i in ids]


def gate_day_cutoff(site: Site, today: date, now: datetime) -> datetime:
    """A visit checked in before this and still open has outlived its gate day."""
    end_today = at_local(today, site.setting("gate_day_end"), ZoneInfo(site.timezone))
    return end_today if now >= end_today else day_start(today, site.timezone)


def timely_query(site_ids: list[str], since: datetime, until: datetime):
    """报事处理及时率: of the follow-ups whose due time fell in [since, until), how many were
    resolved by their due time. One still unresolved past its due time counts as late."""
    on_time = func.sum(case((and_(FollowUp.resolved_at.is_not(None), FollowUp.resolved_at <= FollowUp.due_at), 1),
                            else_=0))
    return select(FollowUp.site_id, on_time, func.count()).where(
        FollowUp.site_id.in_(site_ids), FollowUp.deleted_at.is_(None), FollowUp.due_at >= since,
        FollowUp.due_at < until).group_by(FollowUp.site_id)


def open_findings(site_ids: list[str], limit: int = 6) -> list[tuple[Finding, FollowUp]]:
    """The latest patrol findings whose follow-up is still open: what to look at first."""
    stmt = (select(Finding, FollowUp).join(FollowUp, FollowUp.id == Finding.followup_id)
            .where(Finding.site_id.in_(site_ids), Finding.deleted_at.is_(None),
                   FollowUp.status.in_(ACTIVE), FollowUp.deleted_at.is_(None))
            .order_by(Finding.found_at.desc(), Finding.id).limit(limit))
    return [(finding, followup) for finding, followup in db.session.execute(stmt)]


def owners(site_ids: list[str], now: datetime, limit: int = 12):
    """Who holds the open follow-ups: (user id, name, open, overdue, escalated), most overdue first."""
    overdue = func.sum(case((FollowUp.due_at < now, 1), else_=0))
    escalated = func.sum(case((FollowUp.escalation_level > 0, 1), else_=0))
    stmt = (select(FollowUp.assignee_id, User.display_name, func.count(), overdue, escalated)
            .outerjoin(User, User.id == FollowUp.assignee_id)
            .where(FollowUp.site_id.in_(site_ids), FollowUp.status.in_(ACTIVE), FollowUp.deleted_at.is_(None))
            .group_by(FollowUp.assignee_id, User.display_name)
            .order_by(overdue.desc(), func.count().desc()).limit(limit))
    return [(uid, name, n, int(late or 0), int(up or 0)) for uid, name, n, late, up in db.session.execute(stmt)]


def trends(site_ids: list[str], tz: str, days: int, now: datetime | None = None) -> dict:
    """Daily series over the last ``days`` local days: visits, patrols, follow-ups opened and
    resolved, and the timely-handling rate by due day."""
    now = now or utcnow()
    last = now.astimezone(ZoneInfo(tz)).date()
    first = last - timedelta(days=days - 1)
    since = day_start(first, tz)
    span = [first + timedelta(days=n) for n in range(days)]

    def daily(column, *where):
        day = local_day(column, tz)
        stmt = select(day, func.count()).where(column >= since, column <= now, *where).group_by(day)
        found = {as_date(d): n for d, n in db.session.execute(stmt).all()}
        return [found.get(d, 0) for d in span]

    visits = daily(Visit.checked_in_at, Visit.site_id.in_(site_ids), Visit.deleted_at.is_(None))
    patrols = daily(Patrol.started_at, Patrol.site_id.in_(site_ids), Patrol.deleted_at.is_(None))
    opened = daily(FollowUp.opened_at, FollowUp.site_id.in_(site_ids), FollowUp.deleted_at.is_(None))
    resolved = daily(FollowUp.resolved_at, FollowUp.site_id.in_(site_ids), FollowUp.deleted_at.is_(None))
    day = local_day(FollowUp.due_at, tz)
    on_time = func.sum(case((and_(FollowUp.resolved_at.is_not(None), FollowUp.resolved_at <= FollowUp.due_at), 1),
                            else_=0))
    stmt = select(day, on_time, func.count()).where(
        FollowUp.site_id.in_(site_ids), FollowUp.deleted_at.is_(None), FollowUp.due_at >= since,
        FollowUp.due_at <= now).group_by(day)
    rate = {as_date(d): 100.0 * int(ok or 0) / n for d, ok, n in db.session.execute(stmt).all() if n}
    return {"days": span, "visits": visits, "patrols": patrols, "opened": opened, "resolved": resolved,
            "rate": [rate.get(d) for d in span]}
