"""A person's day compiled from what they recorded at one site, in the site's zone.

Nothing here writes: the work log is read from the records themselves (attendance,
meetings chaired or attended, patrols with their checkpoints and findings, visitors registered, flagged persons, stock
counts, complaints and replies, follow-up events, repair work), so it is as true and
complete as they are, and the only thing added to a day afterwards is a note
(``worklog.note``), which says when it was written.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.complaints.routes import LABELS as COMPLAINT_LABELS
from app.extensions import db
from app.followups import labels as fl
from app.gate.display import purpose as purpose_label
from app.models import Attendance
from app.models import Checkpoint
from app.models import CheckpointVisit
from app.models import Complaint
from app.models import ComplaintReply
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Incident
from app.models import Item
from app.models import ManagerReport
from app.models import Meeting
from app.models import Patrol
from app.models import RepairOrder
from app.models import RepairWork
from app.models import Route
from app.models import StockCheck
from app.models import StockCount
from app.models import Store
from app.models import Visit
from app.models import WorklogNote
from sync import attendance_rules
from sync import manager_reports

# The order of entries recorded in the same second: arriving first, leaving last.
KIND_ORDER = {"sign_in": 0, "meeting": 1, "patrol": 2, "finding": 3, "visit": 4, "incident": 5, "stock": 6,
              "complaint": 7, "reply": 8, "followup": 9, "repair": 10, "report": 11, "sign_out": 12}


@dataclass
class Entry:
    """One line of the day: when, what kind, a title, details, and where to read more."""

    at: datetime
    kind: str
    id: str
    title: str
    lines: list[str] = field(default_factory=list)
    link: tuple[str, dict] | None = None
    flag: str | None = None  # late | early | second: shown as a warning mark
    masked: list[str] = field(default_factory=list)
    where: str = ""  # the route, unit, checkpoint or store: the form's 地点 column

    def key(self):
        return (self.at, KIND_ORDER[self.kind], self.id)


@dataclass
class Day:
    """The compiled day: entries in time order, the counted sign-in and out, notes, counts."""

    day: date
    tz: str
    entries: list[Entry]
    sign_in: Attendance | None
    sign_out: Attendance | None
    notes: list[WorklogNote]
    counts: dict[str, int]


def bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The day's start and end in UTC (the site's midnight to midnight)."""
    start = datetime.combine(day, time(0), ZoneInfo(tz))
    end = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(tz))
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _rows(model, user_id: str, site_id: str, column, start, end):
    return list(db.session.scalars(select(model).where(
        model.user_id == user_id, model.site_id == site_id, model.deleted_at.is_(None),
        column >= start, column < end).order_by(column, model.id)))


