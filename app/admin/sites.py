"""Admin pages for sites, their settings, buildings and units, and the CSV import of units."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin import lookups
from app.admin import services
from app.admin.forms import BuildingForm
from app.admin.forms import SiteForm
from app.admin.forms import SiteSettingsForm
from app.admin.forms import UnitForm
from app.admin.forms import UnitImportForm
from app.admin.views import commit_or_error
from app.admin.views import form_page
from app.extensions import db
from app.models import Building
from app.models import Site
from app.models import Unit
from app.scoping import get_scoped_or_404
from app.scoping import scoped

UNITS_PER_PAGE = 50


# --- sites -------------------------------------------------------------------------------

@bp.route("/sites")
def sites():
    """Every site of the company with its main settings."""
    return render_template("admin/sites.html", sites=lookups.visible_sites())


def _site_code_taken(code: str, except_id: str | None = None) -> bool:
    stmt = select(func.count(Site.id)).where(func.upper(Site.code) == code.upper())
    if except_id:
        stmt = stmt.where(Site.id != except_id)
    return db.session.scalar(stmt) > 0


@bp.route("/sites/new", methods=["GET", "POST"])
def site_new():
    """A new site of the admin's company; its settings start from the defaults."""
    form = SiteForm()
    if form.validate_on_submit():
        if _site_code_taken(form.code.data):
            form.code.errors.append(_("This value is already in use."))
        else:
            site = Site(company_id=current_user.company_id, settings={})
            form.populate_obj(site)
            site.address = site.address or None
            db.session.add(site)
            if commit_or_error(form.code):
                flash(_("Site %(name)s created.", name=site.name), "success")
                return redirect(url_for("admin.site_settings", site_id=site.id))
    return form_page("admin/site_form.html", form=form, site=None)


@bp.route("/sites/<site_id>/edit", methods=["GET", "POST"])
def site_edit(site_id):
    """Change a site's name, code, address or time zone."""
    site = get_scoped_or_404(Site, site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        if _site_code_taken(form.code.data, site.id):
            form.code.errors.append(_("This value is already in use."))
        else:
            form.populate_obj(site)
            site.address = site.address or None
            if commit_or_error(form.code):
                flash(_("Site %(name)s saved.", name=site.name), "success")
                return redirect(url_for("admin.sites"))
    return form_page("admin/site_form.html", form=form, site=site)


@bp.route("/sites/<site_id>/settings", methods=["GET", "POST"])
def site_settings(site_id):
    """Gate windows, clocks and other settings, merged with the defaults."""
    site = get_scoped_or_404(Site, site_id)
    if request.method == "POST":
        form = SiteSettingsForm()
    else:
        form = SiteSettingsForm(data=services.settings_form_data(site))
        form.gate_windows.append_entry()  # one empty row to add a window
    if form.validate_on_submit():
        services.apply_settings(site, form)
        db.session.commit()
        flash(_("Settings of %(name)s saved.", name=site.name), "success")
        return redirect(url_for("admin.site_settings", site_id=site.id))
    return form_page("admin/site_settings.html", form=form, site=site)


# --- buildings and units -----------------------------------------------------------------

def _site_or_first(site: Site | None) -> Site | None:
    if site is not None:
        return site
    sites = lookups.visible_sites()
    return sites[0] if sites else None


@bp.route("/buildings")
def buildings():
    """A site's buildings beside its units, paged, filtered by building or unit code."""
    site = _site_or_first(lookups.site_filter())
    if site is None:
        return render_template("admin/buildings.html", site=None, sites=[], buildings=[])
    building_rows = db.session.execute(
        scoped(Building).add_columns(func.count(Unit.id))
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.site_id == site.id, Building.deleted_at.is_(None))
        .group_by(Building.id).order_by(Building.sort, Building.name)).all()
    building = None
    if request.args.get("building"):
        building = get_scoped_or_404(Building, request.args["building"])
        if building.site_id != site.id:
            building = None
    query = (request.args.get("q") or "").strip()[:32]
    stmt = scoped(Unit).where(Unit.site_id == site.id, Unit.deleted_at.is_(None))
    if building is not None:
        stmt = stmt.where(Unit.building_id == building.id)
    if query:
        stmt = stmt.where(Unit.code.contains(query, autoescape=True))
    stmt = stmt.options(selectinload(Unit.building))
    page = db.paginate(stmt.order_by(Unit.code), page=request.args.get("page", 1, type=int),
                       per_page=UNITS_PER_PAGE, error_out=False)
    return render_template("admin/buildings.html", site=site, sites=lookups.visible_sites(),
                           buildings=building_rows, building=building, query=query, page=page)


