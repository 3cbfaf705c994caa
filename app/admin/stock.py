"""Admin pages for stores, items and stock movements (出入库), with book quantities."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin import lookups
from app.admin import services
from app.admin.forms import ItemForm
from app.admin.forms import MovementForm
from app.admin.forms import StoreForm
from app.admin.views import form_page
from app.extensions import db
from app.models import Item
from app.models import Site
from app.models import StockMovement
from app.models import Store
from app.models import book_quantities
from app.models import utcnow
from app.scoping import get_scoped_or_404
from app.scoping import scoped

MOVEMENTS_PER_PAGE = 50


@bp.app_template_filter("admin_qty")
def quantity_text(value) -> str:
    """A quantity without trailing zeros: ``12`` and ``0.5``, not ``12.000``."""
    if value is None:
        return ""
    return services.plain_quantity(value)


# --- stores ------------------------------------------------------------------------------

@bp.route("/stores")
def stores():
    """Stores by site with the number of items in use."""
    site = lookups.site_filter()
    stmt = (scoped(Store).add_columns(func.count(Item.id))
            .outerjoin(Item, (Item.store_id == Store.id) & Item.active.is_(True))
            .where(Store.deleted_at.is_(None)).group_by(Store.id))
    if site is not None:
        stmt = stmt.where(Store.site_id == site.id)
    rows = db.session.execute(stmt.join(Site, Site.id == Store.site_id).group_by(Site.name)
                              .order_by(Site.name, Store.name)).all()
    return render_template("admin/stores.html", rows=rows, site=site,
                           sites={s.id: s for s in lookups.visible_sites()})


@bp.route("/stores/new", methods=["GET", "POST"])
def store_new():
    """A new store in one of the admin's sites."""
    site = lookups.site_filter()
    form = StoreForm(site_id=site.id if site else None)
    form.site_id.choices = lookups.site_choices()
    if form.validate_on_submit():
        store = Store(site_id=form.site_id.data, name=form.name.data)
        db.session.add(store)
        db.session.commit()
        flash(_("Store %(name)s created.", name=store.name), "success")
        return redirect(url_for("admin.store", store_id=store.id))
    return form_page("admin/store_form.html", form=form, store=None)


@bp.route("/stores/<store_id>/edit", methods=["GET", "POST"])
def store_edit(store_id):
    """Rename a store."""
    store = get_scoped_or_404(Store, store_id)
    form = StoreForm(obj=store)
    del form.site_id
    if form.validate_on_submit():
        store.name = form.name.data
        db.session.commit()
        flash(_("Store %(name)s saved.", name=store.name), "success")
        return redirect(url_for("admin.store", store_id=store.id))
    return form_page("admin/store_form.html", form=form, store=store,
                     site=db.session.get(Site, store.site_id))


@bp.route("/stores/<store_id>")
def store(store_id):
    """The store's items with their book quantity now and the tolerance that applies."""
    store = get_scoped_or_404(Store, store_id)
    site = db.session.get(Site, store.site_id)
    show_all = request.args.get("all") == "1"
    stmt = scoped(Item).where(Item.store_id == store.id, Item.deleted_at.is_(None))
    if not show_all:
        stmt = stmt.where(Item.active.is_(True))
    items = list(db.session.scalars(stmt.order_by(Item.name)))
    return render_template("admin/store.html", store=store, site=site, items=items,
                           books=book_quantities([i.id for i in items]), show_all=show_all,
                           default_tolerance=site.setting("stock_tolerance").get("default", 0))


# --- items -------------------------------------------------------------------------------

