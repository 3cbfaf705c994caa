"""The compliance calendar's rules: for a site's month, each duty of the work instructions
(作业指导书, DOMAIN.md "What managers review") judged kept, late or missed, cell by cell.

Facts about one site and month go in, rows of cells come out; nothing here reads a clock
or a database. Every cell names the records behind it (``Ref``) so that the page can link
each one to what proves it. Days are the site's; every comparison is on corrected times.

* **kept**: done by its deadline; **late**: done after the deadline but within the period
  it belongs to (a stock check on the 27th, repair orders approved on Tuesday);
  **missed**: the deadline passed and it was not done; **pending**: not yet due;
  **none**: nothing was due (a day off, a week with no repair orders).
* A rule whose instruction is "at least once in the period" (a patrol a day, two
  inspections a week) has no *late*: it is kept or missed when the period ends.

Where a rule exists elsewhere it is called, not written again: the stock check's deadline
is the sweep's, the inspections' week and count are ``inspection_rules``'.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import tzinfo
from typing import Any
from typing import Iterable

from sync import inspection_rules
from sync import manager_reports
from sync import meeting_rules
from sync import monthly_checklist
from sync.complaint_clocks import RATE_LINE
from sync import sweep
from sync.messages import N_
from sync.sweep import Message
from sync.sweep import at_local
from sync.sweep import local_day
from sync.sweep import minutes_of
from sync.sweep import shown

KEPT, LATE, MISSED, PENDING, NONE = "kept", "late", "missed", "pending", "none"
STATES = (KEPT, LATE, MISSED, PENDING, NONE)
# How a period's several duties combine: the worst one shows.
RANK = {NONE: 0, KEPT: 1, PENDING: 2, LATE: 3, MISSED: 4}

DAY, WEEK, MONTH = "day", "week", "month"
DEFAULTS: dict[str, Any] = {
    "gate_grace_minutes": 10,  # a peak window is staffed when someone is there by start + this
}

PATROL, GATE, INSPECTIONS, REPAIRS, STOCK, RATE = (
    "patrol", "gate", "inspections", "repair_approval", "stock_check", "timely_rate")
MORNING_MEETING, DAILY_REPORT, WEEKLY_MEETING, WEEKLY_SUMMARY = (
    "morning_meeting", "daily_report", "weekly_meeting", "weekly_summary")
CHECKLIST = tuple(f"checklist_{item}" for item in monthly_checklist.ITEMS)

NOTES = {
    "no_patrol": N_("No patrol by %(names)s"),
    "patrol_so_far": N_("%(done)s of %(total)s managers have patrolled"),
    "gate_nobody": N_("%(window)s: nobody at the gate"),
    "gate_late": N_("%(window)s: first at the gate at %(at)s"),
    "few_inspections": N_("%(names)s: fewer than %(required)s inspections"),
    "inspections_so_far": N_("%(done)s of %(total)s managers have written %(required)s inspections"),
    "unapproved": N_("%(count)s repair orders of last week not approved on Monday"),
    "approved_late": N_("Last approved on %(date)s"),
    "stock_missed": N_("No stock check of %(stores)s by %(date)s"),
    "stock_late": N_("Checked after the %(day)sth"),
    "rate": N_("%(timely)s of %(decided)s complaints handled in time (%(percent)s %%)"),
    "meeting_late": N_("Began at %(at)s"),
    "weekly_meeting_late": N_("Held on %(date)s"),
    "no_report": N_("None from %(names)s"),
    "report_late": N_("Late from %(names)s"),
    "due": N_("Due by %(date)s"),
    "signed": N_("Signed by %(name)s at %(at)s"),
}


@dataclass(frozen=True)
class Ref:
    """A record behind a cell: its type (``patrol``, ``visit``, ``shift``, ``inspection``,
    ``repair``, ``stock_check`` …) and id."""

    type: str
    id: str


@dataclass(frozen=True)
class Cell:
    """One judgement over the days ``first``..``last`` of the month (one day, a week's days
    within the month, or the whole month)."""

    first: date
    last: date
    state: str
    notes: tuple[Message, ...] = ()
    refs: tuple[Ref, ...] = ()

    @property
    def span(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Row:
    key: str
    scope: str
    cells: tuple[Cell, ...]

    def count(self, state: str) -> int:
        return sum(1 for c in self.cells if c.state == state)

    @property
    def state(self) -> str:
        """The month's worst judgement so far: what the row across sites shows."""
        return worst(c.state for c in self.cells)