@bp.route("/sites/<site_id>/buildings/new", methods=["GET", "POST"])
def building_new(site_id):
    """A new building in a site."""
    site = get_scoped_or_404(Site, site_id)
    form = BuildingForm()
    if form.validate_on_submit():
        building = Building(site_id=site.id, name=form.name.data, sort=form.sort.data or 0)
        if _building_name_taken(site.id, building.name):
            form.name.errors.append(_("This value is already in use."))
        else:
            db.session.add(building)
            if commit_or_error(form.name):
                flash(_("Building %(name)s created.", name=building.name), "success")
                return redirect(url_for("admin.buildings", site=site.id))
    return form_page("admin/building_form.html", form=form, site=site, building=None)


def _building_name_taken(site_id: str, name: str, except_id: str | None = None) -> bool:
    stmt = scoped(Building).where(Building.site_id == site_id, Building.name == name)
    if except_id:
        stmt = stmt.where(Building.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


@bp.route("/buildings/<building_id>/edit", methods=["GET", "POST"])
def building_edit(building_id):
    """Rename or reorder a building."""
    building = get_scoped_or_404(Building, building_id)
    site = db.session.get(Site, building.site_id)
    form = BuildingForm(obj=building)
    if form.validate_on_submit():
        if _building_name_taken(site.id, form.name.data, building.id):
            form.name.errors.append(_("This value is already in use."))
        else:
            building.name = form.name.data
            building.sort = form.sort.data or 0
            if commit_or_error(form.name):
                flash(_("Building %(name)s saved.", name=building.name), "success")
                return redirect(url_for("admin.buildings", site=site.id))
    return form_page("admin/building_form.html", form=form, site=site, building=building)


def _unit_code_taken(site_id: str, code: str, except_id: str | None = None) -> bool:
    stmt = scoped(Unit).where(Unit.site_id == site_id, Unit.code == code)
    if except_id:
        stmt = stmt.where(Unit.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


@bp.route("/sites/<site_id>/units/new", methods=["GET", "POST"])
def unit_new(site_id):
    """A new unit in one of the site's buildings."""
    site = get_scoped_or_404(Site, site_id)
    form = UnitForm(building_id=request.args.get("building"))
    form.building_id.choices = lookups.building_choices(site.id)
    if form.validate_on_submit():
        if _unit_code_taken(site.id, form.code.data):
            form.code.errors.append(_("This value is already in use."))
        else:
            unit = Unit(site_id=site.id)
            form.populate_obj(unit)
            unit.resident_name = unit.resident_name or None
            db.session.add(unit)
            if commit_or_error(form.code):
                flash(_("Unit %(code)s created.", code=unit.code), "success")
                return redirect(url_for("admin.buildings", site=site.id, building=unit.building_id))
    return form_page("admin/unit_form.html", form=form, site=site, unit=None)


@bp.route("/units/<unit_id>/edit", methods=["GET", "POST"])
def unit_edit(unit_id):
    """Change a unit's code, building, resident or occupancy."""
    unit = get_scoped_or_404(Unit, unit_id)
    site = db.session.get(Site, unit.site_id)
    form = UnitForm(obj=unit)
    form.building_id.choices = lookups.building_choices(site.id)
    if form.validate_on_submit():
        if _unit_code_taken(site.id, form.code.data, unit.id):
            form.code.errors.append(_("This value is already in use."))
        else:
            form.populate_obj(unit)
            unit.resident_name = unit.resident_name or None
            if commit_or_error(form.code):
                flash(_("Unit %(code)s saved.", code=unit.code), "success")
                return redirect(url_for("admin.buildings", site=site.id, building=unit.building_id))
    return form_page("admin/unit_form.html", form=form, site=site, unit=unit)


@bp.route("/units/import", methods=["GET", "POST"])
def units_import():
    """All or nothing: any bad row lists every problem by line and imports nothing."""
    site = lookups.site_filter()
    form = UnitImportForm(site_id=site.id if site else None)
    form.site_id.choices = lookups.site_choices()
    problems = []
    if form.validate_on_submit():
        site = get_scoped_or_404(Site, form.site_id.data)
        text = services.decode_upload(form.file.data.read())
        if text is None:
            problems = [(None, _("The file is neither UTF-8 nor GBK text. Save it from Excel as CSV."))]
        else:
            plan = services.plan_unit_import(site, text)
            problems = plan.errors
            if not problems:
                try:
                    count = services.apply_unit_import(site, plan)
                    db.session.commit()
                except IntegrityError:
                    db.session.rollback()
                    problems = [(None, _("Someone added units at the same time; nothing was imported. "
                                         "Please try again."))]
                    return form_page("admin/units_import.html", form=form, problems=problems)
                flash(_("%(count)d units imported into %(site)s; %(buildings)d buildings created.",
                        count=count, site=site.name, buildings=len(plan.new_buildings)), "success")
                return redirect(url_for("admin.buildings", site=site.id))
    return form_page("admin/units_import.html", form=form, problems=problems)
