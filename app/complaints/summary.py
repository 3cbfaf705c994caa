"""The month's complaint summary (《客户投诉汇总及处理情况表》) per site, with the
timely-handling rate and its late complaints, the common-interest complaints for the
monthly service report to owners (《月度物业服务报告》), and the form as XLSX and CSV
for the management department (``app.complaints.exports``)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import abort
from flask import render_template
from flask import request

from app.complaints import bp
from app.complaints import clocks
from app.complaints import exports as files
from app.complaints import queries
from app.complaints.routes import LABELS
from app.models import utcnow
from app.office import exports
from app.office.access import desk_required
from app.office.filters import chosen_site
from app.office.filters import asked_month
from app.office.filters import visible_sites


def _latest(handling):
    return handling.replies[-1] if handling.replies else None


@bp.route("/summary")
@desk_required
def summary():
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors) or (sites[0] if sites else None)
    if site is None:
        abort(404)
    month = asked_month(site.timezone, errors)
    result = clocks.month_rate(site, month, utcnow())
    by_kind = Counter(h.complaint.kind for h in result.all)
    by_category = Counter(h.complaint.category or "other" for h in result.all)
    fmt = exports.requested(errors)
    if fmt:
        return files.summary_file(fmt, site, month, result)
    names = queries.names_of([h.complaint.user_id for h in result.all])
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template(
        "complaints/summary.html", site=site, sites=sites, month=month, result=result, by_kind=by_kind,
        by_category=by_category, common=[h for h in result.all if h.complaint.common_interest],
        names=names, labels=LABELS, errors=errors, latest=_latest, previous=previous, following=following,
        now=utcnow(),
        late_only=request.args.get("late") == "1")