def _sku_taken(store_id: str, sku: str | None, except_id: str | None = None) -> bool:
    if not sku:
        return False
    stmt = scoped(Item).where(Item.store_id == store_id, Item.sku == sku)
    if except_id:
        stmt = stmt.where(Item.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


@bp.route("/items/new", methods=["GET", "POST"])
def item_new():
    """A new item in a store; it belongs to the store's site."""
    preset = request.args.get("store")
    if preset:
        get_scoped_or_404(Store, preset)
    form = ItemForm(store_id=preset)
    form.store_id.choices = lookups.store_choices()
    if form.validate_on_submit():
        store = get_scoped_or_404(Store, form.store_id.data)
        if _sku_taken(store.id, form.sku.data):
            form.sku.errors.append(_("This value is already in use."))
        else:
            item = Item(site_id=store.site_id, store_id=store.id, name=form.name.data, unit=form.unit.data,
                        sku=form.sku.data or None, tolerance=form.tolerance.data,
                        active=bool(form.active.data))
            db.session.add(item)
            db.session.commit()
            flash(_("Item %(name)s created.", name=item.name), "success")
            return redirect(url_for("admin.store", store_id=store.id))
    return form_page("admin/item_form.html", form=form, item=None)


@bp.route("/items/<item_id>/edit", methods=["GET", "POST"])
def item_edit(item_id):
    """Change an item's name, unit, number, tolerance or whether it is in use."""
    item = get_scoped_or_404(Item, item_id)
    form = ItemForm(obj=item)
    del form.store_id
    if form.validate_on_submit():
        if _sku_taken(item.store_id, form.sku.data, item.id):
            form.sku.errors.append(_("This value is already in use."))
        else:
            item.name = form.name.data
            item.unit = form.unit.data
            item.sku = form.sku.data or None
            item.tolerance = form.tolerance.data
            item.active = bool(form.active.data)
            db.session.commit()
            flash(_("Item %(name)s saved.", name=item.name), "success")
            return redirect(url_for("admin.store", store_id=item.store_id))
    return form_page("admin/item_form.html", form=form, item=item, store=item.store)


# --- movements ---------------------------------------------------------------------------

@bp.route("/stores/<store_id>/movements", methods=["GET", "POST"])
def movements(store_id):
    """The store's receipts and issues, newest first, and a form to book one more."""
    store = get_scoped_or_404(Store, store_id)
    site = db.session.get(Site, store.site_id)
    item = None
    if request.args.get("item"):
        item = get_scoped_or_404(Item, request.args["item"])
        if item.store_id != store.id:
            abort(404)
    form = MovementForm(item_id=item.id if item else None)
    if request.method == "GET":
        form.occurred_at.data = services.utc_to_site_time(utcnow(), site.timezone).replace(second=0, microsecond=0)
    form.item_id.choices = lookups.item_choices(store.id)
    errors = {}
    if form.validate_on_submit():
        chosen = get_scoped_or_404(Item, form.item_id.data)
        movement, errors = services.record_movement(chosen, form, current_user, site.timezone)
        if movement is not None:
            db.session.commit()
            flash(_("%(direction)s of %(quantity)s %(unit)s %(item)s booked (%(reference)s).",
                    direction=_("Receipt") if movement.direction == "in" else _("Issue"),
                    quantity=services.plain_quantity(movement.quantity), unit=chosen.unit, item=chosen.name,
                    reference=movement.reference), "success")
            return redirect(url_for("admin.movements", store_id=store.id, item=item.id if item else None))
        db.session.rollback()
        for name, messages in errors.items():
            form[name].errors = list(form[name].errors) + messages
    stmt = scoped(StockMovement).join(Item, Item.id == StockMovement.item_id).where(Item.store_id == store.id)
    if item is not None:
        stmt = stmt.where(StockMovement.item_id == item.id)
    stmt = stmt.options(selectinload(StockMovement.item), selectinload(StockMovement.user))
    page = db.paginate(stmt.order_by(StockMovement.occurred_at.desc(), StockMovement.created_at.desc()),
                       page=request.args.get("page", 1, type=int), per_page=MOVEMENTS_PER_PAGE,
                       error_out=False)
    books = book_quantities([item.id]) if item is not None else {}
    return form_page("admin/movements.html", form=form, store=store, site=site, item=item,
                     page=page, books=books,
                     items=list(db.session.scalars(scoped(Item).where(Item.store_id == store.id)
                                                   .order_by(Item.name))))
