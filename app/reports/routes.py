"""``/reports/monthly``: the monthly service report to owners (《月度物业服务报告》) — a chooser
of site and month, and ``/reports/monthly/<site>/<YYYY-MM>``: the report, printable on A4,
as XLSX (``?format=xlsx``, one sheet a section) and as PDF (``?format=pdf``) where
WeasyPrint is installed. For reviewers (managers, supervisors and the quality department,
admins) of the site; another site's report is 404.

Nothing here writes; the figures are ``monthly_service``'s, the tables ``monthly_tables``'.
"""
from __future__ import annotations

from flask import Response
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import error_response
from app.models import utcnow
from app.navigation import add_nav
from app.office import exports
from app.office.access import may_review
from app.office.access import review_required
from app.office.filters import one_site
from app.office.filters import local_today
from app.office.filters import visible_sites
from app.reports import bp
from app.reports import pdf
from app.reports.monthly_service import MonthRefused
from app.reports.monthly_service import month_of
from app.reports.monthly_service import months_available
from app.reports.monthly_service import report
from app.reports.monthly_tables import sections
from app.review import charts
from app.review.labels import CATEGORIES
from app.complaints.routes import LABELS as COMPLAINT_LABELS
from sync.complaint_clocks import RATE_LINE

add_nav(84, "reports.monthly_index", _l("Monthly report"), may_review)


def _refusal(error: MonthRefused) -> str:
    if error.reason == "future":
        return _("That month has not begun yet; a report can be made from its first day.")
    return _("Please give the month as YYYY-MM, e.g. 2026-11.")


def _chooser(sites, site, errors: list[str], status: int = 200):
    today = local_today(site.timezone) if site else None
    months = months_available(site, today) if site else []
    return render_template("reports/monthly_index.html", sites=sites, site=site, months=months, today=today,
                           errors=errors), status


@bp.route("/monthly", methods=["GET"])
@review_required
def monthly_index():
    """Pick a site and a month; ``?month=`` goes straight to that report."""
    errors: list[str] = []
    sites = visible_sites()
    site = one_site(sites, errors)
    raw = (request.args.get("month") or "").strip()
    if site is not None and raw:
        try:
            month = month_of(raw, local_today(site.timezone))
        except MonthRefused as error:
            return _chooser(sites, site, errors + [_refusal(error)], 400)
        return redirect(url_for("reports.monthly", site_id=site.id, month=month.strftime("%Y-%m")))
    return _chooser(sites, site, errors)


@bp.route("/monthly/<site_id>/<month>", methods=["GET"])
@review_required
def monthly(site_id: str, month: str):
    """The report of one site's month; the current month runs to today (截至)."""
    sites = visible_sites()
    site = next((s for s in sites if s.id == site_id), None)
    if site is None:
        return error_response(404)
    try:
        first = month_of(month, local_today(site.timezone))
    except MonthRefused as error:
        return _chooser(sites, site, [_refusal(error)], 400)
    found = report(site, first, utcnow())
    fmt = (request.args.get("format") or "").strip().lower()
    name = f"{_('Monthly service report')}_{site.name}_{first.strftime('%Y-%m')}"
    if fmt == "xlsx":
        return _workbook(name, found)
    if fmt == "pdf" and not pdf.available():
        return error_response(404, _("The PDF needs WeasyPrint on the server; print the page from the browser "
                                     "instead (the administrator can install it: pip install weasyprint)."))
    errors = []
    if fmt and fmt not in ("xlsx", "pdf"):
        errors.append(_("The report can be downloaded as Excel or PDF only; the page is shown instead."))
    html = render_template("reports/monthly.html", r=found, sections=sections(found), charts=_charts(found),
                           errors=errors, pdf_available=pdf.available(), rate_line=RATE_LINE,
                           for_pdf=fmt == "pdf")
    if fmt == "pdf":
        body = pdf.render(html, current_app.static_folder, current_app.static_url_path.rstrip("/") + "/")
        response = Response(body, mimetype="application/pdf")
        response.headers["Content-Disposition"] = exports.filename_header(name, "pdf")
        response.headers["Cache-Control"] = "no-store"
        return response
    return html


def _charts(r) -> dict:
    """The four charts, drawn on the server; every bar carries its number for greyscale."""
    weeks = [f"{a.month}/{a.day}–{b.month}/{b.day}" if a != b else f"{a.month}/{a.day}" for a, b in r.weeks]
    rates = [None if v is None else round(v * 100, 1) for v in r.complaints.weekly_rate]
    month_rate = r.complaints.rate.value
    return {
        "visits": charts.labelled_bars(
            weeks, [charts.Series(_("Visitor registrations"), [n for _a, _b, n in r.gate.by_week], "bar-a")],
            _("Visitors per week")),
        "findings": charts.labelled_bars(
            [str(CATEGORIES[c]) for c in r.patrols.findings],
            [charts.Series(_("Findings"), list(r.patrols.findings.values()), "bar-b")],
            _("Findings by category")),
        "classes": charts.labelled_bars(
            [str(COMPLAINT_LABELS["kinds"][k]) for k in r.complaints.by_class],
            [charts.Series(_("Complaints"), list(r.complaints.by_class.values()), "bar-c")],
            _("Complaints by class")),
        "rate": charts.labelled_bars(
            weeks + [_("Whole month")],
            [charts.Series(_("Timely-handling rate"),
                           rates + [None if month_rate is None else round(month_rate * 100, 1)], "bar-b")],
            _("Timely-handling rate and the 90 % line"), target=RATE_LINE * 100,
            percent=True),
    }


def _workbook(name: str, r):
    """One sheet a section; each section's tables one under another, a blank line between."""
    title = _("Monthly service report")
    period = _("as of %(day)s", day=r.through.isoformat()) if r.through else ""
    sheets = []
    for section in sections(r):
        first, *rest = section.tables
        rows = [list(row) for row in first.rows]
        for table in rest:
            rows += [[], list(table.headers)] + [list(row) for row in table.rows]
        columns = [exports.Column(h, lambda row: row, width=40 if i == 0 else 14)
                   for i, h in enumerate(first.headers)]
        sheets.append((section.title, columns, rows,
                       [[f"《{title}》", r.site.name, r.month.strftime("%Y-%m")] + ([period] if period else [])]))
    return exports.workbook(name, sheets)
