"""Tenant registration at the desk: one site's rental households with its awareness rate
against the 100 % target, and the form for one household.
Who may: ``app.office.access.may_use_desk``."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.views import form_page
from app.extensions import db
from app.models import Site
from app.models.frontdesk import RentalHousehold
from app.office import exports
from app.office import filters
from app.office.access import desk_required
from app.office.values import as_lines
from app.office.values import unit_or_error
from app.scoping import get_scoped_or_404
from app.tenants import bp
from app.tenants import queries
from app.tenants.forms import HouseholdForm
from app.tenants.rules import TARGET

FIELDS = ("tenant_names", "tenant_count", "move_in_on", "registered", "registered_on", "informed",
          "informed_on", "moved_out_on", "note")


@bp.route("")
@desk_required
def index():
    """One site's awareness rate, and its households: by default those not yet informed or
    registered, the ones the desk still has to call on."""
    errors: list[str] = []
    sites = filters.visible_sites()
    site = filters.chosen_site(sites, errors) or (sites[0] if sites else None)
    show = request.args.get("show", "missing")
    if show not in queries.SHOWS:
        errors.append(_("Unknown choice; showing the households not yet informed or registered."))
        show = "missing"
    fmt = exports.requested(errors)
    if fmt and site is not None:
        title = _("Tenant registration")
        return exports.respond(fmt, f"{title}_{site.name}", export_columns(), queries.households(site.id, show),
                               tz=site.timezone, title=title)
    rows = queries.households(site.id, show) if site else []
    rate = queries.rates([site.id])[site.id] if site else None
    return render_template("tenants/index.html", site=site, sites=sites, errors=errors, show=show,
                           households=rows, rate=rate, target=TARGET)


def export_columns() -> list[exports.Column]:
    """A site's rental households as a file, days as date cells, as the list shows them."""
    C = exports.Column

    def done(flag, day, missing):
        return (day or _("Yes")) if flag else missing

    return [
        C(_l("Unit"), lambda h: h.unit.code, width=10),
        C(_l("Number of tenants"), lambda h: h.tenant_count, "number", 6),
        C(_l("Tenants"), lambda h: "、".join(h.tenant_names or []), width=24),
        C(_l("Moved in"), lambda h: h.move_in_on, "date", 11),
        C(_l("Informed"), lambda h: done(h.informed, h.informed_on, _("Not informed")), "date", 11),
        C(_l("Registered"), lambda h: done(h.registered, h.registered_on, _("Not registered")), "date", 11),
        C(_l("Moved out"), lambda h: h.moved_out_on, "date", 11),
    ]


@bp.route("/new", methods=["GET", "POST"])
@desk_required
def household_new():
    sites = filters.visible_sites()
    chosen = filters.chosen_site(sites, []) or (sites[0] if sites else None)
    form = HouseholdForm(site_id=chosen.id if chosen else None)
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites]
    if form.validate_on_submit():
        target = get_scoped_or_404(Site, form.site_id.data)
        unit = unit_or_error(form, target.id)
        if unit is not None:
            row = RentalHousehold(site_id=target.id, unit_id=unit.id, created_by=current_user.id)
            _save(row, form)
            db.session.add(row)
            db.session.commit()
            flash(_("Rental household of %(unit)s saved.", unit=unit.code), "success")
            return redirect(url_for("tenants.index", site=target.id))
    return form_page("tenants/household_form.html", form=form, household=None)


@bp.route("/<household_id>", methods=["GET", "POST"])
@desk_required
def household(household_id):
    """Edit a household (its site stays): registered, told, moved out."""
    row = get_scoped_or_404(RentalHousehold, household_id)
    data = {name: getattr(row, name) for name in FIELDS}
    data.update(unit=row.unit.code, tenant_names=as_lines(row.tenant_names))
    form = HouseholdForm(data=data)
    del form.site_id
    if form.validate_on_submit():
        unit = unit_or_error(form, row.site_id)
        if unit is not None:
            row.unit_id = unit.id
            _save(row, form)
            db.session.commit()
            flash(_("Rental household of %(unit)s saved.", unit=unit.code), "success")
            return redirect(url_for("tenants.index", site=row.site_id))
    return form_page("tenants/household_form.html", form=form, household=row,
                     site=db.session.get(Site, row.site_id))


def _save(row: RentalHousehold, form) -> None:
    for name in FIELDS:
        setattr(row, name, getattr(form, name).data)
    row.note = row.note or None
    if not row.registered:
        row.registered_on = None
    if not row.informed:
        row.informed_on = None
