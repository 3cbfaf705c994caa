"""Managers' reports (日清 / 周总结) and the monthly checklist's sign-offs.

``report.submit`` makes one ``manager_report`` row: the writer (the sender), the kind, the
period (the day, or the Monday of its week), the corrected time as ``submitted_at`` and
the text. Reports are only added: a second one of the same period is kept and listed
beside the first, and the earliest counts (``manager_reports.counted``).

``checklist.sign`` makes one ``checklist_signoff``: an item of the site's monthly
checklist for the month it falls due in, signed by the sender at the corrected time. One
per site, item and month: a second is refused. The desk signs through the engine
(``app.office.desk_push``), so this is the one place the rule is written.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sync import manager_reports as reports
from sync import messages as m
from sync import monthly_checklist as checklist
from sync.attendance_rules import local_day
from sync.context import Context
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import ChecklistSignSchema
from sync.schemas import ReportSubmitSchema

PERIOD_PROBLEMS = {"not_monday": m.REPORT_PERIOD_NOT_MONDAY, "future": m.REPORT_PERIOD_FUTURE}
MONTH_PROBLEMS = {"invalid": m.CHECKLIST_MONTH_INVALID, "future": m.CHECKLIST_MONTH_FUTURE}


@handler("report.submit", "manager_report", ReportSubmitSchema)
def submit(ctx: Context, data: dict[str, Any]) -> None:
    """A 日清 or 周总结 of a period that has begun, on the site's days."""
    site = ctx.require_site(data["site_id"])
    if not reports.may_write(ctx.actor.role, ctx.actor.is_team_lead):
        raise reject("kind", m.REPORT_NOT_ALLOWED)
    period = date.fromisoformat(data["period"])
    problem = reports.period_problem(data["kind"], period, local_day(ctx.at, site.timezone))
    if problem is not None:
        raise reject("period", PERIOD_PROBLEMS[problem])
    ctx.ensure_new("manager_report")
    ctx.store.add("manager_report", {
        "id": ctx.entity_id, "site_id": site.id, "kind": data["kind"], "period": period,
        "submitted_at": ctx.at, "submitted_at_phone": ctx.at_phone, "done": data["done"],
        "open_items": data.get("open_items"), "plan": data.get("plan"), **ctx.stamp(),
    })


@handler("checklist.sign", "checklist_signoff", ChecklistSignSchema)
def sign(ctx: Context, data: dict[str, Any]) -> None:
    """An item of the month's checklist signed off, once per site, item and month."""
    site = ctx.require_site(data["site_id"])
    if ctx.actor.role not in checklist.SIGNER_ROLES:
        raise reject("item", m.CHECKLIST_NOT_ALLOWED)
    problem = checklist.month_problem(data["year"], data["month"], local_day(ctx.at, site.timezone))
    if problem is not None:
        raise reject("month", MONTH_PROBLEMS[problem])
    ctx.ensure_new("checklist_signoff")
    if ctx.store.find("checklist_signoff", site_id=site.id, item=data["item"], year=data["year"],
                      month=data["month"]):
        raise reject("item", m.CHECKLIST_ALREADY_SIGNED)
    ctx.store.add("checklist_signoff", {
        "id": ctx.entity_id, "site_id": site.id, "item": data["item"], "year": data["year"],
        "month": data["month"], "signed_by": ctx.actor.id, "signed_at": ctx.at, "note": data.get("note"),
        "device_id": ctx.entry.device_id, "mutation_id": ctx.mutation.id, "received_at": ctx.entry.received_at,
    })
