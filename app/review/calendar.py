"""The compliance calendar: a site's month, each rule of the work instructions a row of
kept / late / missed cells linking to the records behind them; and across sites, a row
per site with each rule's month at a glance.

The judgements are ``sync.compliance``'s; this module gathers the month, names the rows
and turns each cell's records into links.
"""
from __future__ import annotations

from datetime import date
from datetime import timedelta

from flask import abort
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import utcnow
from app.office import exports
from app.navigation import add_nav
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.office.filters import asked_month
from app.office.filters import chosen_site
from app.office.filters import local_today
from app.office.filters import visible_sites
from app.review import bp
from app.review.compliance_facts import month_facts
from sync import compliance as c

add_nav(25, "review.calendar", _l("Compliance calendar"), REVIEW_ROLES)

# Each row's name, and the work instruction's own words (quoted, so never translated).
ROWS = {
    c.MORNING_MEETING: (_l("Morning meeting"), "每天08:20—08:30召开晨会"),
    c.WEEKLY_MEETING: (_l("Weekly meeting"), "每周召开例会"),
    c.PATROL: (_l("Daily patrol by every manager"), "每天至少对所管辖的区域巡视一遍"),
    c.GATE: (_l("Peak hours at the gate staffed and registering"), "高峰时段门岗值班，严格控制外来人员并登记"),
    c.INSPECTIONS: (_l("At least 2 written inspections a week per manager"), "每周书面考核不少于2次"),
    c.REPAIRS: (_l("Monday approval of last week's repair orders"), "每周一审批《维修任务单》"),
    c.STOCK: (_l("Monthly stock check by the 25th"), "每月库存抽查，账目相符"),
    c.RATE: (_l("Timely-handling rate of complaints at least 90 %"), "报事处理及时率须达90%以上"),
    c.DAILY_REPORT: (_l("Daily report (日清) by every manager"), "日清日结，当天工作当天总结"),
    c.WEEKLY_SUMMARY: (_l("Weekly summary by every manager"), "每周工作总结"),
    "checklist_attendance": (_l("Attendance reviewed by the 5th"), "每月5日前审核考勤"),
    "checklist_quality_records": (_l("Quality records reviewed by the 26th"), "每月26日前审核品质记录"),
    "checklist_purchase_plan": (_l("Purchase plan reviewed by the 26th"), "每月26日前审核采购计划"),
    "checklist_complaint_summary": (_l("Complaint summary sent by month end"), "月底前上报《客户投诉汇总及处理情况表》"),
    "checklist_material_feedback": (_l("Material feedback sent by month end"), "月底前上报《物资质量使用反馈单》"),
}
STATE_NAMES = {c.KEPT: _l("Done on time"), c.LATE: _l("Done late"), c.MISSED: _l("Not done"), c.PENDING: _l("Not yet due"),
               c.NONE: _l("Nothing due")}
RECORD_LINKS = {
    "patrol": ("patrols.detail", "patrol_id"), "visit": ("gate.visit", "visit_id"),
    "inspection": ("inspections.show", "inspection_id"), "repair": ("repairs.detail", "order_id"),
    "stock_check": ("stock.check", "check_id"), "manager_report": ("manager_reports.show", "report_id"),
    "meeting": ("meetings.show", "meeting_id"),
}


