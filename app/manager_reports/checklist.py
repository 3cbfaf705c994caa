"""``/manager-reports/checklist``: a site's monthly checklist — attendance reviewed by the
5th, quality records and the purchase plan by the 26th, the complaint summary and the
material feedback sent by month end — each item's due time, state, who signed and when,
and the pages of the records behind it; ``/manager-reports/checklist/sign`` signs one off
through the sync engine (``checklist.sign``), where the once-a-month rule is written.
"""
from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.manager_reports import bp
from app.manager_reports import queries
from app.manager_reports.routes import month_asked
from app.models import new_id
from app.models import utcnow
from app.office import exports
from app.office.access import review_required
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.office.filters import chosen_site
from app.office.filters import local_today
from app.office.filters import visible_sites
from sync import messages as m
from sync import monthly_checklist as rules

ITEM_NAMES = {
    "attendance": _l("Attendance reviewed"),
    "quality_records": _l("Quality records reviewed"),
    "purchase_plan": _l("Purchase plan"),
    "complaint_summary": _l("Complaint summary sent"),
    "material_feedback": _l("Material quality feedback sent"),
}
CHECK_STATES = {"kept": _l("signed on time"), "late": _l("signed late"), "missed": _l("overdue, not signed"),
                "pending": _l("not yet due")}


def record_link(item: str, site_id: str, covers: tuple[int, int]) -> str | None:
    """The page of the records an item is about, for the month it covers."""
    month = f"{covers[0]:04d}-{covers[1]:02d}"
    endpoint = {"attendance": "worklog.attendance", "complaint_summary": "complaints.summary",
                "material_feedback": "stock.feedback", "quality_records": "inspections.week"}.get(item)
    if endpoint is None:
        return None
    if endpoint == "inspections.week":
        return url_for(endpoint, site=site_id, week=f"{month}-01")
    return url_for(endpoint, site=site_id, month=month)


def columns(names: dict[str, str]) -> list[exports.Column]:
    """The month's checklist as a file: one line per item."""
    C = exports.Column
    return [
        C(_l("Checklist item"), lambda line: ITEM_NAMES[line.item], width=20),
        C(_l("Due by"), lambda line: line.due_at, "datetime", 18),
        C(_l("State"), lambda line: CHECK_STATES[line.state], width=8),
        C(_l("Signed by"), lambda line: names.get(line.signoff.signed_by, "") if line.signoff else None, width=12),
        C(_l("Signed off at"), lambda line: line.signoff.signed_at if line.signoff else None, "datetime", 18),
        C(_l("Note"), lambda line: line.signoff.note if line.signoff else None, width=40),
    ]


@bp.route("/checklist", methods=["GET"])
@review_required
def checklist():
    """The site's month: each item, due when, kept / late / missed / pending, who signed."""
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors) or (sites[0] if sites else None)
    if site is None:
        return render_template("manager_reports/checklist.html", site=None, sites=sites, errors=errors)
    today = local_today(site.timezone)
    year, month = month_asked(site, errors)
    lines = queries.checklist_lines(site, year, month, utcnow())
    names = queries.names_of({line.signoff.signed_by for line in lines if line.signoff})
    fmt = exports.requested(errors)
    if fmt:
        title = _("Monthly checklist")
        return exports.respond(fmt, f"{title}_{site.name}_{year:04d}-{month:02d}", columns(names), lines,
                               tz=site.timezone, title=title)
    previous, following = queries.previous_and_next(year, month)
    return render_template("manager_reports/checklist.html", site=site, sites=sites, errors=errors,
                           lines=lines, names=names, year=year, month=month, today=today,
                           previous=previous, following=following, items=ITEM_NAMES, states=CHECK_STATES,
                           link=record_link, due_label=queries.due_label, signable=rules.month_problem(year, month, today) is None)


@bp.route("/checklist/sign", methods=["POST"])
@review_required
def sign():
    """Sign one item of a month off; a second sign-off of the same item is refused."""
    form = request.form
    site_id = form.get("site_id") or ""
    if not any(s.id == site_id for s in visible_sites()):
        abort(404)  # another site's id, as every page of the desk answers it

    def number(name):
        raw = (form.get(name) or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 4 else raw or None

    data = {"site_id": site_id or None, "item": form.get("item") or None, "year": number("year"),
            "month": number("month"), "note": form.get("note") or None}
    try:
        submit(current_user, [("checklist.sign", new_id(), {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        flash(refused.message, "error")
    except IntegrityError:
        # Two desks signing the same item at the same moment: the constraint keeps one.
        db.session.rollback()
        flash(_(m.CHECKLIST_ALREADY_SIGNED), "error")
    else:
        flash(_("Signed off."), "success")
    month = (f"{data['year']:04d}-{data['month']:02d}"
             if isinstance(data["year"], int) and isinstance(data["month"], int) else None)
    return redirect(url_for("manager_reports.checklist", site=site_id, month=month))
