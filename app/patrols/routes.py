"""Patrol pages of the office: the list of rounds, one round, and the patrol plans."""
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin.views import form_page
from app.extensions import db
from app.models import Patrol
from app.models import Route
from app.models import Site
from app.navigation import add_nav
from app.office import exports
from app.office import filters
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.patrols import bp
from app.patrols import detail as details
from app.patrols import plans as planning
from app.patrols import queries
from app.patrols import text
from app.patrols.forms import PlanForm
from app.scoping import get_scoped_or_404

add_nav(30, "patrols.index", _l("Patrols"), REVIEW_ROLES)

CATEGORIES = {"security": _l("Security"), "cleaning": _l("Cleaning"), "repair": _l("Repair"),
              "greenery": _l("Greenery"), "fire": _l("Fire safety"), "parking": _l("Parking"),
              "other": _l("Other")}
SEVERITIES = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
FOLLOWUP_STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                     "closed": _l("Closed")}
CLOCK_FLAGS = {"skewed": _l("Phone clock was off"), "future": _l("Time in the future, clamped")}


@bp.context_processor
def helpers():
    """Wording the patrol templates share."""
    return {"span": text.span, "correction": text.correction, "categories": CATEGORIES,
            "severities": SEVERITIES, "followup_statuses": FOLLOWUP_STATUSES, "clock_flags": clock_flags,
            "followup_url": followup_url}


def clock_flags(value: str | None) -> list[str]:
    return [str(CLOCK_FLAGS.get(flag, flag)) for flag in (value or "").split(",") if flag]


def followup_url(followup_id: str) -> str:
    """The follow-up's page (the follow-up desk may not have its detail page yet)."""
    if "followups.detail" in current_app.view_functions:
        return url_for("followups.detail", followup_id=followup_id)
    return f"/followups/{followup_id}"


@bp.route("")
@review_required
def index():
    f = filters.parse(statuses=[s for s, _label in queries.STATUSES], sorts=queries.SORTS,
                      default_sort="-start", default_days=7)
    route_id = queries.chosen_route(f, request.args.get("route") or "")
    fmt = exports.requested(f.errors)
    if fmt:
        stmt = queries.patrol_query(f, route_id)
        return exports.download(fmt, _("Patrols"), f, export_columns(), exports.streamed(stmt),
                                tz=lambda row: row.tz, counted=stmt)
    return render_template("patrols/index.html", f=f, page=queries.patrol_list(f, route_id), route_id=route_id,
                           routes=queries.site_routes(f.site_ids), people=filters.site_people(f.site_ids),
                           statuses=queries.STATUSES)


def export_columns() -> list[exports.Column]:
    """The patrol list as a file: one line per round, counts as numbers."""
    C = exports.Column

    def minutes(row):
        return round((row.ended_at - row.started_at).total_seconds() / 60) if row.ended_at else None

    return [
        C(_l("Started"), lambda r: r.started_at, "datetime", 17),
        C(_l("Ended"), lambda r: r.ended_at, "datetime", 17),
        C(_l("Site"), lambda r: r.site_name, width=14),
        C(_l("Route"), lambda r: r.route_name or _("Free round"), width=16),
        C(_l("Walked by"), lambda r: r.person, width=12),
        C(_l("Duration (minutes)"), minutes, "number", 10),
        C(_l("Checkpoints reached"), lambda r: r.visited, "number", 10),
        C(_l("Checkpoints on the route"), lambda r: r.planned if r.route_id else None, "number", 10),
        C(_l("Missed"), lambda r: r.missed if r.ended_at and r.route_id else None, "number", 8),
        C(_l("Findings"), lambda r: r.findings, "number", 8),
        C(_l("Open findings"), lambda r: r.open_findings, "number", 8),
        C(_l("Clock"), lambda r: "；".join(clock_flags(r.clock_flag)), width=20),
    ]


@bp.route("/<patrol_id>")
@review_required
def detail(patrol_id):
    patrol = get_scoped_or_404(Patrol, patrol_id)
    if patrol.deleted_at is not None:
        abort(404)
    return render_template("patrols/detail.html", r=details.load(patrol))


@bp.route("/plans")
@review_required
def plans():
    f = filters.parse(people=False)
    shown = [s for s in f.sites if s.id in f.site_ids]
    return render_template("patrols/plans.html", f=f, blocks=planning.overview(shown),
                           may_edit=lambda site: planning.may_edit_plans(current_user, site.id),
                           per_day=planning.per_day)


@bp.route("/plans/<route_id>", methods=["GET", "POST"])
@review_required
def plan_edit(route_id):
    route = get_scoped_or_404(Route, route_id)
    if route.deleted_at is not None:
        abort(404)
    editable = planning.may_edit_plans(current_user, route.site_id)
    if request.method == "POST" and not editable:
        abort(403)
    form = PlanForm(obj=route, people=planning.walker_choices(route.site_id))
    if request.method == "GET" and not route.walker_role:
        form.walker_role.data = "guard"
    if form.validate_on_submit():
        planning.save(route, form)
        flash(_("The plan of %(name)s is saved.", name=route.name), "success")
        return redirect(url_for("patrols.plans", site=route.site_id))
    site = db.session.get(Site, route.site_id)
    return form_page("patrols/plan_form.html", form=form, route=route, editable=editable, site=site,
                     grace=planning.grace_minutes(site))