@dataclass(frozen=True)
class ShiftFact:
    """A shift on a gate post's phone, at corrected times (``ended_at`` None: still open)."""

    id: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class GateFact:
    """A visitor registered (check-in or check-out) at the gate, at its corrected time."""

    id: str
    at: datetime


@dataclass(frozen=True)
class RepairFact:
    id: str
    requested_at: datetime
    approved_at: datetime | None


@dataclass(frozen=True)
class MonthFacts:
    """What the calendar knows of one site in one month at ``now``.

    Records reach a little beyond the month where a rule needs them: the week that began
    in the previous month, last week's repair orders, shifts that began the day before.
    ``rate`` is the month's complaints as (handled in time, handled late, still running).
    """

    site_id: str
    tz: tzinfo
    settings: dict[str, Any]
    year: int
    month: int
    managers: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    patrols: tuple[sweep.PatrolFact, ...] = ()
    shifts: tuple[ShiftFact, ...] = ()
    gate: tuple[GateFact, ...] = ()
    inspections: tuple[sweep.InspectionFact, ...] = ()
    repairs: tuple[RepairFact, ...] = ()
    stores: tuple[sweep.StoreFact, ...] = ()
    stock_checks: tuple[sweep.StockCheckFact, ...] = ()
    rate: tuple[int, int, int] | None = None
    meetings: tuple["MeetingFact", ...] = ()
    reports: tuple["ReportFact", ...] = ()
    signoffs: tuple["SignoffFact", ...] = ()

    def setting(self, key: str) -> Any:
        value = self.settings.get(key)
        if value is None:
            value = DEFAULTS.get(key, sweep.DEFAULTS.get(key))
        return value

    @property
    def days(self) -> list[date]:
        last = calendar.monthrange(self.year, self.month)[1]
        return [date(self.year, self.month, d) for d in range(1, last + 1)]


def worst(states: Iterable[str]) -> str:
    return max(states, key=RANK.__getitem__, default=NONE)


def grid(facts: MonthFacts, now: datetime) -> list[Row]:
    """Every row of the month, in the order the instructions give them (day, week, month)."""
    return [morning_meeting_row(facts, now), patrol_row(facts, now), gate_row(facts, now),
            daily_report_row(facts, now), repairs_row(facts, now), weekly_meeting_row(facts, now),
            inspections_row(facts, now), weekly_summary_row(facts, now), stock_row(facts, now),
            *checklist_rows(facts, now), rate_row(facts, now)]


def names(facts: MonthFacts, ids: Iterable[str]) -> str:
    return "、".join(facts.names.get(i, i) for i in ids)


def day_bounds(facts: MonthFacts, day: date) -> tuple[datetime, datetime]:
    return at_local(day, "00:00", facts.tz), at_local(day + timedelta(days=1), "00:00", facts.tz)


def weeks(facts: MonthFacts) -> list[tuple[date, date, date]]:
    """(Monday, first day within the month, last day within the month) of each week the
    month touches."""
    days = facts.days
    mondays = sorted({inspection_rules.week_start(d) for d in days})
    return [(m, max(m, days[0]), min(m + timedelta(days=6), days[-1])) for m in mondays]


# -- daily ------------------------------------------------------------------------------

