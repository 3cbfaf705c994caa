"""Patrol plans (巡更计划): each route's schedule, its walkers, and today's rounds against it.

Today's slots come from the sweep's own rules (``sync.sweep.route_slots``), so the page
and the follow-ups the sweep opens always agree on what was expected and what was walked.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.followups.facts import route_fact
from app.followups.facts import site_settings
from app.models import Patrol
from app.models import Route
from app.models import Site
from app.models import User
from app.models import utcnow
from app.models.people import user_sites
from sync import sweep

WALKER_ROLES = ("manager", "guard")


@dataclass
class SlotState:
    slot: sweep.Slot
    state: str  # done, now, later, missed
    patrol_id: str | None = None


@dataclass
class Plan:
    """A route's plan and its rounds of the current day: today's window, or last night's
    while a window over midnight that opened yesterday is still running."""

    route: Route
    walkers: list[User] = field(default_factory=list)
    today: list[SlotState] = field(default_factory=list)
    day: date | None = None

    @property
    def expected(self) -> int:
        return len(self.today)

    @property
    def done(self) -> int:
        return sum(1 for s in self.today if s.state == "done")

    @property
    def missed(self) -> int:
        return sum(1 for s in self.today if s.state == "missed")


@dataclass
class SitePlans:
    site: Site
    today: datetime
    grace: int
    plans: list[Plan] = field(default_factory=list)


def may_edit_plans(user, site_id: str) -> bool:
    """Managers of the site, supervisors and admins (the route is already scoped to the user)."""
    return user.role in ("supervisor", "admin") or (user.role == "manager" and site_id in user.site_ids)


def grace_minutes(site: Site) -> int:
    return int(sweep.effective_settings(site_settings(site))["route_grace_minutes"])


def overview(sites: list[Site], now: datetime | None = None) -> list[SitePlans]:
    """Every live route of these sites with its walkers and today's slots, site by site."""
    now = now or utcnow()
    if not sites:
        return []
    routes = list(db.session.scalars(
        select(Route).where(Route.site_id.in_([s.id for s in sites]), Route.deleted_at.is_(None))
        .order_by(Route.name, Route.id)))
    names = _people({w for r in routes for w in (r.walker_ids or [])})
    out = []
    for site in sites:
        day = now.astimezone(ZoneInfo(site.timezone)).date()
        block = SitePlans(site=site, today=day, grace=grace_minutes(site))
        mine = [r for r in routes if r.site_id == site.id]
        current = {r.id: _current(r, day, ZoneInfo(site.timezone), block.grace, now) for r in mine if r.active}
        rounds = _rounds(site.id, [s for _day, each in current.values() for s in each])
        for route in mine:
            shown_day, slots = current.get(route.id, (day, []))
            block.plans.append(Plan(route=route, walkers=[names[w] for w in route.walker_ids or [] if w in names],
                                    today=[_state(s, rounds.get(route.id, []), now) for s in slots], day=shown_day))
        out.append(block)
    return out


def _current(route: Route, day: date, tz: ZoneInfo, grace: int, now: datetime) -> tuple[date, list[sweep.Slot]]:
    """The window a reviewer means by "today": yesterday's while it still runs (night rounds
    at 02:00), else today's."""
    fact = route_fact(route)
    last_night = sweep.route_slots(fact, day - timedelta(days=1), tz, grace)
    if last_night and now <= last_night[-1].deadline:
        return day - timedelta(days=1), last_night
    return day, sweep.route_slots(fact, day, tz, grace)


def _rounds(site_id: str, slots: list[sweep.Slot]) -> dict[str, list[tuple[datetime, str]]]:
    """Rounds on a route started within today's slots: (start, id) by route, one query."""
    if not slots:
        return {}
    rows = db.session.execute(
        select(Patrol.route_id, Patrol.started_at, Patrol.id)
        .where(Patrol.site_id == site_id, Patrol.route_id.is_not(None), Patrol.deleted_at.is_(None),
               Patrol.started_at >= min(s.since for s in slots),
               Patrol.started_at <= max(s.deadline for s in slots))
        .order_by(Patrol.started_at, Patrol.id)).all()
    found: dict[str, list] = {}
    for route_id, started_at, ident in rows:
        found.setdefault(route_id, []).append((started_at, ident))
    return found


def _state(slot: sweep.Slot, rounds: list[tuple[datetime, str]], now: datetime) -> SlotState:
    """Walked when a round started within the slot, as the sweep counts it."""
    walked = next((ident for started, ident in rounds if slot.since <= started <= slot.deadline), None)
    if walked:
        return SlotState(slot, "done", walked)
    if now > slot.deadline:
        return SlotState(slot, "missed")
    return SlotState(slot, "now" if now >= slot.since else "later")


def _people(ids: set[str]) -> dict[str, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def walker_choices(site_id: str) -> list[tuple[str, str]]:
    """People of the site who may walk a route (its managers and guards), by role then name."""
    people = db.session.scalars(
        select(User).join(user_sites, user_sites.c.user_id == User.id)
        .where(user_sites.c.site_id == site_id, User.role.in_(WALKER_ROLES), User.active.is_(True),
               User.deleted_at.is_(None)).order_by(User.role.desc(), User.display_name)).all()
    return [(u.id, u.display_name) for u in people]


def save(route: Route, form) -> None:
    """Write the plan onto the route (a synced row: phones pull the new version)."""
    route.window_start = form.window_start.data or None
    route.window_end = form.window_end.data or None
    route.repeat_minutes = form.repeat_minutes.data or None
    route.walker_role = form.walker_role.data
    route.walker_ids = list(form.walker_ids.data or [])
    db.session.commit()


def per_day(route: Route) -> int | None:
    """Rounds a day the plan expects; ``None`` for a route with no window (walked any time)."""
    if not route.window_end:
        return None
    return len(sweep.route_slots(route_fact(route), date(2001, 1, 1), ZoneInfo("UTC"), 0))

