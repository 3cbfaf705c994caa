"""The figures of the monthly service report to owners (《月度物业服务报告》), per site and month.

The report is read by owners, so it holds counts and dates only: no visitor's or owner's
name, number or unit, no staff name, and no free text anyone typed (a complaint's outcome
is said from its class, category, reply method and status, never from its description).
Every figure is counted in the site's local month; the current month runs to now.

The complaints' timely-handling rate is ``app.complaints.clocks.month_rate``, the one the
complaint summary (《客户投诉汇总及处理情况表》) shows, so both say the same number.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select

from app.complaints import clocks
from app.extensions import db
from app.models import DecorationPermit
from app.models import Finding
from app.models import FollowUp
from app.models import Incident
from app.models import Patrol
from app.models import RepairOrder
from app.models import Site
from app.models import StockCheck
from app.models import Visit
from app.patrols.queries import planned_count
from app.patrols.queries import visited_count
from app.office.months import parse_month
from sync import complaint_clocks as cc
from sync.schemas import CATEGORIES
from sync.schemas import PURPOSES

URGENCIES = ("urgent", "normal", "low")
COMPLAINT_CLASSES = ("valid", "assisted", "invalid", "collective")
DONE = ("resolved", "closed")  # a follow-up handled to the end (办结)
WEEK_STARTS = (1, 8, 15, 22, 29)  # the month's weeks as owners read them: days 1–7, 8–14, …
PEAK_HOURS = 3
TOP_CATEGORIES = 3


class MonthRefused(ValueError):
    """The month asked for cannot be reported: not ``YYYY-MM``, or not begun yet."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "future"


def month_of(text: str | None, today: date) -> date:
    """``"2026-11"`` -> ``date(2026, 11, 1)``; a month after ``today``'s is refused."""
    try:
        year, number = parse_month(text or "")
    except ValueError:
        raise MonthRefused("invalid") from None
    month = date(year, number, 1)
    if month > today.replace(day=1):
        raise MonthRefused("future")
    return month


def months_available(site: Site, today: date) -> list[date]:
    """The months from the site's first record (or this month) to this one, newest first."""
    firsts = [db.session.scalar(select(func.min(column)).where(model.site_id == site.id, model.deleted_at.is_(None)))
              for model, column in ((Patrol, Patrol.started_at), (Visit, Visit.checked_in_at),
                                    (RepairOrder, RepairOrder.requested_at))]
    found = [value for value in firsts if value is not None]
    tz = ZoneInfo(site.timezone)
    first = min([_aware(v).astimezone(tz).date() for v in found] + [today]).replace(day=1)
    months, month = [], today.replace(day=1)
    while month >= first:
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


@dataclass
class Patrols:
    rounds: int = 0
    visited: int = 0
    planned: int = 0
    findings: dict[str, int] = field(default_factory=dict)  # by category, every category
    on_spot: int = 0
    followed_up: int = 0
    followed_up_done: int = 0

    @property
    def total_findings(self) -> int:
        return sum(self.findings.values())


@dataclass
class Gate:
    visits: int = 0
    people: int = 0
    by_purpose: dict[str, int] = field(default_factory=dict)
    by_week: list[tuple[date, date, int]] = field(default_factory=list)
    suspicious: int = 0
    peak_hours: list[tuple[int, int]] = field(default_factory=list)  # (hour, visits), busiest first


@dataclass
class RepairLine:
    requested: int = 0
    done: int = 0
    in_time: int = 0
    open_at_end: int = 0


@dataclass
class Repairs:
    by_urgency: dict[str, RepairLine] = field(default_factory=dict)

    @property
    def total(self) -> RepairLine:
        lines = self.by_urgency.values()
        return RepairLine(*(sum(getattr(line, name) for line in lines)
                            for name in ("requested", "done", "in_time", "open_at_end")))


@dataclass(frozen=True)
class CommonComplaint:
    """A complaint of common interest as owners read it: no unit, name or typed text."""

    lodged_on: date
    category: str | None
    kind: str
    households: int
    done_on: date | None
    method: str | None  # how the owner was last answered: phone, visit, written
    satisfaction: str | None


@dataclass
class Complaints:
    taken: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    by_category: list[tuple[str, int]] = field(default_factory=list)  # most complained of first
    common: list[CommonComplaint] = field(default_factory=list)
    rate: cc.Rate = field(default_factory=lambda: cc.Rate(0, 0, 0))
    weekly_rate: list[float | None] = field(default_factory=list)  # per week of ``Gate.by_week``