def patrol_row(facts: MonthFacts, now: datetime) -> Row:
    """每天至少对所管辖的区域巡视一遍: every manager starts a patrol on each patrol day by
    ``patrol_day_end``."""
    workdays = set(facts.setting("patrol_weekdays"))
    cells = []
    for day in facts.days:
        start, _ = day_bounds(facts, day)
        deadline = at_local(day, facts.setting("patrol_day_end"), facts.tz)
        if day.isoweekday() not in workdays or not facts.managers or now < start:
            cells.append(Cell(day, day, NONE))
            continue
        first = {}
        for p in sorted(facts.patrols, key=lambda p: (p.started_at, p.id)):
            if start <= p.started_at <= deadline and p.user_id in facts.managers:
                first.setdefault(p.user_id, p)
        refs = tuple(Ref("patrol", p.id) for p in first.values())
        missing = [m for m in facts.managers if m not in first]
        if not missing:
            cells.append(Cell(day, day, KEPT, refs=refs))
        elif now <= deadline:
            cells.append(Cell(day, day, PENDING, (Message(NOTES["patrol_so_far"], {
                "done": len(first), "total": len(facts.managers)}),), refs))
        else:
            cells.append(Cell(day, day, MISSED, (Message(NOTES["no_patrol"], {"names": names(facts, missing)}),),
                              refs))
    return Row(PATROL, DAY, tuple(cells))


def gate_row(facts: MonthFacts, now: datetime) -> Row:
    """Peak hours at the gate (07:30–08:30, 12:00–13:00, 18:00–19:00 by the site's
    ``gate_windows``): someone at the gate, registering, through the window.

    A window is **kept** when a shift on the post's phone was open by its start (within
    ``gate_grace_minutes``) or a visitor was registered in it: a quiet gate with nobody
    coming is not a gate left alone, so the first visitor's time proves nothing late.
    It is **late** when the only sign is a shift that began after the grace, with nothing
    registered before it; **missed** when the window passed with no sign at all.
    """
    windows = facts.setting("gate_windows") or ()
    grace = timedelta(minutes=int(facts.setting("gate_grace_minutes")))
    cells = []
    for day in facts.days:
        if not windows or now < day_bounds(facts, day)[0]:
            cells.append(Cell(day, day, NONE))
            continue
        states, notes, refs = [], [], []
        for window in windows:
            state, note, found = _gate_window(facts, day, window, grace, now)
            states.append(state)
            notes += [note] if note else []
            refs += found
        cells.append(Cell(day, day, worst(states), tuple(notes), tuple(refs)))
    return Row(GATE, DAY, tuple(cells))


def _gate_window(facts: MonthFacts, day: date, window: dict, grace: timedelta, now: datetime):
    start = at_local(day, window["start"], facts.tz)
    end = at_local(day, window["end"], facts.tz)
    if minutes_of(window["end"]) <= minutes_of(window["start"]):
        end += timedelta(days=1)
    label = f"{window['start']}–{window['end']}"
    if now < start:
        return NONE, None, []
    shifts = sorted((s for s in facts.shifts if s.started_at <= min(end, now)
                     and (s.ended_at is None or s.ended_at >= start)), key=lambda s: (s.started_at, s.id))
    registered = sorted((g for g in facts.gate if start <= g.at <= min(end, now)), key=lambda g: (g.at, g.id))
    refs = [Ref("shift", s.id) for s in shifts] + list(dict.fromkeys(Ref("visit", g.id) for g in registered))
    on_time = any(s.started_at <= start + grace for s in shifts)
    if on_time or (registered and (not shifts or registered[0].at <= shifts[0].started_at)):
        return KEPT, None, refs
    if shifts:
        return LATE, Message(NOTES["gate_late"], {"window": label, "at": shown(shifts[0].started_at, facts.tz)[11:]}), refs
    if now <= end:
        return PENDING, None, []
    return MISSED, Message(NOTES["gate_nobody"], {"window": label}), []


# -- weekly -----------------------------------------------------------------------------

