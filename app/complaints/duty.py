"""The duty log (《值班记录表》): every complaint taken at a site on one local day, in the
order it came in, with who took it, how, and what became of it. Printable, and as XLSX
or CSV (``app.complaints.exports``)."""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from app.complaints import bp
from app.complaints import clocks
from app.complaints import exports as files
from app.complaints import queries
from app.complaints.routes import LABELS
from app.extensions import db
from app.models import Complaint
from app.models import utcnow
from app.office import exports
from app.office.access import desk_required
from app.office.filters import chosen_site
from app.office.filters import local_today
from app.office.filters import visible_sites


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(tz))
    return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))


@bp.route("/duty")
@desk_required
def duty():
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors) or (sites[0] if sites else None)
    tz = site.timezone if site else "Asia/Shanghai"
    day = local_today(tz)
    raw = request.args.get("day")
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("The date is not valid; today is shown."))
    rows, handled = [], {}
    if site is not None:
        start, end = day_bounds(day, tz)
        rows = list(db.session.scalars(select(Complaint).where(
            Complaint.site_id == site.id, Complaint.deleted_at.is_(None),
            Complaint.lodged_at >= start, Complaint.lodged_at < end).order_by(Complaint.lodged_at, Complaint.id)))
        handled = clocks.handling(rows, {site.id: site}, utcnow())
    names = queries.names_of([c.user_id for c in rows] + [r.user_id for h in handled.values() for r in h.replies])
    fmt = exports.requested(errors)
    if fmt and site is not None:
        return files.duty_file(fmt, site, day, rows, handled, names)
    return render_template("complaints/duty.html", site=site, sites=sites, day=day, rows=rows, handled=handled,
                           names=names, labels=LABELS, errors=errors,
                           previous=day - timedelta(days=1), following=day + timedelta(days=1))
