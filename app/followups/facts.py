"""Facts for ``sync.sweep`` read from the database: a few batch queries per site.

Only the columns the rules need are read; a visitor's phone and ID number never are.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import DEFAULT_SITE_SETTINGS
from app.models import FollowUp
from app.models import Inspection
from app.models import Patrol
from app.models import Route
from app.models import Site
from app.models import StockCheck
from app.models import Store
from app.models import User
from app.models import Visit
from app.models.people import user_sites
from app.models.sweep import SweepMark
from sync import sweep
from sync.store import UserRef

# Records this much older than the look-back window can still prove a deadline inside it
# (a route window that began the day before, a month's stock check).
PATROL_MARGIN = timedelta(days=3)
CHECK_MARGIN = timedelta(days=33)
WEEK_MARGIN = timedelta(days=8)


def site_settings(site: Site) -> dict:
    """The site's settings with the defaults of every known key filled in."""
    settings = dict(site.settings or {})
    settings.update({key: site.setting(key) for key in DEFAULT_SITE_SETTINGS})
    return settings


def sweep_id_secret() -> str:
    """A server secret for the sweep's follow-up ids, derived from ``SECRET_KEY``."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"sweep-followup-ids", hashlib.sha256).hexdigest()


def site_facts(site: Site, now: datetime) -> sweep.SiteFacts:
    """Everything a full sweep of ``site`` needs to decide at ``now``.

    Records and marks of the look-back window decide what to open; the site's pending
    marks and the records of their subjects (``pending_facts``) decide what to settle.
    """
    settings = site_settings(site)
    lookback = sweep.effective_settings(settings)["sweep_lookback_days"]
    start = now - timedelta(days=int(lookback))
    people, names = _people(site.id)
    only = [site.id]
    pending = next(iter(pending_facts(only)), sweep.SiteFacts(site.id, ZoneInfo(site.timezone), {}))
    return sweep.SiteFacts(
        site_id=site.id, tz=ZoneInfo(site.timezone), settings=settings, people=people, names=names,
        id_secret=sweep_id_secret(),
        quality_id=_quality(site, settings),
        routes=tuple(route_fact(r) for r in db.session.scalars(
            select(Route).where(Route.site_id == site.id, Route.active.is_(True),
                                Route.deleted_at.is_(None)).order_by(Route.id))),
        stores=tuple(sweep.StoreFact(s.id, s.name) for s in db.session.scalars(
            select(Store).where(Store.site_id == site.id, Store.deleted_at.is_(None)).order_by(Store.id))),
        visits=_merge(_facts(_visits(only, Visit.checked_in_at >= start - timedelta(days=1), [])),
                      pending.visits),
        patrols=_merge(_facts(_patrols(only, start - PATROL_MARGIN)), pending.patrols),
        stock_checks=_merge(_facts(_checks(only, start - CHECK_MARGIN)), pending.stock_checks),
        inspections=_merge(_facts(_inspections(only, start - WEEK_MARGIN)), pending.inspections),
        followups=_overdue(site.id, now),
        marks=_merge(_facts(_marks(only, SweepMark.deadline > start - PATROL_MARGIN)), pending.marks),
    )


def route_fact(route: Route) -> sweep.RouteFact:
    """A route with its plan: window, repeat and walkers (the plans page reads it the same way)."""
    return sweep.RouteFact(route.id, route.name, route.window_start, route.window_end,
                           repeat_minutes=route.repeat_minutes or None,
                           walker_ids=tuple(route.walker_ids or ()), walker_role=route.walker_role)


def pending_facts(site_ids: list[str]) -> list[sweep.SiteFacts]:
    """For settling: each site's unsettled marks whose follow-up is still open or resolved,
    and the records that could prove them.

    The first query usually finds nothing, and that is all a sync pays.
    """
    marks = _marks(site_ids, and_(SweepMark.settled_at.is_(None), FollowUp.status != sweep.CLOSED,
                                  FollowUp.deleted_at.is_(None)))
    if not marks:
        return []
    sites = sorted({site_id for site_id, _ in marks})
    since = min(m.since for _, m in marks)
    kinds = {m.kind for _, m in marks}
    patrol_subjects = [m.subject_id for _, m in marks if m.kind in (sweep.NO_PATROL, sweep.MISSED_ROUTE)]
    patrols = _patrols(sites, since, subjects=patrol_subjects) if patrol_subjects else []
    visits = _visits(sites, None, [m.subject_id for _, m in marks if m.kind == sweep.OPEN_VISIT])
    checks = _checks(sites, since) if sweep.NO_STOCK_CHECK in kinds else []
    inspections = _inspections(sites, since) if sweep.FEW_INSPECTIONS in kinds else []
    zones = dict(db.session.execute(select(Site.id, Site.timezone).where(Site.id.in_(sites))).all())
    return [sweep.SiteFacts(
        site_id=site_id, tz=ZoneInfo(zones[site_id]), settings={},
        visits=_facts(visits, site_id), patrols=_facts(patrols, site_id),
        stock_checks=_facts(checks, site_id), inspections=_facts(inspections, site_id),
        marks=_facts(marks, site_id),
    ) for site_id in sites]


def _merge(*groups) -> tuple:
    """Facts of several queries, each once (by mark key or record id)."""
    seen = {}
    for group in groups:
        for fact in group:
            seen.setdefault(getattr(fact, "key", None) or fact.id, fact)
    return tuple(seen.values())


# -- queries: each returns (site id, fact) pairs in a stable order -----------------------

def _facts(pairs, site_id: str | None = None) -> tuple:
    return tuple(fact for where, fact in pairs if site_id is None or where == site_id)


def _people(site_id: str) -> tuple[tuple[UserRef, ...], dict[str, str]]:
    users = db.session.scalars(
        select(User).join(user_sites, user_sites.c.user_id == User.id)
        .where(user_sites.c.site_id == site_id, User.active.is_(True), User.deleted_at.is_(None))
        .order_by(User.id)).all()
    refs = tuple(UserRef(id=u.id, role=u.role, post=u.post, is_team_lead=u.is_team_lead,
                         site_ids=(site_id,), active=True) for u in users)
    return refs, {u.id: u.display_name for u in users}


def _quality(site: Site, settings: dict) -> str | None:
    """The company's quality department (品质部): the supervisor the site's
    ``quality_username`` names, else the company's first supervisor (those posted to the
    site first, then by username)."""
    candidates = db.session.execute(
        select(User.id, User.username, user_sites.c.site_id)
        .outerjoin(user_sites, and_(user_sites.c.user_id == User.id, user_sites.c.site_id == site.id))
        .where(User.company_id == site.company_id, User.role == "supervisor",
               User.active.is_(True), User.deleted_at.is_(None))).all()
    wanted = settings.get("quality_username")
    for candidate in candidates:
        if wanted and candidate.username == wanted:
            return candidate.id
    ordered = sorted(candidates, key=lambda c: (c.site_id is None, c.username))
    return ordered[0].id if ordered else None


def _marks(site_ids: list[str], condition) -> list:
    rows = db.session.execute(
        select(SweepMark, FollowUp.status, FollowUp.deleted_at)
        .outerjoin(FollowUp, FollowUp.id == SweepMark.followup_id)
        .where(SweepMark.site_id.in_(site_ids), condition).order_by(SweepMark.key)).all()
    return [(mark.site_id, sweep.MarkFact(
        key=mark.key, kind=mark.kind, subject_id=mark.subject_id, since=mark.since,
        deadline=mark.deadline, followup_id=mark.followup_id,
        followup_status=None if deleted_at is not None else status,
        settled=mark.settled_at is not None)) for mark, status, deleted_at in rows]


def _visits(site_ids, condition, ids) -> list:
    """Visits checked in since the window, plus the ones named by unsettled marks."""
    clauses = [c for c in (condition, Visit.id.in_(ids) if ids else None) if c is not None]
    if not clauses:
        return []
    rows = db.session.execute(
        select(Visit.id, Visit.site_id, Visit.user_id, Visit.visitor_name, Visit.checked_in_at,
               Visit.received_at, Visit.checked_out_at, Visit.checked_out_received_at)
        .where(Visit.site_id.in_(site_ids), Visit.deleted_at.is_(None), or_(*clauses))
        .order_by(Visit.id)).all()
    return [(r.site_id, sweep.VisitFact(r.id, r.user_id, r.visitor_name, r.checked_in_at, r.received_at,
                                        r.checked_out_at, r.checked_out_received_at)) for r in rows]


def _patrols(site_ids, since, subjects=None) -> list:
    stmt = (select(Patrol.id, Patrol.site_id, Patrol.user_id, Patrol.route_id, Patrol.started_at,
                   Patrol.received_at)
            .where(Patrol.site_id.in_(site_ids), Patrol.deleted_at.is_(None), Patrol.started_at >= since))
    if subjects is not None:
        stmt = stmt.where(or_(Patrol.user_id.in_(subjects), Patrol.route_id.in_(subjects)))
    return [(r.site_id, sweep.PatrolFact(r.id, r.user_id, r.route_id, r.started_at, r.received_at))
            for r in db.session.execute(stmt.order_by(Patrol.id))]


def _checks(site_ids, since) -> list:
    rows = db.session.execute(
        select(StockCheck.id, StockCheck.site_id, StockCheck.store_id, StockCheck.started_at,
               StockCheck.received_at)
        .where(StockCheck.site_id.in_(site_ids), StockCheck.deleted_at.is_(None),
               StockCheck.started_at >= since).order_by(StockCheck.id))
    return [(r.site_id, sweep.StockCheckFact(r.id, r.store_id, r.started_at, r.received_at)) for r in rows]


def _inspections(site_ids, since) -> list:
    rows = db.session.execute(
        select(Inspection.id, Inspection.site_id, Inspection.user_id, Inspection.at, Inspection.received_at)
        .where(Inspection.site_id.in_(site_ids), Inspection.deleted_at.is_(None), Inspection.at >= since)
        .order_by(Inspection.id))
    return [(r.site_id, sweep.InspectionFact(r.id, r.user_id, r.at, r.received_at)) for r in rows]


def _overdue(site_id: str, now: datetime) -> tuple[sweep.FollowUpFact, ...]:
    """Active follow-ups of the site past their due time and below the top of the chain."""
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.status, FollowUp.due_at, FollowUp.escalation_level,
               FollowUp.assignee_id, FollowUp.clock, FollowUp.category)
        .where(FollowUp.site_id == site_id, FollowUp.deleted_at.is_(None),
               FollowUp.status.in_(sweep.ACTIVE), FollowUp.due_at < now,
               FollowUp.escalation_level < sweep.TOP_LEVEL).order_by(FollowUp.id)).all()
    return tuple(sweep.FollowUpFact(*row) for row in rows)