def period_link(row: c.Row, cell: c.Cell, site_id: str) -> str:
    """The list that holds the cell's records, filtered to the cell's days; one record
    is linked straight."""
    if len(cell.refs) == 1 and cell.refs[0].type in RECORD_LINKS:
        endpoint, arg = RECORD_LINKS[cell.refs[0].type]
        return url_for(endpoint, **{arg: cell.refs[0].id})
    first, last = cell.first.isoformat(), cell.last.isoformat()
    if row.key == c.PATROL:
        return url_for("patrols.index", site=site_id, **{"from": first, "to": last})
    if row.key == c.GATE:
        return url_for("gate.visits", site=site_id, **{"from": first, "to": last})
    if row.key == c.INSPECTIONS:
        return url_for("inspections.week", site=site_id, week=first)
    if row.key == c.REPAIRS:
        week_before = cell.first - timedelta(days=7)
        return url_for("repairs.index", site=site_id, **{"from": week_before.isoformat(),
                                                          "to": (cell.first - timedelta(days=1)).isoformat()})
    if row.key == c.STOCK:
        return url_for("stock.checks", site=site_id, **{"from": first, "to": last})
    if row.key == c.RATE:
        return url_for("complaints.summary", site=site_id, month=cell.first.strftime("%Y-%m"))
    if row.key in (c.MORNING_MEETING, c.WEEKLY_MEETING):
        return url_for("meetings.index", site=site_id, month=cell.last.strftime("%Y-%m"))
    if row.key in (c.DAILY_REPORT, c.WEEKLY_SUMMARY) or row.key in c.CHECKLIST:
        endpoint = "manager_reports.checklist" if row.key in c.CHECKLIST else "manager_reports.month"
        return url_for(endpoint, site=site_id, month=cell.last.strftime("%Y-%m"))
    return ""


def note_text(message) -> str:
    return _(message.msgid, **message.params)


@bp.route("/calendar")
@review_required
def calendar():
    """One site's month, rule by rule."""
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors) or (sites[0] if sites else None)
    if site is None:
        abort(404)
    month = asked_month(site.timezone, errors)
    now = utcnow()
    facts = month_facts(site, month, now)
    rows = c.grid(facts, now)
    fmt = exports.requested(errors)
    if fmt:
        return month_file(fmt, site, month, facts.days, rows)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render_template(
        "review/calendar.html", site=site, sites=sites, month=month, errors=errors, rows=rows,
        days=facts.days, names=ROWS, states=STATE_NAMES, link=lambda row, cell: period_link(row, cell, site.id),
        note_text=note_text, previous=previous, following=following,
        today=local_today(site.timezone), all_states=(c.KEPT, c.LATE, c.MISSED, c.PENDING))


MARKS = {c.KEPT: "✓", c.LATE: "迟", c.MISSED: "✗", c.PENDING: "…", c.NONE: ""}


def month_file(fmt: str, site, month: date, days: list[date], rows: list[c.Row]):
    """The month as a sheet: a row per rule, a column per day with its mark (a week's or
    the month's judgement on each of its days), then the counts and what went wrong."""
    def state_on(day):
        return lambda row: next((MARKS[x.state] for x in row.cells if x.first <= day <= x.last), "")
    C = exports.Column
    columns = [C(_l("Rule"), lambda row: str(ROWS[row.key][0]), width=30)]
    columns += [C(str(d.day), state_on(d), width=4) for d in days]
    columns += [C(_l("Done on time"), lambda row: row.count(c.KEPT), "number", 8),
                C(_l("Done late"), lambda row: row.count(c.LATE), "number", 8),
                C(_l("Not done"), lambda row: row.count(c.MISSED), "number", 8),
                C(_l("Late and missed"), lambda row: "；".join(
                    f"{x.first.isoformat()} " + "、".join(note_text(n) for n in x.notes)
                    for x in row.cells if x.state in (c.LATE, c.MISSED)), width=60)]
    title = _("Compliance calendar")
    legend = "  ".join(f"{MARKS[s]} {STATE_NAMES[s]}" for s in (c.KEPT, c.LATE, c.MISSED, c.PENDING))
    preamble = [[f"《{title}》"], [_("Site"), site.name, _("Month"), f"{month:%Y-%m}"], [legend]]
    return exports.respond(fmt, f"{title}_{site.name}_{month:%Y-%m}", columns, rows, tz=site.timezone,
                           title=title, preamble=preamble)


@bp.route("/calendar/sites")
@review_required
def calendar_sites():
    """Every site of the user's in one month: a row per site, a column per rule, each
    with its counts of kept, late and missed."""
    errors: list[str] = []
    sites = visible_sites()
    if not sites:
        abort(404)
    month = asked_month(sites[0].timezone, errors)
    now = utcnow()
    table = [(site, c.grid(month_facts(site, month, now), now)) for site in sites]
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render_template(
        "review/calendar_sites.html", month=month, errors=errors, table=table, names=ROWS,
        states=STATE_NAMES, keys=[row.key for row in table[0][1]], previous=previous, following=following)
