"""``/manager-reports``: a site's month of daily reports (日清) and weekly summaries (周总结)
per manager, kept / late / none, with its files; ``/manager-reports/<id>``: one report,
printable on A4 as 《日清表》 or 《周工作总结》; ``/manager-reports/new``: a report written
at the desk, through the sync engine as the phone writes it (``report.submit``).

For reviewers (managers, supervisors — the quality department among them — and admins)
of the site; another site's report is 404.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.manager_reports import bp
from app.manager_reports import queries
from app.models import ManagerReport
from app.models import new_id
from app.navigation import add_nav
from app.office import exports
from app.office.access import may_review
from app.office.access import review_required
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.office.filters import asked_month
from app.office.filters import chosen_site
from app.office.filters import local_today
from app.office.filters import visible_sites
from sync import manager_reports as rules

add_nav(83, "manager_reports.month", _l("Manager reports"), may_review)

KIND_NAMES = {"daily": _l("Daily report"), "weekly": _l("Weekly summary")}
STATE_NAMES = {"kept": _l("filed on time"), "late": _l("filed late"), "none": _l("not filed")}
TEXT_FIELDS = ("done", "open_items", "plan")


def _site(errors: list[str]):
    sites = visible_sites()
    return sites, chosen_site(sites, errors) or (sites[0] if sites else None)


def month_asked(site, errors: list[str]) -> tuple[int, int]:
    """``(year, month)`` of ``?month=YYYY-MM``, else the site's this month (said so when bad)."""
    month = asked_month(site.timezone, errors)
    return month.year, month.month


def columns(names: dict[str, str], states: dict[str, str], counted: set[str]) -> list[exports.Column]:
    """The month's reports as a file: one line per report, the second of a period marked."""
    C = exports.Column
    return [
        C(_l("Report kind"), lambda r: KIND_NAMES[r.kind], width=10),
        C(_l("Period"), lambda r: r.period, "date", 12),
        C(_l("Written by"), lambda r: names.get(r.user_id, ""), width=12),
        C(_l("Submitted"), lambda r: r.submitted_at, "datetime", 18),
        C(_l("State"), lambda r: STATE_NAMES[states[r.id]], width=8),
        C(_l("Counts"), lambda r: _("yes") if r.id in counted else _("no (an earlier one counts)"), width=10),
        C(_l("Work completed"), lambda r: r.done, width=40),
        C(_l("Open items"), lambda r: r.open_items, width=30),
        C(_l("Plan"), lambda r: r.plan, width=30),
    ]


@bp.route("", methods=["GET"])
@review_required
def month():
    """Per writer, each day's 日清 and each week's 周总结 of the month; every report listed."""
    errors: list[str] = []
    sites, site = _site(errors)
    if site is None:
        return render_template("manager_reports/month.html", site=None, sites=sites, errors=errors)
    year, number = month_asked(site, errors)
    data = queries.month_reports(site, year, number)
    names = queries.names_of({r.user_id for r in data.reports} | {w[0] for w in data.writers})
    fmt = exports.requested(errors)
    if fmt:
        title = _("Daily reports and weekly summaries")
        return exports.respond(fmt, f"{title}_{site.name}_{year:04d}-{number:02d}",
                               columns(names, data.states, data.counted_ids), data.reports, tz=site.timezone,
                               title=title)
    previous, following = queries.previous_and_next(year, number)
    return render_template("manager_reports/month.html", site=site, sites=sites, errors=errors, data=data,
                           names=names, year=year, month=number, today=local_today(site.timezone),
                           previous=previous, following=following, kinds=KIND_NAMES, states=STATE_NAMES,
                           timedelta=timedelta)


@bp.route("/<report_id>", methods=["GET"])
@review_required
def show(report_id: str):
    """One report as 《日清表》 or 《周工作总结》, printable on A4; another site's is 404."""
    sites = {s.id: s for s in visible_sites()}
    report = db.session.get(ManagerReport, report_id)
    if report is None or report.deleted_at is not None or report.site_id not in sites:
        abort(404)
    site = sites[report.site_id]
    names = queries.names_of({report.user_id})
    return render_template("manager_reports/show.html", report=report, site=site, names=names,
                           state=queries.state_of(report, site), states=STATE_NAMES,
                           due=queries.due_label(rules.due_at(report.kind, report.period, site.timezone,
                                                              queries.report_settings(site)), site.timezone),
                           sunday=report.period + timedelta(days=6))


@bp.route("/new", methods=["GET", "POST"])
@review_required
def new():
    """Write a 日清 or 周总结 at the desk (``report.submit`` as the desk device)."""
    sites = visible_sites()
    if request.method == "GET":
        site = next((s for s in sites if s.id == request.args.get("site")), sites[0] if sites else None)
        kind = request.args.get("kind") if request.args.get("kind") in rules.KINDS else rules.DAILY
        today = local_today(site.timezone if site else "Asia/Shanghai")
        period = today if kind == rules.DAILY else rules.week_start(today)
        form = {"site_id": site.id if site else "", "kind": kind, "period": period.isoformat()}
        return _form(sites, form)
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    data = {"site_id": form.get("site_id") or None, "kind": form.get("kind") or None,
            "period": (form.get("period") or "").strip() or None}
    data.update({name: form.get(name) or None for name in TEXT_FIELDS})
    ident = new_id()
    try:
        submit(current_user, [("report.submit", ident, {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        return _form(sites, form, refused, 422)
    flash(_("The report was filed."), "success")
    return redirect(url_for("manager_reports.show", report_id=ident))


def _form(sites, form, refused: Refused | None = None, status: int = 200):
    return render_template("manager_reports/new.html", sites=sites, form=form, kinds=KIND_NAMES,
                           error=refused.message if refused else None,
                           error_field=refused.field if refused else None), status