def inspections_row(facts: MonthFacts, now: datetime) -> Row:
    """书面考核不少于2次 a week, per manager, Monday to Sunday on the site's clock."""
    required = inspection_rules.REQUIRED_PER_WEEK
    cells = []
    for monday, first, last in weeks(facts):
        since = at_local(monday, "00:00", facts.tz)
        deadline = at_local(monday + timedelta(days=7), "00:00", facts.tz)
        if not facts.managers or now < since:
            cells.append(Cell(first, last, NONE))
            continue
        written = {m: [i for i in facts.inspections if i.user_id == m and since <= i.at < deadline]
                   for m in facts.managers}
        refs = tuple(Ref("inspection", i.id) for m in facts.managers
                     for i in sorted(written[m], key=lambda i: (i.at, i.id)))
        short = [m for m in facts.managers if not inspection_rules.kept(len(written[m]))]
        if not short:
            cells.append(Cell(first, last, KEPT, refs=refs))
        elif now < deadline:
            done = len(facts.managers) - len(short)
            cells.append(Cell(first, last, PENDING, (Message(NOTES["inspections_so_far"], {
                "done": done, "total": len(facts.managers), "required": required}),), refs))
        else:
            cells.append(Cell(first, last, MISSED, (Message(NOTES["few_inspections"], {
                "names": names(facts, short), "required": required}),), refs))
    return Row(INSPECTIONS, WEEK, tuple(cells))


def repairs_row(facts: MonthFacts, now: datetime) -> Row:
    """每周一审批《维修任务单》: on each Monday the past week's repair orders are approved;
    approved on a later day is late, still waiting once Monday has passed is missed."""
    cells = []
    for day in facts.days:
        if day.isoweekday() != 1:
            cells.append(Cell(day, day, NONE))
            continue
        start, end = day_bounds(facts, day)
        week_before = start - timedelta(days=7)
        due = [r for r in facts.repairs if week_before <= r.requested_at < start]
        if not due or now < start:
            cells.append(Cell(day, day, NONE))
            continue
        refs = tuple(Ref("repair", r.id) for r in sorted(due, key=lambda r: (r.requested_at, r.id)))
        waiting = [r for r in due if r.approved_at is None or r.approved_at > now]
        if waiting:
            state = PENDING if now < end else MISSED
            note = Message(NOTES["unapproved"], {"count": len(waiting)})
            cells.append(Cell(day, day, state, (note,), refs))
            continue
        last = max(r.approved_at for r in due)
        if last < end:
            cells.append(Cell(day, day, KEPT, refs=refs))
        else:
            cells.append(Cell(day, day, LATE, (Message(NOTES["approved_late"], {
                "date": local_day(last, facts.tz).isoformat()}),), refs))
    return Row(REPAIRS, DAY, tuple(cells))


# -- monthly ----------------------------------------------------------------------------

def stock_row(facts: MonthFacts, now: datetime) -> Row:
    """库存抽查 at least once a month, by the site's ``stock_check_day`` (the sweep's
    deadline): each store checked by then is kept, later in the month late."""
    days = facts.days
    since = at_local(days[0], "00:00", facts.tz)
    month_end = at_local(days[-1] + timedelta(days=1), "00:00", facts.tz)
    check_day = int(facts.setting("stock_check_day"))
    deadline = sweep.stock_deadline(facts.year, facts.month, check_day, facts.tz)
    if not facts.stores or now < since:
        return Row(STOCK, MONTH, (Cell(days[0], days[-1], NONE),))
    states, refs, missing = [], [], []
    for store in facts.stores:
        checks = sorted((c for c in facts.stock_checks if c.store_id in (None, store.id)
                         and since <= c.started_at < month_end and c.started_at <= now),
                        key=lambda c: (c.started_at, c.id))
        refs += [Ref("stock_check", c.id) for c in checks]
        if checks and checks[0].started_at <= deadline:
            states.append(KEPT)
        elif checks:
            states.append(LATE)
        elif now <= deadline:
            states.append(PENDING)
        else:
            states.append(MISSED)
            missing.append(store.name)
    state = worst(states)
    notes = ()
    if missing:
        notes = (Message(NOTES["stock_missed"], {
            "stores": "、".join(missing), "date": shown(deadline - timedelta(minutes=1), facts.tz)[:10]}),)
    elif state == LATE:
        notes = (Message(NOTES["stock_late"], {"day": check_day}),)
    return Row(STOCK, MONTH, (Cell(days[0], days[-1], state, notes, tuple(dict.fromkeys(refs))),))


