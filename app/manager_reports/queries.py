"""What the managers' report pages read: a site's month of reports, judged by the pure
rules (``sync.manager_reports``), and the month's checklist (``sync.monthly_checklist``)
with its sign-offs. Read-only."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import ChecklistSignoff
from app.models import ManagerReport
from app.models import Site
from app.models import User
from app.office.filters import site_people
from sync import manager_reports as rules
from sync import monthly_checklist as checklist


def names_of(ids) -> dict[str, str]:
    """Display names of people by id."""
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(set(ids) or {""}))).all())


def report_settings(site: Site) -> dict:
    """The site's settings the report rules read."""
    return {key: site.setting(key) for key in rules.DEFAULTS}


def state_of(report: ManagerReport, site: Site) -> str:
    """Kept or late, against the site's settings."""
    return rules.report_state(report.kind, report.period, report.submitted_at, site.timezone,
                              report_settings(site))


@dataclass
class Month:
    """A site's month of 日清 and 周总结: per writer, each day's and each week's counted
    report (or none), and every report of the month in order."""

    days: list[date]
    weeks: list[date]
    writers: list[tuple[str, str]]
    cells: dict[tuple[str, str, str], ManagerReport] = field(default_factory=dict)
    reports: list[ManagerReport] = field(default_factory=list)
    counted_ids: set[str] = field(default_factory=set)
    states: dict[str, str] = field(default_factory=dict)


def month_reports(site: Site, year: int, month: int) -> Month:
    """Every report of the month (the weeks whose Sunday falls in it) at ``site``; the
    site's managers are listed even with no report, anyone else who wrote one after them."""
    days = rules.month_days(year, month)
    weeks = rules.month_weeks(year, month)
    first = min([days[0], *weeks])
    reports = list(db.session.scalars(select(ManagerReport).where(
        ManagerReport.site_id == site.id, ManagerReport.deleted_at.is_(None),
        ManagerReport.period >= first, ManagerReport.period <= days[-1])
        .order_by(ManagerReport.period, ManagerReport.submitted_at, ManagerReport.id)))
    reports = [r for r in reports if (r.kind == rules.DAILY and r.period >= days[0])
               or (r.kind == rules.WEEKLY and r.period in weeks)]
    by_id = {r.id: r for r in reports}
    counted = rules.counted({"id": r.id, "user_id": r.user_id, "kind": r.kind, "period": r.period.isoformat(),
                             "submitted_at": r.submitted_at} for r in reports)
    managers = [p for p in site_people([site.id]) if p.role == "manager" and p.active]
    writers = [(p.id, p.display_name) for p in managers]
    others = {r.user_id for r in reports} - {p.id for p in managers}
    names = names_of(others)
    writers += sorted(((i, names.get(i, "")) for i in others), key=lambda w: w[1])
    return Month(days=days, weeks=weeks, writers=writers,
                 cells={key: by_id[row["id"]] for key, row in counted.items()}, reports=reports,
                 counted_ids={row["id"] for row in counted.values()},
                 states={r.id: state_of(r, site) for r in reports})


@dataclass
class Line:
    """One item of the month's checklist: when it falls due, its sign-off and its state."""

    item: str
    due_at: datetime
    covers: tuple[int, int]
    state: str
    signoff: ChecklistSignoff | None


def checklist_lines(site: Site, year: int, month: int, now: datetime) -> list[Line]:
    """The five items of ``year-month`` at ``site``, in the order of ``ITEMS``."""
    signed = {s.item: s for s in db.session.scalars(select(ChecklistSignoff).where(
        ChecklistSignoff.site_id == site.id, ChecklistSignoff.year == year, ChecklistSignoff.month == month))}
    settings = {key: site.setting(key) for key in checklist.DEFAULTS}
    lines = []
    for item in checklist.ITEMS:
        due = checklist.due_at(item, year, month, site.timezone, settings)
        signoff = signed.get(item)
        lines.append(Line(item=item, due_at=due, covers=checklist.covers(item, year, month),
                          state=checklist.state(signoff.signed_at if signoff else None, due, now),
                          signoff=signoff))
    return lines


def due_label(due: datetime, timezone: str) -> str:
    """A due time as people say it: the midnight that ends a day is that day's ``24:00``."""
    wall = due.astimezone(ZoneInfo(timezone))
    if (wall.hour, wall.minute) == (0, 0):
        return f"{(wall.date() - timedelta(days=1)).isoformat()} 24:00"
    return wall.strftime("%Y-%m-%d %H:%M")


def previous_and_next(year: int, month: int) -> tuple[date, date]:
    """The first days of the months around ``year-month``."""
    first = date(year, month, 1)
    return (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
