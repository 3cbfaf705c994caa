"""Search (搜索): one box over visitors, findings, follow-ups, complaints and units of the
user's sites (or the site chosen in the switcher)."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from app.office.access import review_required
from app.office.filters import parse
from app.review import bp
from app.review import finder
from app.review import labels
from app.review import links

GROUP_TITLES = {
    "visits": _l("Visitors"), "findings": _l("Patrol findings"), "followups": _l("Follow-ups"),
    "complaints": _l("Complaints"), "units": _l("Units and residents"),
}


@bp.route("/search")
@review_required
def search():
    f = parse(people=False)
    groups, too_short = [], False
    if f.q:
        too_short = not finder.long_enough(f.q)
        if not too_short:
            groups = finder.search(f.q, f.site_ids)
    return render_template("review/search.html", f=f, groups=groups, too_short=too_short,
                           titles=GROUP_TITLES, labels=labels, links=links,
                           site_names={s.id: s.name for s in f.sites}, site_tz={s.id: s.timezone for s in f.sites},
                           total=sum(g.count for g in groups), finder_days=finder.VISIT_DAYS)