def _names(model, ids) -> dict[str, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def compile_day(site, user_id: str, day: date) -> Day:
    """Everything ``user_id`` recorded at ``site`` on the site-local ``day``, in time order."""
    from flask_babel import gettext as _

    tz = site.timezone or "Asia/Shanghai"
    start, end = bounds(day, tz)
    entries: list[Entry] = []
    local = ZoneInfo(tz)

    def hm(value: datetime | None) -> str:
        return value.astimezone(local).strftime("%H:%M") if value else ""

    # -- attendance: every row shown, the counted sign-in / sign-out marked as such
    marks = list(db.session.scalars(select(Attendance).where(
        Attendance.user_id == user_id, Attendance.site_id == site.id, Attendance.day == day.isoformat(),
        Attendance.deleted_at.is_(None)).order_by(Attendance.at, Attendance.id)))
    as_dicts = [{"id": a.id, "action": a.action, "at": a.at, "deleted_at": None} for a in marks]
    first_in = attendance_rules.counted(as_dicts, "in")
    last_out = attendance_rules.counted(as_dicts, "out")
    counted_ids = {r["id"] for r in (first_in, last_out) if r}
    by_id = {a.id: a for a in marks}
    for a in marks:
        if a.action == "in":
            title = _("Clock-in") + " · " + (_("on time") if a.verdict == "on_time" else _("late"))
            lines = [_("By %(time)s", time=a.expected),
                     _("In uniform") if a.uniform else _("Not in uniform")]
            flag = "late" if a.verdict == "late" else None
        else:
            title = _("Clock-out") + " · " + (_("ok") if a.verdict == "ok" else _("early"))
            lines = [_("After %(time)s", time=a.expected)]
            flag = "early" if a.verdict == "early" else None
        if a.id not in counted_ids:
            lines.append(_("Not counted: a second one on this day"))
            flag = "second"
        entries.append(Entry(a.at, "sign_in" if a.action == "in" else "sign_out", a.id, title, lines, flag=flag))

    # -- meetings: the chair's and each attendee's day (the rows of a day are few; the JSON
    # list of attendees is read here rather than queried, alike on SQLite and PostgreSQL)
    from app.meetings.queries import KIND_NAMES
    from app.meetings.queries import names as people_names
    meetings = [r for r in db.session.scalars(select(Meeting).where(
        Meeting.site_id == site.id, Meeting.deleted_at.is_(None), Meeting.started_at >= start,
        Meeting.started_at < end).order_by(Meeting.started_at, Meeting.id))
        if r.chaired_by == user_id or user_id in (r.attendee_ids or [])]
    chairs = people_names({r.chaired_by for r in meetings})
    for r in meetings:
        role = _("Chaired") if r.chaired_by == user_id else _("Attended") + " · " + _(
            "Chaired by %(name)s", name=chairs.get(r.chaired_by, ""))
        lines = [role + " · " + _("%(count)s people", count=len(r.attendee_ids or []))]
        lines += [text for text in (r.assignments, r.yesterday_summary) if text]
        entries.append(Entry(r.started_at, "meeting", r.id, _("Meeting: %(kind)s", kind=KIND_NAMES.get(r.kind, r.kind)),
                             lines, link=("meetings.show", {"meeting_id": r.id})))

    # -- patrols, with checkpoints visited and findings
    patrols = _rows(Patrol, user_id, site.id, Patrol.started_at, start, end)
    patrol_ids = [p.id for p in patrols]
    visits_by_patrol = defaultdict(list)
    findings = _rows(Finding, user_id, site.id, Finding.found_at, start, end)
    if patrol_ids:
        for v in db.session.scalars(select(CheckpointVisit).where(
                CheckpointVisit.patrol_id.in_(patrol_ids), CheckpointVisit.deleted_at.is_(None))
                .order_by(CheckpointVisit.visited_at, CheckpointVisit.id)):
            visits_by_patrol[v.patrol_id].append(v)
        seen = {f.id for f in findings}
        findings += [f for f in db.session.scalars(select(Finding).where(
            Finding.patrol_id.in_(patrol_ids), Finding.deleted_at.is_(None))) if f.id not in seen]
    checkpoint_names = _names(Checkpoint, [v.checkpoint_id for vs in visits_by_patrol.values() for v in vs]
                              + [f.checkpoint_id for f in findings])
    route_names = _names(Route, [p.route_id for p in patrols])
    findings_by_patrol = defaultdict(list)
    for f in sorted(findings, key=lambda f: (f.found_at, f.id)):
        findings_by_patrol[f.patrol_id].append(f)
    for p in patrols:
        visited = visits_by_patrol.get(p.id, [])
        lines = [(_("Route: %(name)s", name=route_names.get(p.route_id)) if p.route_id else _("Free patrol"))
                 + (" · " + _("ended %(time)s", time=hm(p.ended_at)) if p.ended_at else " · " + _("not ended"))]
        lines.append(_("Checkpoints visited (%(count)s): %(names)s", count=len(visited), names="、".join(
            f"{checkpoint_names.get(v.checkpoint_id, '?')} {hm(v.visited_at)}" for v in visited) or "—"))
        if p.missed_checkpoint_ids:
            lines.append(_("Checkpoints missed: %(count)s", count=len(p.missed_checkpoint_ids)))
        for f in findings_by_patrol.pop(p.id, []):
            lines.append(_finding_line(f, hm, checkpoint_names, _))
        if p.notes:
            lines.append(_("Notes: %(text)s", text=p.notes))
        entries.append(Entry(p.started_at, "patrol", p.id, _("Patrol"), lines,
                             link=("patrols.detail", {"patrol_id": p.id}),
                             where=route_names.get(p.route_id) or "" if p.route_id else _("Free patrol")))
    for rest in findings_by_patrol.values():  # findings on a patrol of an earlier day
        for f in rest:
            if start <= f.found_at < end:
                entries.append(Entry(f.found_at, "finding", f.id, _("Finding"),
                                     [_finding_line(f, hm, checkpoint_names, _)],
                                     where=checkpoint_names.get(f.checkpoint_id) or ""))

    # -- visitors registered (numbers masked), persons flagged
    from sync.privacy import mask_id_number
    from sync.privacy import mask_phone
    visits = _rows(Visit, user_id, site.id, Visit.checked_in_at, start, end)
    for v in visits:
        lines = [" · ".join(x for x in (purpose_label(v.purpose), _("%(count)s people", count=v.party_size),
                                        v.unit or "", v.host_name or "", v.plate or "") if x)]
        masked = [x for x in (mask_phone(v.phone) if v.phone else "",
                              mask_id_number(v.id_number) if v.id_number else "") if x]
        lines.append(_("Out %(time)s", time=hm(v.checked_out_at)) if v.checked_out_at else _("Still inside"))
        entries.append(Entry(v.checked_in_at, "visit", v.id, _("Visitor registered: %(name)s", name=v.visitor_name),
                             lines, link=("gate.visit", {"visit_id": v.id}), masked=masked, where=v.unit or ""))
    for i in _rows(Incident, user_id, site.id, Incident.occurred_at, start, end):
        entries.append(Entry(i.occurred_at, "incident", i.id, _("Suspicious person reported"), [i.description]))

    # -- stock counts, one entry per check
    counts = _rows(StockCount, user_id, site.id, StockCount.counted_at, start, end)
    by_check = defaultdict(list)
    for c in counts:
        by_check[c.check_id].append(c)
    checks = {c.id: c for c in db.session.scalars(select(StockCheck).where(StockCheck.id.in_(list(by_check))))} \
        if by_check else {}
    store_names = _names(Store, [c.store_id for c in checks.values()])
    item_names = _names(Item, [c.item_id for c in counts])
    for check_id, rows in by_check.items():
        check = checks.get(check_id)
        differ = [c for c in rows if not c.superseded and c.difference != 0]
        lines = [_("Store: %(name)s", name=store_names.get(check.store_id, "") if check else ""),
                 _("%(count)s counts, %(differ)s differ from the books", count=len(rows), differ=len(differ))]
        lines += [f"{item_names.get(c.item_id, '?')}: {_number(c.counted_qty)} / {_number(c.book_qty)}"
                  for c in differ]
        entries.append(Entry(rows[0].counted_at, "stock", check_id, _("Stock count"), lines,
                             link=("stock.check", {"check_id": check_id}),
                             where=store_names.get(check.store_id, "") if check else ""))

    # -- complaints taken and replies made
    labels = COMPLAINT_LABELS
    for c in _rows(Complaint, user_id, site.id, Complaint.lodged_at, start, end):
        entries.append(Entry(c.lodged_at, "complaint", c.id, _("Complaint taken") + " · " + str(labels["kinds"].get(
            c.kind, c.kind)), [" · ".join(x for x in (str(labels["channels"].get(c.channel, c.channel)),
                                                       c.unit or "") if x), c.description],
            link=("complaints.detail", {"complaint_id": c.id}), where=c.unit or ""))
    for r in _rows(ComplaintReply, user_id, site.id, ComplaintReply.replied_at, start, end):
        entries.append(Entry(r.replied_at, "reply", r.id, str(labels["stages"].get(r.stage, r.stage)),
                             [r.said] + ([r.owner_opinion] if r.owner_opinion else []),
                             link=("complaints.detail", {"complaint_id": r.complaint_id})))

    # -- follow-up events they made (the ones the server derives carry no person)
    events = list(db.session.execute(select(FollowUpEvent, FollowUp.title).join(
        FollowUp, FollowUp.id == FollowUpEvent.followup_id).where(
        FollowUpEvent.user_id == user_id, FollowUp.site_id == site.id,
        FollowUpEvent.at >= start, FollowUpEvent.at < end).order_by(FollowUpEvent.at, FollowUpEvent.id)).all())
    for e, title in events:
        what = str(fl.EVENTS.get(e.kind, e.kind))
        if e.kind == "status" and isinstance(e.value, str):
            what += " → " + str(fl.STATUSES.get(e.value, e.value))
        entries.append(Entry(e.at, "followup", e.id, _("Follow-up: %(title)s", title=title),
                             [what] + ([e.note] if e.note else []),
                             link=("followups.detail", {"followup_id": e.followup_id})))

    # -- repair work
    works = _rows(RepairWork, user_id, site.id, RepairWork.finished_at, start, end)
    orders = {ident: (number, unit) for ident, number, unit in db.session.execute(
        select(RepairOrder.id, RepairOrder.number, RepairOrder.unit).where(
            RepairOrder.id.in_([w.repair_id for w in works])))} if works else {}
    for w in works:
        number, unit = orders.get(w.repair_id, ("", ""))
        entries.append(Entry(w.finished_at, "repair", w.id, _("Repair work: %(number)s", number=number or ""),
                             [f"{hm(w.started_at)}–{hm(w.finished_at)} · {w.work_done}"],
                             link=("repairs.detail", {"order_id": w.repair_id}), where=unit or ""))

    # -- the day's daily report (日清), however late it came, and weekly summaries written today
    reports = list(db.session.scalars(select(ManagerReport).where(
        ManagerReport.user_id == user_id, ManagerReport.site_id == site.id, ManagerReport.deleted_at.is_(None),
        ((ManagerReport.kind == manager_reports.DAILY) & (ManagerReport.period == day))
        | ((ManagerReport.kind == manager_reports.WEEKLY) & (ManagerReport.submitted_at >= start)
           & (ManagerReport.submitted_at < end))).order_by(ManagerReport.submitted_at, ManagerReport.id)))
    settings = {key: site.setting(key) for key in manager_reports.DEFAULTS}
    for r in reports:
        state = manager_reports.report_state(r.kind, r.period, r.submitted_at, tz, settings)
        if r.kind == manager_reports.DAILY:
            title = _("Daily report (日清)")
        else:
            title = _("Weekly summary (周总结) of the week from %(monday)s", monday=r.period.isoformat())
        title += " · " + (_("filed on time") if state == manager_reports.KEPT else _("filed late"))
        lines = [_("Done: %(text)s", text=r.done)]
        if r.open_items:
            lines.append(_("Open: %(text)s", text=r.open_items))
        if r.plan:
            lines.append(_("Plan: %(text)s", text=r.plan))
        entries.append(Entry(r.submitted_at, "report", r.id, title, lines,
                             link=("manager_reports.show", {"report_id": r.id}),
                             flag="late" if state == manager_reports.LATE else None))

    entries.sort(key=Entry.key)
    notes = list(db.session.scalars(select(WorklogNote).where(
        WorklogNote.user_id == user_id, WorklogNote.site_id == site.id, WorklogNote.day == day.isoformat(),
        WorklogNote.deleted_at.is_(None)).order_by(WorklogNote.at, WorklogNote.id)))
    tally = defaultdict(int)
    for e in entries:
        tally[e.kind] += 1
    return Day(day, tz, entries, by_id.get(first_in["id"]) if first_in else None,
               by_id.get(last_out["id"]) if last_out else None, notes, dict(tally))


def _finding_line(f, hm, checkpoint_names, _) -> str:
    where = checkpoint_names.get(f.checkpoint_id)
    handled = _("handled on the spot") + (f": {f.action_taken}" if f.action_taken else "") \
        if f.handled_on_spot else _("to follow up")
    category = str(fl.CATEGORIES.get(f.category, f.category))
    return _("Finding %(time)s", time=hm(f.found_at)) + f" · {category}" + (f" · {where}" if where else "") \
        + f" · {f.description} · {handled}"


def _number(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