def rate_row(facts: MonthFacts, now: datetime) -> Row:
    """报事处理及时率 at least 90 % over the month's complaints whose clocks are decided;
    judged when the month has ended, shown as it stands before."""
    days = facts.days
    month_end = at_local(days[-1] + timedelta(days=1), "00:00", facts.tz)
    timely, late, _running = facts.rate or (0, 0, 0)
    decided = timely + late
    if not decided or now < at_local(days[0], "00:00", facts.tz):
        return Row(RATE, MONTH, (Cell(days[0], days[-1], NONE),))
    value = timely / decided
    note = Message(NOTES["rate"], {"timely": timely, "decided": decided, "percent": f"{100 * value:.1f}"})
    if now < month_end:
        state = PENDING
    else:
        state = KEPT if value >= RATE_LINE else MISSED
    return Row(RATE, MONTH, (Cell(days[0], days[-1], state, (note,), (Ref("complaints", f"{facts.year:04d}-{facts.month:02d}"),)),))


# -- the manager's rhythm: meetings, reports and the month's checklist --------------------

@dataclass(frozen=True)
class MeetingFact:
    id: str
    kind: str
    started_at: datetime


@dataclass(frozen=True)
class ReportFact:
    id: str
    user_id: str
    kind: str
    period: date
    submitted_at: datetime


@dataclass(frozen=True)
class SignoffFact:
    id: str
    item: str
    signed_at: datetime
    signed_by: str


def _zone(facts: MonthFacts) -> str:
    return getattr(facts.tz, "key", None) or str(facts.tz)


def morning_meeting_row(facts: MonthFacts, now: datetime) -> Row:
    """晨会 08:20–08:30 on each working day (the site's ``morning_meeting_weekdays``, Monday
    to Friday unless set): the day's
    earliest morning meeting judged by ``meeting_rules.timeliness``."""
    workdays = set(meeting_rules.setting(facts.settings, "morning_meeting_weekdays"))
    zone = _zone(facts)
    cells = []
    for day in facts.days:
        start, end = day_bounds(facts, day)
        if day.isoweekday() not in workdays or now < start:
            cells.append(Cell(day, day, NONE))
            continue
        held = sorted((m for m in facts.meetings if m.kind == meeting_rules.MORNING and start <= m.started_at < end
                       and m.started_at <= now), key=lambda m: (m.started_at, m.id))
        refs = tuple(Ref("meeting", m.id) for m in held)
        if held:
            state = meeting_rules.timeliness(meeting_rules.MORNING, held[0].started_at, zone, facts.settings)
            notes = () if state == KEPT else (Message(NOTES["meeting_late"], {
                "at": shown(held[0].started_at, facts.tz)[11:]}),)
            cells.append(Cell(day, day, state, notes, refs))
        else:
            cells.append(Cell(day, day, PENDING if now < end else MISSED))
    return Row(MORNING_MEETING, DAY, tuple(cells))


def weekly_meeting_row(facts: MonthFacts, now: datetime) -> Row:
    """周例会 once a week, on the site's ``weekly_meeting_weekday`` (Monday)."""
    zone = _zone(facts)
    cells = []
    for monday, first, last in weeks(facts):
        since = at_local(monday, "00:00", facts.tz)
        deadline = at_local(monday + timedelta(days=7), "00:00", facts.tz)
        if now < since:
            cells.append(Cell(first, last, NONE))
            continue
        held = sorted((m for m in facts.meetings if m.kind == meeting_rules.WEEKLY and since <= m.started_at < deadline
                       and m.started_at <= now), key=lambda m: (m.started_at, m.id))
        refs = tuple(Ref("meeting", m.id) for m in held)
        if held:
            state = meeting_rules.timeliness(meeting_rules.WEEKLY, held[0].started_at, zone, facts.settings)
            notes = () if state == KEPT else (Message(NOTES["weekly_meeting_late"], {
                "date": local_day(held[0].started_at, facts.tz).isoformat()}),)
            cells.append(Cell(first, last, state, notes, refs))
        else:
            cells.append(Cell(first, last, PENDING if now < deadline else MISSED))
    return Row(WEEKLY_MEETING, WEEK, tuple(cells))


