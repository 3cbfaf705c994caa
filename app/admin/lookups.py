"""Loading what an admin may see: sites through app.scoping, people through the company.

Site data always goes through ``app.scoping``; people have no site of their own, so they
are limited to the admin's company, which is the same boundary ``visible_site_ids`` draws
for admins.
"""
from flask import abort
from flask import request
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import Building
from app.models import Item
from app.models import Site
from app.models import Store
from app.models import User
from app.scoping import get_scoped_or_404
from app.scoping import scoped


def visible_sites() -> list[Site]:
    """The admin's sites by name."""
    return list(db.session.scalars(scoped(Site).order_by(Site.name)))


def site_choices() -> list[SelectChoice]:
    """The admin's sites as select choices."""
    return [SelectChoice(s.id, s.name) for s in visible_sites()]


def site_filter(arg: str = "site") -> Site | None:
    """The site named by ``?site=`` (404 when not the admin's), or ``None`` for all sites."""
    value = request.args.get(arg)
    if not value:
        return None
    return get_scoped_or_404(Site, value)


def building_choices(site_id: str) -> list[SelectChoice]:
    """Buildings of one site as select choices."""
    stmt = (scoped(Building).where(Building.site_id == site_id, Building.deleted_at.is_(None))
            .order_by(Building.sort, Building.name))
    return [SelectChoice(b.id, b.name) for b in db.session.scalars(stmt)]


def store_choices() -> list[SelectChoice]:
    """Stores of the admin's sites, labelled with their site."""
    stmt = (scoped(Store).add_columns(Site.name).join(Site, Site.id == Store.site_id)
            .where(Store.deleted_at.is_(None)).order_by(Site.name, Store.name))
    return [SelectChoice(store.id, f"{site_name} · {store.name}") for store, site_name in db.session.execute(stmt)]


def item_choices(store_id: str) -> list[SelectChoice]:
    """Items in use in one store as select choices."""
    stmt = (scoped(Item).where(Item.store_id == store_id, Item.active.is_(True),
                               Item.deleted_at.is_(None)).order_by(Item.name))
    return [SelectChoice(i.id, f"{i.name} ({i.unit})") for i in db.session.scalars(stmt)]


def offered(field) -> bool:
    """Whether a select field's value is one of its choices (i.e. one of the admin's)."""
    return any(choice.value == field.data for choice in field.choices or [])


def company_users():
    """``select(User)`` limited to the signed-in admin's company."""
    return select(User).where(User.company_id == current_user.company_id)


def get_user_or_404(user_id: str) -> User:
    """A person of the admin's company, or 404 so that others' people do not leak."""
    if not isinstance(user_id, str) or len(user_id) > 36:
        abort(404)
    user = db.session.get(User, user_id)
    if user is None or user.company_id != current_user.company_id:
        abort(404)
    return user
