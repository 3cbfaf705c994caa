"""The one place that limits site data to the signed-in user's sites.

Admins see every site of their company; everyone else sees the sites they are posted to.
Views and the API call these helpers instead of filtering by hand.
"""
from flask import abort
from flask import g
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Site


def acting_user():
    """The API's token user when there is one, else the desktop session's user."""
    user = getattr(g, "api_user", None)
    if user is not None:
        return user
    return current_user if current_user.is_authenticated else None


def visible_site_ids(user=None) -> list[str]:
    user = user or acting_user()
    if user is None:
        return []
    if user.role == "admin":
        return list(db.session.scalars(select(Site.id).where(
            Site.company_id == user.company_id, Site.deleted_at.is_(None))))
    return [s.id for s in user.sites if s.deleted_at is None]


def scoped(model, user=None):
    """``select(model)`` limited to the user's sites (``model`` must have ``site_id``)."""
    column = model.id if model is Site else model.site_id
    return select(model).where(column.in_(visible_site_ids(user)))


def get_scoped_or_404(model, ident, user=None):
    """The row if it exists and is in the user's sites; 404 otherwise, so nothing leaks."""
    if not isinstance(ident, str) or len(ident) > 36:
        abort(404)
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    site_id = row.id if model is Site else row.site_id
    if site_id not in visible_site_ids(user):
        abort(404)
    return row


def require_site(site_id, user=None) -> Site:
    """A site id named in a request body: 403 when it is not one of the user's sites."""
    if not isinstance(site_id, str) or site_id not in visible_site_ids(user):
        abort(403)
    return db.session.get(Site, site_id)
