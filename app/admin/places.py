"""Admin pages for checkpoints (巡更点), routes and the printable QR sheet of a route."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin import lookups
from app.admin import services
from app.admin.forms import ActionForm
from app.admin.forms import CheckpointForm
from app.admin.forms import RouteForm
from app.admin.forms import split_codes
from app.admin.qr import qr_svg
from app.admin.views import commit_or_error
from app.admin.views import form_page
from app.extensions import db
from app.models import Checkpoint
from app.models import Route
from app.models import RouteCheckpoint
from app.models import Site
from app.scoping import get_scoped_or_404
from app.scoping import scoped


def _sites_by_id() -> dict[str, Site]:
    return {s.id: s for s in lookups.visible_sites()}


# --- checkpoints -------------------------------------------------------------------------

@bp.route("/checkpoints")
def checkpoints():
    """Checkpoints by site and status."""
    site = lookups.site_filter()
    status = request.args.get("status", "active")
    stmt = scoped(Checkpoint).where(Checkpoint.deleted_at.is_(None))
    if site is not None:
        stmt = stmt.where(Checkpoint.site_id == site.id)
    if status == "active":
        stmt = stmt.where(Checkpoint.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Checkpoint.active.is_(False))
    rows = list(db.session.scalars(stmt.join(Site, Site.id == Checkpoint.site_id).order_by(Site.name, Checkpoint.code)))
    return render_template("admin/checkpoints.html", checkpoints=rows, site=site, status=status,
                           sites=_sites_by_id(), action=ActionForm())


def _checkpoint_code_taken(code: str, except_id: str | None = None) -> bool:
    stmt = select(func.count(Checkpoint.id)).where(func.upper(Checkpoint.code) == code.upper())
    if except_id:
        stmt = stmt.where(Checkpoint.id != except_id)
    return db.session.scalar(stmt) > 0


@bp.route("/checkpoints/new", methods=["GET", "POST"])
def checkpoint_new():
    """A new checkpoint; its code must be unique across all sites."""
    site = lookups.site_filter()
    form = CheckpointForm(site_id=site.id if site else None)
    form.site_id.choices = lookups.site_choices()
    if form.validate_on_submit():
        if _checkpoint_code_taken(form.code.data):
            form.code.errors.append(_("This value is already in use."))
        else:
            point = Checkpoint(active=True)
            form.populate_obj(point)
            point.description = point.description or None
            db.session.add(point)
            if commit_or_error(form.code):
                flash(_("Checkpoint %(code)s created.", code=point.code), "success")
                return redirect(url_for("admin.checkpoints", site=point.site_id))
    return form_page("admin/checkpoint_form.html", form=form, checkpoint=None)


@bp.route("/checkpoints/<checkpoint_id>/edit", methods=["GET", "POST"])
def checkpoint_edit(checkpoint_id):
    """The site of a checkpoint stays fixed: routes of that site walk through it."""
    point = get_scoped_or_404(Checkpoint, checkpoint_id)
    form = CheckpointForm(obj=point)
    del form.site_id
    if form.validate_on_submit():
        if _checkpoint_code_taken(form.code.data, point.id):
            form.code.errors.append(_("This value is already in use."))
        else:
            form.populate_obj(point)
            point.description = point.description or None
            if commit_or_error(form.code):
                flash(_("Checkpoint %(code)s saved.", code=point.code), "success")
                return redirect(url_for("admin.checkpoints", site=point.site_id))
    return form_page("admin/checkpoint_form.html", form=form, checkpoint=point,
                     site=db.session.get(Site, point.site_id))


@bp.route("/checkpoints/<checkpoint_id>/deactivate", methods=["POST"])
def checkpoint_deactivate(checkpoint_id):
    """Take a checkpoint out of use; phones drop it at their next sync."""
    return _set_checkpoint_active(checkpoint_id, False)


@bp.route("/checkpoints/<checkpoint_id>/activate", methods=["POST"])
def checkpoint_activate(checkpoint_id):
    """Put a deactivated checkpoint back in use."""
    return _set_checkpoint_active(checkpoint_id, True)


def _set_checkpoint_active(checkpoint_id: str, active: bool):
    point = get_scoped_or_404(Checkpoint, checkpoint_id)
    point.active = active
    db.session.commit()
    if active:
        flash(_("Checkpoint %(code)s is in use again.", code=point.code), "success")
    else:
        flash(_("Checkpoint %(code)s deactivated.", code=point.code), "success")
    return redirect(url_for("admin.checkpoints", site=point.site_id))


# --- routes ------------------------------------------------------------------------------

@bp.route("/routes")
def routes():
    """Routes by site, with their stops in order."""
    site = lookups.site_filter()
    stmt = scoped(Route).where(Route.deleted_at.is_(None))
    if site is not None:
        stmt = stmt.where(Route.site_id == site.id)
    stmt = stmt.options(selectinload(Route.stops).selectinload(RouteCheckpoint.checkpoint))
    rows = list(db.session.scalars(stmt.join(Site, Site.id == Route.site_id).order_by(Site.name, Route.name)))
    return render_template("admin/routes.html", routes=rows, site=site, sites=_sites_by_id())


def _site_checkpoints(site_id: str | None) -> list[Checkpoint]:
    if not site_id:
        return []
    stmt = scoped(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.deleted_at.is_(None),
                                    Checkpoint.active.is_(True)).order_by(Checkpoint.code)
    return list(db.session.scalars(stmt))


def _save_route(route: Route, form: RouteForm, site_id: str) -> bool:
    """Fill the route from the form; ``False`` with messages on ``codes`` when a code is bad."""
    ids, errors = services.resolve_codes(site_id, split_codes(form.codes.data))
    if errors:
        form.codes.errors = list(form.codes.errors) + errors
        return False
    route.name = form.name.data
    route.window_start = form.window_start.data or None
    route.window_end = form.window_end.data or None
    route.active = bool(form.active.data)
    route.set_checkpoints(ids)
    return True


@bp.route("/routes/new", methods=["GET", "POST"])
def route_new():
    """A new route from checkpoint codes typed or picked in order."""
    site = lookups.site_filter()
    form = RouteForm(site_id=site.id if site else None)
    form.site_id.choices = lookups.site_choices()
    if form.validate_on_submit():
        route = Route(site_id=form.site_id.data)
        if _save_route(route, form, route.site_id):
            db.session.add(route)
            db.session.commit()
            flash(_("Route %(name)s created.", name=route.name), "success")
            return redirect(url_for("admin.routes", site=route.site_id))
    chosen = form.site_id.data if lookups.offered(form.site_id) else None
    return form_page("admin/route_form.html", form=form, route=None,
                     checkpoints=_site_checkpoints(chosen))


@bp.route("/routes/<route_id>/edit", methods=["GET", "POST"])
def route_edit(route_id):
    """Rename a route, change its window or its stops."""
    route = get_scoped_or_404(Route, route_id)
    form = RouteForm(obj=route)
    del form.site_id
    if request.method == "GET":
        form.codes.data = "\n".join(stop.checkpoint.code for stop in route.stops)
    if form.validate_on_submit() and _save_route(route, form, route.site_id):
        db.session.commit()
        flash(_("Route %(name)s saved.", name=route.name), "success")
        return redirect(url_for("admin.routes", site=route.site_id))
    return form_page("admin/route_form.html", form=form, route=route,
                     site=db.session.get(Site, route.site_id),
                     checkpoints=_site_checkpoints(route.site_id))


@bp.route("/routes/<route_id>/qr")
def route_qr(route_id):
    """An A4 sheet to print: one card per active checkpoint of the route, in walking order."""
    route = get_scoped_or_404(Route, route_id)
    cards, skipped, seen = [], [], set()
    for stop in route.stops:
        point = stop.checkpoint
        if point.id in seen:
            continue
        seen.add(point.id)
        if point.is_gone():
            skipped.append(point)
            continue
        cards.append({"position": len(cards) + 1, "name": point.name, "code": point.code,
                      "svg": qr_svg(point.code)})
    return render_template("admin/route_qr.html", route=route, cards=cards, skipped=skipped,
                           site=db.session.get(Site, route.site_id))
