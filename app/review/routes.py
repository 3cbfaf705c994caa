"""The dashboard: today at each of the chosen sites, who holds what is late, and trends.

Every number links to the list behind it, filtered the same way.
"""
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from app.complaints import clocks as complaint_clocks
from app.followups import labels
from app.models import utcnow
from app.navigation import add_nav
from app.office import filters
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.review import bp
from app.review import charts
from app.decoration import queries as permit_queries
from app.review import dashboard as numbers
from app.tenants import queries as tenant_rates
from app.tenants.rules import combined
from app.review.daytime import today

add_nav(20, "review.dashboard", _l("Dashboard"), REVIEW_ROLES)


def link(endpoint: str, **args) -> str | None:
    """The URL of a list, or ``None`` when that page is not part of this installation."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **{k: v for k, v in args.items() if v not in (None, "")})
    except BuildError:
        return None


@bp.route("")
@review_required
def dashboard():
    f = filters.parse(people=False)
    days = 30 if request.args.get("days") == "30" else 7
    now = utcnow()
    rows = numbers.site_days([s for s in f.sites if s.id in f.site_ids], f.tz, now)
    day = today(f.tz).isoformat()
    trend = numbers.trends(f.site_ids, f.tz, days, now)
    chart_list = [
        charts.bars(trend["days"], [charts.Series(_("Visitors"), trend["visits"], "bar-a")],
                    _("Visitors per day")),
        charts.bars(trend["days"], [charts.Series(_("Patrols"), trend["patrols"], "bar-b")],
                    _("Patrols per day")),
        charts.bars(trend["days"], [charts.Series(_("Opened"), trend["opened"], "bar-c"),
                                    charts.Series(_("Resolved"), trend["resolved"], "bar-b")],
                    _("Follow-ups opened and resolved")),
        charts.bars(trend["days"], [charts.Series(_("On time"), trend["rate"], "bar-b")],
                    _("Timely-handling rate by due day (line: 90 %)"), target=numbers.TIMELY_TARGET,
                    percent=True),
    ]
    complaint_rates = [complaint_clocks.month_rate(r.site, today(r.site.timezone).replace(day=1), now) for r in rows]
    awareness = combined(tenant_rates.rates(f.site_ids).values())
    permits_today = permit_queries.in_force_count(f.site_ids, today(f.tz))
    on_time = sum(r.timely[0] for r in rows)
    due = sum(r.timely[1] for r in rows)
    return render_template(
        "review/dashboard.html", f=f, rows=rows, day=day, days=days, charts=chart_list,
        owners=numbers.owners(f.site_ids, now), findings=numbers.open_findings(f.site_ids), link=link,
        sites={s.id: s for s in f.sites}, labels=labels, now=now, target=numbers.TIMELY_TARGET,
        timely_rate=(100.0 * on_time / due) if due else None, timely=(on_time, due),
        complaint_rates=complaint_rates, awareness=awareness, permits_today=permits_today)
