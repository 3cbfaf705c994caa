"""The admin area's gate, its navigation entry and its overview page.

Every view of the blueprint is for role ``admin`` only; the check is made once here,
before any view runs, so a view added later cannot forget it.
"""
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy import select

from app.admin import bp
from app.admin import lookups
from app.extensions import db
from app.models import Checkpoint
from app.models import Item
from app.models import Route
from app.models import Store
from app.models import Unit
from app.navigation import add_nav

add_nav(90, "admin.index", _l("Administration"), ("admin",))


@bp.before_request
def admins_only():
    """Anonymous visitors go to sign-in; signed-in people who are not admins get 403."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if current_user.role != "admin":
        abort(403)
    return None


def _counts(model, site_ids) -> dict[str, int]:
    stmt = (select(model.site_id, func.count(model.id))
            .where(model.site_id.in_(site_ids), model.deleted_at.is_(None))
            .group_by(model.site_id))
    return dict(db.session.execute(stmt).all())


@bp.route("/")
def index():
    """One row per site with what is configured there, and links to each section."""
    sites = lookups.visible_sites()
    ids = [s.id for s in sites]
    counts = {name: _counts(model, ids) for name, model in (
        ("units", Unit), ("checkpoints", Checkpoint), ("routes", Route),
        ("stores", Store), ("items", Item))}
    return render_template("admin/index.html", sites=sites, counts=counts)