def _reports_cell(facts: MonthFacts, now: datetime, kind: str, period: date, first: date, last: date) -> Cell:
    """Every manager's report of ``period``: the earliest of each counts
    (``manager_reports.counted``), judged by ``manager_reports.report_state``."""
    zone = _zone(facts)
    due = manager_reports.due_at(kind, period, zone, facts.settings)
    counted = manager_reports.counted(
        {"id": r.id, "user_id": r.user_id, "kind": r.kind, "period": r.period, "submitted_at": r.submitted_at}
        for r in facts.reports if r.kind == kind and r.period == period and r.submitted_at <= now)
    found = {m: counted.get((m, kind, str(period))) for m in facts.managers}
    refs = tuple(Ref("manager_report", row["id"]) for row in found.values() if row)
    missing = [m for m, row in found.items() if row is None]
    late = [m for m, row in found.items()
            if row and manager_reports.report_state(kind, period, row["submitted_at"], zone, facts.settings) == LATE]
    if missing:
        if now < due:
            return Cell(first, last, PENDING, refs=refs)
        return Cell(first, last, MISSED, (Message(NOTES["no_report"], {"names": names(facts, missing)}),), refs)
    if late:
        return Cell(first, last, LATE, (Message(NOTES["report_late"], {"names": names(facts, late)}),), refs)
    return Cell(first, last, KEPT, refs=refs)


def daily_report_row(facts: MonthFacts, now: datetime) -> Row:
    """日清: every manager's daily report of each working day, by the day's end."""
    workdays = set(facts.setting("patrol_weekdays"))
    cells = []
    for day in facts.days:
        if day.isoweekday() not in workdays or not facts.managers or now < day_bounds(facts, day)[0]:
            cells.append(Cell(day, day, NONE))
        else:
            cells.append(_reports_cell(facts, now, manager_reports.DAILY, day, day, day))
    return Row(DAILY_REPORT, DAY, tuple(cells))


def weekly_summary_row(facts: MonthFacts, now: datetime) -> Row:
    """周总结: every manager's summary of each week, by the end of its Sunday."""
    cells = []
    for monday, first, last in weeks(facts):
        if not facts.managers or now < at_local(monday, "00:00", facts.tz):
            cells.append(Cell(first, last, NONE))
        else:
            cells.append(_reports_cell(facts, now, manager_reports.WEEKLY, monday, first, last))
    return Row(WEEKLY_SUMMARY, WEEK, tuple(cells))


def checklist_rows(facts: MonthFacts, now: datetime) -> list[Row]:
    """The month's checklist, an item a row: attendance by the 5th, quality records and the
    purchase plan by the 26th, the complaint summary and material feedback by month end —
    each judged by ``monthly_checklist.state`` on its sign-off."""
    days = facts.days
    rows = []
    for item in monthly_checklist.ITEMS:
        due = monthly_checklist.due_at(item, facts.year, facts.month, _zone(facts), facts.settings)
        signed = min((s for s in facts.signoffs if s.item == item), key=lambda s: (s.signed_at, s.id), default=None)
        if now < at_local(days[0], "00:00", facts.tz):
            rows.append(Row(f"checklist_{item}", MONTH, (Cell(days[0], days[-1], NONE),)))
            continue
        state = monthly_checklist.state(signed.signed_at if signed else None, due, now)
        notes = [Message(NOTES["due"], {"date": shown(due - timedelta(minutes=1), facts.tz)[:10]})]
        if signed:
            notes.append(Message(NOTES["signed"], {"name": signed.signed_by, "at": shown(signed.signed_at, facts.tz)}))
        refs = (Ref("checklist", f"{facts.year:04d}-{facts.month:02d}"),)
        rows.append(Row(f"checklist_{item}", MONTH, (Cell(days[0], days[-1], state, tuple(notes), refs),)))
    return rows