@dataclass
class Stock:
    checks: list[date] = field(default_factory=list)  # the days a stock check finished

    @property
    def done(self) -> bool:
        return bool(self.checks)


@dataclass
class Report:
    site: Site
    month: date
    through: date | None  # the current month's report runs to this day (截至)
    weeks: list[tuple[date, date]]
    patrols: Patrols
    gate: Gate
    repairs: Repairs
    complaints: Complaints
    stock: Stock
    permits: int


def weeks_of(month: date, last: date) -> list[tuple[date, date]]:
    """Days 1–7, 8–14, 15–21, 22–28 and 29 to the end, cut at ``last``."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    weeks = []
    for first in WEEK_STARTS:
        if first > end.day:
            break
        start = month.replace(day=first)
        if start > last:
            break
        stop = end if first == WEEK_STARTS[-1] else month.replace(day=first + 6)
        weeks.append((start, min(stop, last)))
    return weeks


def _week_index(day: date) -> int:
    return min((day.day - 1) // 7, len(WEEK_STARTS) - 1)


def report(site: Site, month: date, now: datetime) -> Report:
    """Every figure of the site's month, counted at ``now`` (an aware UTC time)."""
    tz = ZoneInfo(site.timezone)
    today = now.astimezone(tz).date()
    start, end = clocks.month_bounds(site, month)
    current = month == today.replace(day=1)
    last = today if current else end.astimezone(tz).date() - timedelta(days=1)
    weeks = weeks_of(month, last)
    return Report(site, month, today if current else None, weeks,
                  _patrols(site, start, end), _gate(site, start, end, tz, weeks),
                  _repairs(site, start, end), _complaints(site, month, now, tz, weeks),
                  _stock(site, start, end, tz), _permits(site, start, end))


def _patrols(site: Site, start: datetime, end: datetime) -> Patrols:
    out = Patrols(findings={c: 0 for c in CATEGORIES})
    rounds = db.session.execute(select(Patrol.route_id, visited_count(), planned_count()).where(
        Patrol.site_id == site.id, Patrol.deleted_at.is_(None),
        Patrol.started_at >= start, Patrol.started_at < end)).all()
    out.rounds = len(rounds)
    # A free round (no route) plans nothing, so its checkpoints are not set against a plan.
    out.visited = sum(int(visited or 0) for route, visited, _ in rounds if route)
    out.planned = sum(int(planned or 0) for route, _, planned in rounds if route)
    for category, on_spot, status in db.session.execute(
            select(Finding.category, Finding.handled_on_spot, FollowUp.status)
            .outerjoin(FollowUp, FollowUp.id == Finding.followup_id)
            .where(Finding.site_id == site.id, Finding.deleted_at.is_(None),
                   Finding.found_at >= start, Finding.found_at < end)):
        out.findings[category if category in out.findings else "other"] += 1
        if on_spot:
            out.on_spot += 1
        else:
            out.followed_up += 1
            out.followed_up_done += status in DONE
    return out


def _gate(site: Site, start: datetime, end: datetime, tz: ZoneInfo, weeks) -> Gate:
    """Counts by purpose, week and hour; only the columns counted are read, never a name."""
    out = Gate(by_purpose={p: 0 for p in PURPOSES})
    per_week = [0] * len(weeks)
    hours: Counter[int] = Counter()
    for purpose, party, at in db.session.execute(
            select(Visit.purpose, Visit.party_size, Visit.checked_in_at).where(
                Visit.site_id == site.id, Visit.deleted_at.is_(None),
                Visit.checked_in_at >= start, Visit.checked_in_at < end)):
        local = _aware(at).astimezone(tz)
        out.visits += 1
        out.people += party or 1
        out.by_purpose[purpose if purpose in out.by_purpose else "other"] += 1
        index = _week_index(local.date())
        if index < len(per_week):
            per_week[index] += 1
        hours[local.hour] += 1
    out.by_week = [(first, last, n) for (first, last), n in zip(weeks, per_week)]
    out.peak_hours = sorted(hours.items(), key=lambda kv: (-kv[1], kv[0]))[:PEAK_HOURS]
    out.suspicious = db.session.scalar(select(func.count(Incident.id)).where(
        Incident.site_id == site.id, Incident.deleted_at.is_(None),
        Incident.occurred_at >= start, Incident.occurred_at < end)) or 0
    return out


