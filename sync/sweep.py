"""The follow-up sweep's rules: what was missed, what is overdue, what a late sync settles.

Facts about one site go in, actions come out; the app gathers the facts and carries the
actions out. Nothing here reads a clock: ``now`` and the site's ``tzinfo`` are given.

* **open**: a visitor still inside at the end of the gate day, a manager with no patrol by
  the end of the day, a route not walked by the end of its window plus a grace period (a
  plan that repeats, e.g. night rounds every 2 hours, has one round per slot of its window
  and opens one follow-up per missed slot), a store with no stock check by the 25th, a
  manager with fewer than two written staff inspections in a week (Monday to Sunday). Each
  has a natural key, so that a run that finds the key already marked opens nothing; the
  follow-up's id is derived from the key too.
* **escalate**: an open or in-progress follow-up past its due time goes one level up the
  chain per run: 0 the owner (post / team lead), 1 the site's manager, 2 the company's
  quality department (品质部), never beyond. A level whose person already holds it is
  skipped. A complaint's chain has one more step at level 0: from the assistant who
  holds it to the customer-service supervisor (客服主管), then on to the manager.
* **settle**: a follow-up the sweep opened is closed when the records now prove the work
  was done in time (a late sync): a record of its subject timed, by corrected time,
  between the mark's ``since`` and its ``deadline``.

Local days are the site's; every comparison is on corrected times, never on arrival.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from typing import Any
from typing import Iterable

from sync import inspection_rules
from sync import rules
from sync.context import derived_id
from sync.messages import N_
from sync.store import UserRef

NO_PATROL = "no_patrol"
MISSED_ROUTE = "missed_route"
OPEN_VISIT = "open_visit"
NO_STOCK_CHECK = "no_stock_check"
FEW_INSPECTIONS = "few_inspections"
KINDS = (NO_PATROL, MISSED_ROUTE, OPEN_VISIT, NO_STOCK_CHECK, FEW_INSPECTIONS)
MISSED_SLOT = "missed_route_slot"  # a title only: the follow-up's kind is MISSED_ROUTE
OWNER, MANAGER_LEVEL, QUALITY = 0, 1, 2
TOP_LEVEL = QUALITY
SUPERVISOR_STEP = "supervisor"  # a complaint's step within level 0 (reason key only)
ACTIVE = ("open", "in_progress")
CLOSED = "closed"

# Defaults for settings a site may not have; the site's own values win.
DEFAULTS: dict[str, Any] = {
    "gate_day_end": "23:00",
    "patrol_day_end": "23:59",
    "route_grace_minutes": 60,
    "stock_check_day": 25,
    "patrol_weekdays": [1, 2, 3, 4, 5, 6, 7],  # ISO weekdays a manager must patrol
    "sweep_lookback_days": 2,  # deadlines older than this are left alone (a first run, a long outage)
}
CLOCKS = {OPEN_VISIT: 720, NO_PATROL: 1440, MISSED_ROUTE: 1440, NO_STOCK_CHECK: 4320, FEW_INSPECTIONS: 2880}

TITLES = {
    NO_PATROL: N_("No patrol by %(name)s on %(date)s"),
    MISSED_ROUTE: N_("Route %(route)s not walked on %(date)s"),
    MISSED_SLOT: N_("Route %(route)s: the %(time)s round of %(date)s was not walked"),
    OPEN_VISIT: N_("Visitor %(name)s still inside at the end of the gate day on %(date)s"),
    NO_STOCK_CHECK: N_("No stock check of %(store)s by %(date)s"),
    FEW_INSPECTIONS: N_("%(name)s wrote %(count)s of %(required)s staff inspections in the week of %(date)s"),
}
SETTLED = {
    NO_PATROL: N_("A patrol started at %(at)s reached the server at %(synced)s: "
                  "the patrol was done in time."),
    MISSED_ROUTE: N_("A round of this route started at %(at)s reached the server at %(synced)s: "
                     "the route was walked in time."),
    OPEN_VISIT: N_("The visitor's check-out at %(at)s reached the server at %(synced)s: "
                   "they left before the end of the gate day."),
    NO_STOCK_CHECK: N_("A stock check started at %(at)s reached the server at %(synced)s: "
                       "the check was done in time."),
    FEW_INSPECTIONS: N_("An inspection written at %(at)s reached the server at %(synced)s: "
                        "the week's inspections were written in time."),
}
ESCALATED = {
    MANAGER_LEVEL: N_("Overdue since %(due)s: passed to the service-centre manager."),
    SUPERVISOR_STEP: N_("Overdue since %(due)s: passed to the customer-service supervisor."),
    QUALITY: N_("Overdue since %(due)s: passed to the company's quality department."),
}


# -- facts -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RouteFact:
    """A route and its plan (巡更计划): its daily window, how often a round starts in it
    (``repeat_minutes``; ``None`` is one round in the window) and who walks it (the named
    ``walker_ids``, else anyone of ``walker_role``)."""

    id: str
    name: str
    window_start: str | None
    window_end: str | None
    repeat_minutes: int | None = None
    walker_ids: tuple[str, ...] = ()
    walker_role: str | None = None


@dataclass(frozen=True)
class Slot:
    """One expected round of a plan on one local day.

    ``start``/``end`` are the slot as planned; a round counts for it when it started between
    ``since`` and ``deadline`` (both inclusive, corrected times); the sweep opens its
    follow-up once ``open_at`` has passed. ``label`` is the slot's local start (``"23:00"``),
    ``None`` for a plan with one round in its window.
    """

    start: datetime
    end: datetime
    since: datetime
    deadline: datetime
    open_at: datetime
    label: str | None = None


@dataclass(frozen=True)
class StoreFact:
    id: str
    name: str


@dataclass(frozen=True)
class VisitFact:
    """A visit, its corrected check-in and check-out times and when each reached the server."""

    id: str
    user_id: str
    visitor_name: str
    checked_in_at: datetime
    received_at: datetime
    checked_out_at: datetime | None = None
    checked_out_received_at: datetime | None = None


@dataclass(frozen=True)
class PatrolFact:
    id: str
    user_id: str
    route_id: str | None
    started_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class StockCheckFact:
    """A stock check; ``store_id`` ``None`` is a check of every store of the site."""

    id: str
    store_id: str | None
    started_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class InspectionFact:
    """A written staff inspection by ``user_id`` (the inspector), at its corrected time."""

    id: str
    user_id: str
    at: datetime
    received_at: datetime


@dataclass(frozen=True)
class FollowUpFact:
    id: str
    status: str
    due_at: datetime | None
    escalation_level: int
    assignee_id: str | None
    clock: str | None
    category: str | None = None


@dataclass(frozen=True)
class MarkFact:
    """A follow-up the sweep opened earlier, and the state of that follow-up now.

    ``followup_status`` is ``None`` when the follow-up is gone (deleted).
    """

    key: str
    kind: str
    subject_id: str
    since: datetime
    deadline: datetime
    followup_id: str
    followup_status: str | None
    settled: bool = False


@dataclass(frozen=True)
class SiteFacts:
    """What the sweep knows of one site at ``now``.

    :param people: active people posted to the site (``sync.store.UserRef``)
    :param names: display names by user id, for titles
    :param quality_id: the person at level 2 (the company's quality department), if any
    :param marks: marks of the site that matter now: every unsettled one and those whose
        key a run in the look-back window could produce
    :param followups: the site's active follow-ups that may be overdue
    :param id_secret: mixed into the ids of the follow-ups the sweep opens, so that nobody
        can name one before it exists; the mark's key, not the id, keeps a run from opening
        one twice
    """

    site_id: str
    tz: tzinfo
    settings: dict[str, Any]
    people: tuple[UserRef, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    quality_id: str | None = None
    routes: tuple[RouteFact, ...] = ()
    stores: tuple[StoreFact, ...] = ()
    visits: tuple[VisitFact, ...] = ()
    patrols: tuple[PatrolFact, ...] = ()
    stock_checks: tuple[StockCheckFact, ...] = ()
    inspections: tuple[InspectionFact, ...] = ()
    followups: tuple[FollowUpFact, ...] = ()
    marks: tuple[MarkFact, ...] = ()
    id_secret: str = ""


# -- actions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """An English msgid and its parameters; the app translates it when it writes it."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Open:
    """Open a follow-up for a missed duty and mark its key.

    ``opened_at`` is the deadline that passed: the follow-up's clock starts there, however
    late the sweep ran.
    """

    key: str
    kind: str
    site_id: str
    subject_id: str
    period: str
    since: datetime
    opened_at: datetime
    followup_id: str
    source_type: str
    source_id: str
    source_user_id: str | None
    category: str
    severity: str
    clock: str
    post: str
    assignee_id: str | None
    escalation_level: int
    due_at: datetime
    title: Message
    detail: dict[str, Any]


@dataclass(frozen=True)
class Escalate:
    """Pass an overdue follow-up one level up, with a new due time from ``now``."""

    followup_id: str
    from_level: int
    to_level: int
    from_user_id: str | None
    to_user_id: str
    due_at: datetime
    reason: Message


@dataclass(frozen=True)
class Settle:
    """Close a follow-up the sweep opened: a record now proves the work done in time."""

    key: str
    followup_id: str
    note: Message
    proof: dict[str, Any]


Action = Open | Escalate | Settle


# -- local time ------------------------------------------------------------------------

def effective_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The site's settings over the sweep's defaults, clocks merged key by key."""
    merged = {**DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}
    merged["clocks"] = {**rules.DEFAULT_CLOCKS, **CLOCKS, **(settings.get("clocks") or {})}
    return merged


def minutes_of(hhmm: str) -> int:
    """``"23:30"`` -> 1410; ``"24:00"`` is the end of the day."""
    hours, minutes = hhmm.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise ValueError(f"not a time of day: {hhmm!r}")
    return value


def at_local(day: date, hhmm: str, tz: tzinfo) -> datetime:
    """The moment ``hhmm`` on local ``day`` at the site, in UTC (``24:00`` is next midnight)."""
    value = minutes_of(hhmm)
    day = day + timedelta(days=value // (24 * 60))
    value %= 24 * 60
    local = datetime.combine(day, time(value // 60, value % 60), tzinfo=tz)
    return local.astimezone(timezone.utc)


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def shown(moment: datetime, tz: tzinfo) -> str:
    """A time as people at the site read it: ``2026-11-27 09:05``."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _days(start: datetime, now: datetime, tz: tzinfo) -> list[date]:
    """Local days whose deadlines may fall between ``start`` and ``now`` (one spare each side)."""
    first = local_day(start, tz) - timedelta(days=1)
    last = local_day(now, tz)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def gate_deadline(checked_in_at: datetime, gate_day_end: str, tz: tzinfo) -> datetime:
    """The end of the gate day a visit belongs to: the first one at or after its check-in."""
    day = local_day(checked_in_at, tz)
    deadline = at_local(day, gate_day_end, tz)
    return deadline if deadline >= checked_in_at else at_local(day + timedelta(days=1), gate_day_end, tz)


def route_window(route: RouteFact, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """A route's window on a local day; an end before the start runs into the next day."""
    start = at_local(day, route.window_start or "00:00", tz)
    end = at_local(day, route.window_end, tz)
    if end <= start:
        end = at_local(day + timedelta(days=1), route.window_end, tz)
    return start, end


def route_slots(route: RouteFact, day: date, tz: tzinfo, grace_minutes: int) -> list[Slot]:
    """The rounds a plan expects on local ``day``, in time order.

    One window, one round: it may start ``grace`` before the window opens and until
    ``grace`` after it closes. A plan that repeats cuts its window (a window over midnight,
    21:00-05:00, runs into the next day) into slots ``[start + k*repeat, start + (k+1)*repeat)``,
    the last one ending with the window; the steps are real minutes, so a daylight-saving
    night still has a round every ``repeat`` minutes. The slots partition the window, so one
    round never counts twice: the grace widens only the window's outer edges, and it is the
    wait after a slot before its follow-up opens (a round started late belongs to the next
    slot). A route with no window expects nothing.
    """
    if not route.window_end:
        return []
    grace = timedelta(minutes=int(grace_minutes))
    window_start, window_end = route_window(route, day, tz)
    if not route.repeat_minutes:
        return [Slot(window_start, window_end, window_start - grace, window_end + grace, window_end + grace)]
    step = timedelta(minutes=int(route.repeat_minutes))
    starts = []
    while window_start + step * len(starts) < window_end:
        starts.append(window_start + step * len(starts))
    slots, labels = [], set()
    for k, start in enumerate(starts):
        last = k == len(starts) - 1
        end = window_end if last else starts[k + 1]
        label = start.astimezone(tz).strftime("%H:%M")
        if label in labels:  # the hour a daylight-saving night repeats
            label += start.astimezone(tz).strftime(" (%Z)")
        labels.add(label)
        slots.append(Slot(start=start, end=end, since=start - grace if k == 0 else start,
                          deadline=end + grace if last else end, open_at=end + grace, label=label))
    return slots


def slot_key(label: str) -> str:
    """A slot's part of a mark's key: ``"23:00"`` -> ``"2300"``."""
    return "".join(ch for ch in label if ch.isalnum())


def plan_walker(route: RouteFact, people: Iterable[UserRef]) -> str | None:
    """The one person a plan names, if it names exactly one and they are still at the site."""
    if len(route.walker_ids) != 1:
        return None
    (walker,) = route.walker_ids
    return walker if any(p.id == walker and p.active for p in people) else None


def stock_deadline(year: int, month: int, check_day: int, tz: tzinfo) -> datetime:
    """The end of the check day of a month (the 25th; the last day of a shorter month)."""
    day = min(int(check_day), calendar.monthrange(year, month)[1])
    return at_local(date(year, month, day), "24:00", tz)


# -- the plan --------------------------------------------------------------------------

def plan(site: SiteFacts, now: datetime) -> list[Action]:
    """Everything one run does at a site, in order: settle first, then open, then escalate.

    A follow-up opened already overdue (a run catching up on an old deadline) takes its
    one step up in the same run, so that running again at the same moment changes nothing.
    """
    settles = settle_plan(site, now)
    opens = open_plan(site, now)
    settled = {s.followup_id for s in settles}
    opened = tuple(FollowUpFact(o.followup_id, "open", o.due_at, o.escalation_level, o.assignee_id, o.clock)
                   for o in opens)
    overdue = replace(site, followups=(*site.followups, *opened))
    return [*settles, *opens, *escalate_plan(overdue, now, skip=settled)]


def open_plan(site: SiteFacts, now: datetime) -> list[Open]:
    """Follow-ups for duties whose deadline passed in the look-back window with no record."""
    settings = effective_settings(site.settings)
    start = now - timedelta(days=int(settings["sweep_lookback_days"]))
    marked = {m.key for m in site.marks}
    found: list[Open] = []
    for rule in (_open_visits, _no_patrols, _missed_routes, _no_stock_checks, _few_inspections):
        for action in rule(site, settings, start, now):
            if action.key not in marked:
                marked.add(action.key)
                found.append(action)
    return found


def _in_window(deadline: datetime, start: datetime, now: datetime) -> bool:
    return start < deadline <= now


def _open(site: SiteFacts, settings: dict[str, Any], *, key: str, kind: str, subject_id: str,
          period: str, since: datetime, deadline: datetime, category: str, source_id: str,
          source_user_id: str | None, title: Message, detail: dict[str, Any],
          owner: str | None = None, walker: str | None = None) -> Open:
    """An ``Open`` with its owner by the site's rules (or ``owner``, a manager answering for
    their own duty; or ``walker``, the person a plan names, who keeps the post's level) and
    its clock from ``deadline``."""
    if owner is not None:
        post, assignee, level = rules.MANAGER, owner, MANAGER_LEVEL
    else:
        post = rules.post_for(settings, source_type=kind, category=category)
        assignee = walker or rules.owner_for(post, site.people)
        level = OWNER
    return Open(
        key=key, kind=kind, site_id=site.site_id, subject_id=subject_id, period=period,
        since=since, opened_at=deadline, followup_id=derived_id("followup", "sweep", site.id_secret, key),
        source_type=kind, source_id=source_id, source_user_id=source_user_id, category=category,
        severity="medium", clock=kind, post=post, assignee_id=assignee, escalation_level=level,
        due_at=rules.due_at(settings, kind, deadline), title=title,
        detail={"sweep_key": key, "since": since.isoformat(), "deadline": deadline.isoformat(), **detail},
    )


def _open_visits(site, settings, start, now) -> Iterable[Open]:
    for visit in site.visits:
        deadline = gate_deadline(visit.checked_in_at, settings["gate_day_end"], site.tz)
        if not _in_window(deadline, start, now):
            continue
        if visit.checked_out_at is not None and visit.checked_out_at <= deadline:
            continue
        day = local_day(deadline, site.tz).isoformat()
        yield _open(
            site, settings, key=f"{OPEN_VISIT}:{visit.id}", kind=OPEN_VISIT, subject_id=visit.id,
            period=day, since=visit.checked_in_at, deadline=deadline, category="visitor",
            source_id=visit.id, source_user_id=visit.user_id,
            title=Message(TITLES[OPEN_VISIT], {"name": visit.visitor_name, "date": day}),
            detail={"visit_id": visit.id, "checked_in_at": visit.checked_in_at.isoformat(),
                    "check_in_received_at": visit.received_at.isoformat()},
        )


def _no_patrols(site, settings, start, now) -> Iterable[Open]:
    managers = sorted(p.id for p in site.people if p.role == "manager" and p.active)
    weekdays = set(settings["patrol_weekdays"])
    for day in _days(start, now, site.tz):
        if day.isoweekday() not in weekdays:
            continue
        since, deadline = at_local(day, "00:00", site.tz), at_local(day, settings["patrol_day_end"], site.tz)
        if not _in_window(deadline, start, now):
            continue
        for manager in managers:
            if _patrol_between(site, since, deadline, user_id=manager) is not None:
                continue
            yield _open(
                site, settings, key=f"{NO_PATROL}:{site.site_id}:{manager}:{day.isoformat()}",
                kind=NO_PATROL, subject_id=manager, period=day.isoformat(), since=since,
                deadline=deadline, category="patrol", source_id=manager, source_user_id=manager,
                title=Message(TITLES[NO_PATROL], {"name": site.names.get(manager, ""),
                                                  "date": day.isoformat()}),
                detail={"user_id": manager, "date": day.isoformat()}, owner=manager,
            )


def _missed_routes(site, settings, start, now) -> Iterable[Open]:
    """A follow-up for each expected round (a plan's window, or each slot of it) not walked."""
    for route in site.routes:
        walker = plan_walker(route, site.people)
        for day in _days(start, now, site.tz):
            for slot in route_slots(route, day, site.tz, settings["route_grace_minutes"]):
                if not _in_window(slot.open_at, start, now):
                    continue
                if _patrol_between(site, slot.since, slot.deadline, route_id=route.id) is not None:
                    continue
                yield _missed_route(site, settings, route, day, slot, walker)


def _missed_route(site, settings, route: RouteFact, day: date, slot: Slot, walker: str | None) -> Open:
    key = f"{MISSED_ROUTE}:{route.id}:{day.isoformat()}"
    params = {"route": route.name, "date": day.isoformat()}
    detail = {"route_id": route.id, "date": day.isoformat(), "window": [route.window_start, route.window_end]}
    title = Message(TITLES[MISSED_ROUTE], params)
    if slot.label is not None:
        key += ":" + slot_key(slot.label)
        title = Message(TITLES[MISSED_SLOT], {**params, "time": slot.label})
        detail.update(slot=[shown(slot.start, site.tz), shown(slot.end, site.tz)],
                      repeat_minutes=route.repeat_minutes)
    return _open(
        site, settings, key=key, kind=MISSED_ROUTE, subject_id=route.id, period=day.isoformat(),
        since=slot.since, deadline=slot.deadline, category="patrol", source_id=route.id,
        source_user_id=None, title=title, detail=detail, walker=walker,
    )


def _no_stock_checks(site, settings, start, now) -> Iterable[Open]:
    months = sorted({(d.year, d.month) for d in _days(start, now, site.tz)})
    for year, month in months:
        deadline = stock_deadline(year, month, settings["stock_check_day"], site.tz)
        if not _in_window(deadline, start, now):
            continue
        since = at_local(date(year, month, 1), "00:00", site.tz)
        period = f"{year:04d}-{month:02d}"
        last_day = shown(deadline - timedelta(minutes=1), site.tz)[:10]
        for store in site.stores:
            if _check_between(site, since, deadline, store.id) is not None:
                continue
            yield _open(
                site, settings, key=f"{NO_STOCK_CHECK}:{store.id}:{period}", kind=NO_STOCK_CHECK,
                subject_id=store.id, period=period, since=since, deadline=deadline, category="stock",
                source_id=store.id, source_user_id=None,
                title=Message(TITLES[NO_STOCK_CHECK], {"store": store.name, "date": last_day}),
                detail={"store_id": store.id, "month": period},
            )


def _few_inspections(site, settings, start, now) -> Iterable[Open]:
    """A manager short of the week's written inspections (作业指导书: 书面考核不少于2次), once
    the site's Sunday has ended; the follow-up is the manager's own."""
    managers = sorted(p.id for p in site.people if p.role == "manager" and p.active)
    mondays = sorted({inspection_rules.week_start(d) for d in _days(start, now, site.tz)})
    for monday in mondays:
        since = at_local(monday, "00:00", site.tz)
        deadline = at_local(monday + timedelta(days=7), "00:00", site.tz)
        if not _in_window(deadline, start, now):
            continue
        for manager in managers:
            written = _inspections_between(site, since, deadline, manager)
            if inspection_rules.kept(len(written)):
                continue
            week = monday.isoformat()
            yield _open(
                site, settings, key=f"{FEW_INSPECTIONS}:{site.site_id}:{manager}:{week}",
                kind=FEW_INSPECTIONS, subject_id=manager, period=week, since=since, deadline=deadline,
                category="inspection", source_id=manager, source_user_id=manager,
                title=Message(TITLES[FEW_INSPECTIONS], {
                    "name": site.names.get(manager, ""), "count": len(written),
                    "required": inspection_rules.REQUIRED_PER_WEEK, "date": week}),
                detail={"user_id": manager, "week": week, "written": len(written),
                        "required": inspection_rules.REQUIRED_PER_WEEK},
                owner=manager,
            )


def _inspections_between(site: SiteFacts, since: datetime, deadline: datetime,
                         user_id: str) -> list[InspectionFact]:
    """The person's inspections of the week ``[since, deadline)``, earliest first."""
    return sorted((i for i in site.inspections if i.user_id == user_id and since <= i.at < deadline),
                  key=lambda i: (i.at, i.id))


def _patrol_between(site: SiteFacts, since: datetime, deadline: datetime, *, user_id: str | None = None,
                    route_id: str | None = None) -> PatrolFact | None:
    """The earliest patrol (by this person, or on this route) started within the bounds."""
    found = [p for p in site.patrols
             if since <= p.started_at <= deadline
             and (user_id is None or p.user_id == user_id)
             and (route_id is None or p.route_id == route_id)]
    return min(found, key=lambda p: (p.started_at, p.id)) if found else None


def _check_between(site: SiteFacts, since: datetime, deadline: datetime,
                   store_id: str) -> StockCheckFact | None:
    """The earliest check of this store (or of the whole site) started within the bounds."""
    found = [c for c in site.stock_checks
             if since <= c.started_at <= deadline and c.store_id in (None, store_id)]
    return min(found, key=lambda c: (c.started_at, c.id)) if found else None


# -- settling --------------------------------------------------------------------------

def settle_plan(site: SiteFacts, now: datetime) -> list[Settle]:
    """Close the sweep's follow-ups whose work a record now proves done in time.

    A mark settles once; a follow-up already closed or gone is left alone.
    """
    found = []
    for mark in sorted(site.marks, key=lambda m: m.key):
        if mark.settled or mark.followup_status in (None, CLOSED):
            continue
        proof = _proof(site, mark)
        if proof is None:
            continue
        kind, ident, at, synced = proof
        late = max(0, int((synced - at).total_seconds() // 60))
        found.append(Settle(
            key=mark.key, followup_id=mark.followup_id,
            note=Message(SETTLED[mark.kind], {"at": shown(at, site.tz), "synced": shown(synced, site.tz)}),
            proof={"type": kind, "id": ident, "at": at.isoformat(), "received_at": synced.isoformat(),
                   "late_minutes": late, "settled_at": now.isoformat()},
        ))
    return found


def _proof(site: SiteFacts, mark: MarkFact) -> tuple[str, str, datetime, datetime] | None:
    """(record type, id, corrected time, arrival) of the record that shows the work was done."""
    if mark.kind == NO_PATROL:
        patrol = _patrol_between(site, mark.since, mark.deadline, user_id=mark.subject_id)
        return None if patrol is None else ("patrol", patrol.id, patrol.started_at, patrol.received_at)
    if mark.kind == MISSED_ROUTE:
        patrol = _patrol_between(site, mark.since, mark.deadline, route_id=mark.subject_id)
        return None if patrol is None else ("patrol", patrol.id, patrol.started_at, patrol.received_at)
    if mark.kind == OPEN_VISIT:
        visit = next((v for v in site.visits if v.id == mark.subject_id), None)
        if visit is None or visit.checked_out_at is None or visit.checked_out_at > mark.deadline:
            return None
        return ("visit", visit.id, visit.checked_out_at, visit.checked_out_received_at or visit.received_at)
    if mark.kind == NO_STOCK_CHECK:
        check = _check_between(site, mark.since, mark.deadline, mark.subject_id)
        return None if check is None else ("stock_check", check.id, check.started_at, check.received_at)
    if mark.kind == FEW_INSPECTIONS:
        written = _inspections_between(site, mark.since, mark.deadline, mark.subject_id)
        if not inspection_rules.kept(len(written)):
            return None
        last = written[inspection_rules.REQUIRED_PER_WEEK - 1]
        return ("inspection", last.id, last.at, last.received_at)
    return None


# -- escalation ------------------------------------------------------------------------

def chain(site: SiteFacts) -> dict[int, str | None]:
    """Who holds each level above the owner: the site's manager, then the quality department."""
    return {MANAGER_LEVEL: rules.owner_for(rules.MANAGER, [p for p in site.people if p.role == "manager"]),
            QUALITY: site.quality_id}


def escalate_plan(site: SiteFacts, now: datetime, skip: Iterable[str] = ()) -> list[Escalate]:
    """One step up for each active follow-up past its due time, never beyond level 2."""
    settings = effective_settings(site.settings)
    holders = chain(site)
    skip = set(skip)
    found = []
    for followup in sorted(site.followups, key=lambda f: f.id):
        if (followup.id in skip or followup.status not in ACTIVE or followup.due_at is None
                or followup.due_at >= now or followup.escalation_level >= TOP_LEVEL):
            continue
        desk_lead = rules.desk_supervisor(site.people) if followup.category == "complaint" else None
        if (desk_lead is not None and followup.escalation_level == OWNER
                and followup.assignee_id != desk_lead):
            found.append(Escalate(
                followup_id=followup.id, from_level=OWNER, to_level=OWNER,
                from_user_id=followup.assignee_id, to_user_id=desk_lead,
                due_at=rules.due_at(settings, followup.clock or "medium", now),
                reason=Message(ESCALATED[SUPERVISOR_STEP], {"due": shown(followup.due_at, site.tz)}),
            ))
            continue
        target = next((level for level in range(followup.escalation_level + 1, TOP_LEVEL + 1)
                       if holders[level] is not None and holders[level] != followup.assignee_id), None)
        if target is None:
            continue
        found.append(Escalate(
            followup_id=followup.id, from_level=followup.escalation_level, to_level=target,
            from_user_id=followup.assignee_id, to_user_id=holders[target],
            due_at=rules.due_at(settings, followup.clock or "medium", now),
            reason=Message(ESCALATED[target], {"due": shown(followup.due_at, site.tz)}),
        ))
    return found
