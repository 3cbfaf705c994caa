"""Facts for ``sync.compliance`` read from the database: one site's month, a few queries.

Records reach past the month where a rule needs them (the week that began in the month
before, the previous week's repair orders); only the columns the rules need are read, and
never a visitor's name or numbers.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlalchemy import select

from app.complaints.clocks import month_rate
from app.extensions import db
from app.followups.facts import site_settings
from app.models import Inspection
from app.models.manager_reports import ChecklistSignoff
from app.models.meetings import Meeting
from app.models.manager_reports import ManagerReport
from app.models import Patrol
from app.models import RepairOrder
from app.models import Site
from app.models import StockCheck
from app.models import Store
from app.models import User
from app.models import Visit
from app.models.people import user_sites
from app.models.posts import Shift
from sync import compliance
from sync import sweep
from sync.sweep import at_local


def bounds(site: Site, month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, at the site, as UTC."""
    tz = ZoneInfo(site.timezone)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return at_local(month, "00:00", tz), at_local(following, "00:00", tz)


def month_facts(site: Site, month: date, now: datetime) -> compliance.MonthFacts:
    """Everything the calendar judges for ``site`` in the month of ``month`` at ``now``."""
    start, end = bounds(site, month)
    wide_start, wide_end = start - timedelta(days=8), end + timedelta(days=8)
    managers = db.session.execute(
        select(User.id, User.display_name).join(user_sites, user_sites.c.user_id == User.id)
        .where(user_sites.c.site_id == site.id, User.role == "manager", User.active.is_(True),
               User.deleted_at.is_(None)).order_by(User.id)).all()
    live = lambda model: (model.site_id == site.id, model.deleted_at.is_(None))  # noqa: E731
    rate = month_rate(site, month, now).rate
    return compliance.MonthFacts(
        site_id=site.id, tz=ZoneInfo(site.timezone), settings=site_settings(site),
        year=month.year, month=month.month,
        managers=tuple(m.id for m in managers), names={m.id: m.display_name for m in managers},
        patrols=tuple(sweep.PatrolFact(r.id, r.user_id, r.route_id, r.started_at, r.received_at)
                      for r in db.session.execute(
                          select(Patrol.id, Patrol.user_id, Patrol.route_id, Patrol.started_at, Patrol.received_at)
                          .where(*live(Patrol), Patrol.started_at >= start, Patrol.started_at < end))),
        shifts=tuple(compliance.ShiftFact(r.id, r.started_at, r.ended_at) for r in db.session.execute(
            select(Shift.id, Shift.started_at, Shift.ended_at)
            .where(*live(Shift), Shift.started_at < end, Shift.started_at >= start - timedelta(days=1)))),
        gate=tuple(_gate(site, start, end)),
        inspections=tuple(sweep.InspectionFact(r.id, r.user_id, r.at, r.received_at) for r in db.session.execute(
            select(Inspection.id, Inspection.user_id, Inspection.at, Inspection.received_at)
            .where(*live(Inspection), Inspection.at >= wide_start, Inspection.at < wide_end))),
        repairs=tuple(compliance.RepairFact(r.id, r.requested_at, r.approved_at) for r in db.session.execute(
            select(RepairOrder.id, RepairOrder.requested_at, RepairOrder.approved_at)
            .where(*live(RepairOrder), RepairOrder.requested_at >= wide_start, RepairOrder.requested_at < end))),
        stores=tuple(sweep.StoreFact(s.id, s.name) for s in db.session.scalars(
            select(Store).where(Store.site_id == site.id, Store.deleted_at.is_(None)).order_by(Store.name))),
        stock_checks=tuple(sweep.StockCheckFact(r.id, r.store_id, r.started_at, r.received_at)
                           for r in db.session.execute(
                               select(StockCheck.id, StockCheck.store_id, StockCheck.started_at, StockCheck.received_at)
                               .where(*live(StockCheck), StockCheck.started_at >= start,
                                      StockCheck.started_at < end))),
        rate=(rate.timely, rate.late, rate.running),
        meetings=tuple(compliance.MeetingFact(r.id, r.kind, r.started_at) for r in db.session.execute(
            select(Meeting.id, Meeting.kind, Meeting.started_at)
            .where(*live(Meeting), Meeting.started_at >= wide_start, Meeting.started_at < wide_end))),
        reports=tuple(compliance.ReportFact(r.id, r.user_id, r.kind, r.period, r.submitted_at)
                      for r in db.session.execute(
                          select(ManagerReport.id, ManagerReport.user_id, ManagerReport.kind, ManagerReport.period,
                                 ManagerReport.submitted_at)
                          .where(*live(ManagerReport), ManagerReport.period >= month - timedelta(days=7),
                                 ManagerReport.period < month + timedelta(days=32)))),
        signoffs=tuple(compliance.SignoffFact(r.id, r.item, r.signed_at, r.display_name) for r in db.session.execute(
            select(ChecklistSignoff.id, ChecklistSignoff.item, ChecklistSignoff.signed_at, User.display_name)
            .join(User, User.id == ChecklistSignoff.signed_by)
            .where(ChecklistSignoff.site_id == site.id, ChecklistSignoff.year == month.year,
                   ChecklistSignoff.month == month.month))),
    )


def _gate(site: Site, start: datetime, end: datetime):
    """Each check-in and check-out of the month as a sign that someone was at the gate."""
    rows = db.session.execute(
        select(Visit.id, Visit.checked_in_at, Visit.checked_out_at)
        .where(Visit.site_id == site.id, Visit.deleted_at.is_(None),
               or_(Visit.checked_in_at.between(start, end), Visit.checked_out_at.between(start, end))))
    for r in rows:
        for at in (r.checked_in_at, r.checked_out_at):
            if at is not None and start <= at <= end:
                yield compliance.GateFact(r.id, at)
