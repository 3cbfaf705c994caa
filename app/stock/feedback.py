"""The month's material quality feedback form (《物资质量使用反馈单》) at the desk: a site's
defective pieces per item over its local month, on a page and as XLSX or CSV.

The sums are ``app.reports.material_feedback`` (which the ``reports material-feedback``
command also prints); the columns are here, shared by the page's files and the command.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.office import exports
from app.office.access import review_required
from app.office.filters import asked_month
from app.office.filters import chosen_site
from app.office.filters import visible_sites
from app.reports.material_feedback import feedback_rows
from app.stock import bp


def columns() -> list[exports.Column]:
    """The form's columns; the defective quantity is a number (``2.5``, ``3``)."""
    C = exports.Column
    return [
        C(_l("Site"), lambda r: r.site, width=12),
        C(_l("Store"), lambda r: r.store, width=16),
        C(_l("Item"), lambda r: r.item, width=20),
        C(_l("Unit of measure"), lambda r: r.unit, width=8),
        C(_l("Defective quantity"), lambda r: r.defective_qty, "number", 10),
        C(_l("Number of counts"), lambda r: r.counts, "number", 8),
        C(_l("Notes"), lambda r: r.notes, width=40),
    ]


@bp.route("/feedback")
@review_required
def feedback():
    """One site's month (this month unless asked), and its files."""
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors) or (sites[0] if sites else None)
    if site is None:
        abort(404)
    month = asked_month(site.timezone, errors)
    rows = feedback_rows(month.year, month.month, site.code)
    fmt = exports.requested(errors)
    if fmt:
        title = _("Material quality feedback form")
        preamble = ([[f"《{title}》"], [_("Site"), site.name, _("Month"), f"{month:%Y-%m}"]]
                    if fmt == "xlsx" else None)
        return exports.respond(fmt, f"{title}_{site.name}_{month:%Y-%m}", columns(), rows, tz=site.timezone,
                               title=title, preamble=preamble)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template("stock/feedback.html", site=site, sites=sites, month=month, rows=rows,
                           columns=columns(), errors=errors, previous=previous, following=following)