def _repairs(site: Site, start: datetime, end: datetime) -> Repairs:
    """Requested in the month; done in the month (whenever requested), and in time when the
    last visit finished by the order's due time; open at the month's end (or now)."""
    out = Repairs(by_urgency={u: RepairLine() for u in URGENCIES})
    for urgency, requested, worked, due in db.session.execute(
            select(RepairOrder.urgency, RepairOrder.requested_at, RepairOrder.worked_at, RepairOrder.due_at)
            .where(RepairOrder.site_id == site.id, RepairOrder.deleted_at.is_(None),
                   RepairOrder.requested_at < end)):
        line = out.by_urgency.setdefault(urgency, RepairLine())
        requested, worked = _aware(requested), worked and _aware(worked)
        if requested >= start:
            line.requested += 1
        if worked is not None and start <= worked < end:
            line.done += 1
            line.in_time += due is None or worked <= _aware(due)
        if worked is None or worked >= end:
            line.open_at_end += 1
    return out


def _complaints(site: Site, month: date, now: datetime, tz: ZoneInfo, weeks) -> Complaints:
    result = clocks.month_rate(site, month, now)
    out = Complaints(taken=len(result.all), rate=result.rate)
    out.by_class = {k: 0 for k in COMPLAINT_CLASSES}
    categories: Counter[str] = Counter()
    verdicts: list[list[str]] = [[] for _ in weeks]
    common = []
    followups = _followups([h.complaint.followup_id for h in result.all])
    for h in result.all:
        c = h.complaint
        kind = "collective" if c.collective else c.kind
        out.by_class[kind] = out.by_class.get(kind, 0) + 1
        categories[c.category or "other"] += 1
        index = _week_index(_aware(c.lodged_at).astimezone(tz).date())
        if index < len(verdicts):
            verdicts[index].append(h.verdict)
        if c.collective or c.common_interest:
            common.append(h)
    out.by_category = sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))
    top = {category for category, _ in [kv for kv in out.by_category if kv[0] != "other"][:TOP_CATEGORIES]}
    # Beyond the collective and the marked ones, the most complained-of categories' own
    # complaints, when a category came up more than once ("other" is no category of its own).
    chosen = {h.complaint.id for h in common}
    for h in result.all:
        c = h.complaint
        if c.id not in chosen and (c.category or "other") in top and categories[c.category or "other"] > 1:
            common.append(h)
    common.sort(key=lambda h: (h.complaint.lodged_at, h.complaint.id))
    out.common = [_common(h, followups.get(h.complaint.followup_id), tz) for h in common]
    out.weekly_rate = [cc.rate(v).value for v in verdicts]
    return out


def _followups(ids) -> dict[str, FollowUp]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {f.id: f for f in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(wanted)))}


def _common(h: clocks.Handling, followup: FollowUp | None, tz: ZoneInfo) -> CommonComplaint:
    c = h.complaint
    answers = [r for r in h.replies if r.stage == "reply"]  # a contact is not yet the answer
    last = answers[-1] if answers else None
    done = followup is not None and followup.status in DONE and followup.resolved_at is not None
    return CommonComplaint(
        _aware(c.lodged_at).astimezone(tz).date(), c.category, "collective" if c.collective else c.kind,
        c.households, _aware(followup.resolved_at).astimezone(tz).date() if done else None,
        last.method if last else None, last.satisfaction if last else None)


def _stock(site: Site, start: datetime, end: datetime, tz: ZoneInfo) -> Stock:
    finished = db.session.scalars(select(StockCheck.finished_at).where(
        StockCheck.site_id == site.id, StockCheck.deleted_at.is_(None), StockCheck.finished_at.is_not(None),
        StockCheck.finished_at >= start, StockCheck.finished_at < end).order_by(StockCheck.finished_at))
    return Stock(sorted({_aware(at).astimezone(tz).date() for at in finished}))


def _permits(site: Site, start: datetime, end: datetime) -> int:
    return db.session.scalar(select(func.count(DecorationPermit.id)).where(
        DecorationPermit.site_id == site.id, DecorationPermit.deleted_at.is_(None),
        DecorationPermit.created_at >= start, DecorationPermit.created_at < end)) or 0
