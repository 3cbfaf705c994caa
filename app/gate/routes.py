"""The gate at the desk: visits (who is inside, who stayed too long, who was flagged) and
the gate's lists that phones cache (residents' vehicles, the watch list).

Reviewers (managers, supervisors, admins) of a site read and edit; everything is limited
to their sites through ``app.scoping``. Phone and ID numbers are shown masked; a
supervisor or an admin may reveal one number of one visit with a reason (``reveal.py``).
"""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from app.admin.forms import ActionForm
from app.admin.services import decode_upload
from app.admin.views import form_page
from app.extensions import db
from app.gate import bp
from app.gate import display
from app.gate import imports
from app.gate import lists
from app.gate import queries
from app.gate.forms import ListImportForm
from app.gate.forms import RevealForm
from app.gate.forms import VehicleForm
from app.gate.forms import WatchForm
from app.models import Site
from app.models import Visit
from app.models import utcnow
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from app.navigation import add_nav
from app.office import exports
from app.office import filters
from app.office.access import REVIEW_ROLES
from app.office.access import may_reveal
from app.office.access import review_required
from app.scoping import get_scoped_or_404
from sync.privacy import mask_id_number

add_nav(40, "gate.visits", _l("Visitors"), REVIEW_ROLES)


@bp.context_processor
def _words():
    """Purposes, durations and masked numbers for every gate template."""
    return {"display": display}


# --- visits ------------------------------------------------------------------------------

@bp.route("/visits")
@review_required
def visits():
    """Visits of the chosen days (today unless asked); inside-now and overdue are about now."""
    f = filters.parse(categories=queries.PURPOSES, statuses=queries.STATUSES, sorts=queries.SORTS,
                      default_sort="-in", default_days=1)
    now = utcnow()
    clocks = queries.clocks([s for s in f.sites if s.id in f.site_ids], now)
    fmt = exports.requested(f.errors)
    if fmt:
        zones = {s.id: s.timezone for s in f.sites}
        stmt = queries.visits_query(f, now, clocks)
        rows = visit_lines(exports.streamed(stmt, scalars=True), now)
        return exports.download(fmt, _("Visitors"), f, visit_columns({s.id: s.name for s in f.sites}), rows,
                                tz=lambda line: zones.get(line.visit.site_id, f.tz), counted=stmt)
    page = filters.paginate(queries.visits_query(f, now, clocks), f)
    rows = list(page.items)
    flagged, watched = queries.marks([v.id for v in rows])
    people = queries.names([v.user_id for v in rows] + [v.checked_out_by for v in rows])
    return render_template(
        "gate/visits.html", f=f, page=page, visits=rows, flagged=flagged, watched=watched, people=people,
        clocks=clocks, now=now, counts=queries.counts(f, clocks), sites={s.id: s for s in f.sites},
        categories=[(k, display.purpose(k)) for k in queries.PURPOSES],
        statuses=[(k, str(display.STATUS_LABELS[k])) for k in queries.STATUSES],
        staff=filters.site_people(f.site_ids), timeless=f.status in queries.TIMELESS)


class VisitLine:
    """One visit of an export with what the page shows beside it (marks, names)."""

    def __init__(self, visit, flagged, watched, people, now):
        self.visit, self.flagged, self.watched, self.people, self.now = visit, flagged, watched, people, now


def visit_lines(visits, now):
    """The visits with their marks and people, looked up a batch at a time."""
    for batch in exports.in_batches(visits):
        flagged, watched = queries.marks([v.id for v in batch])
        people = queries.names([v.user_id for v in batch] + [v.checked_out_by for v in batch])
        for v in batch:
            yield VisitLine(v, v.id in flagged, v.id in watched, people, now)


def visit_columns(sites: dict[str, str]) -> list[exports.Column]:
    """The visit list as a file. Phone and ID numbers masked exactly as the page masks them."""
    C = exports.Column

    def stay(line):
        end = line.visit.checked_out_at or line.now
        return max(0, round((end - line.visit.checked_in_at).total_seconds() / 60))

    def yes(flag):
        return _("Yes") if flag else ""

    return [
        C(_l("In"), lambda x: x.visit.checked_in_at, "datetime", 17),
        C(_l("Out"), lambda x: x.visit.checked_out_at, "datetime", 17),
        C(_l("Length of stay (minutes)"), stay, "number", 10),
        C(_l("Site"), lambda x: sites.get(x.visit.site_id, ""), width=12),
        C(_l("Visitor"), lambda x: x.visit.visitor_name, width=12),
        C(_l("Purpose"), lambda x: display.purpose(x.visit.purpose), width=10),
        C(_l("Party"), lambda x: x.visit.party_size, "number", 6),
        C(_l("Unit"), lambda x: x.visit.unit or "", width=12),
        C(_l("Host"), lambda x: x.visit.host_name or "", width=10),
        C(_l("Plate"), lambda x: x.visit.plate or "", width=11),
        C(_l("Phone"), lambda x: display.masked_phone(x.visit.phone), width=14),
        C(_l("ID number"), lambda x: mask_id_number(x.visit.id_number) if x.visit.id_number else "", width=20),
        C(_l("Flagged"), lambda x: yes(x.flagged), width=8),
        C(_l("Watch list"), lambda x: yes(x.watched), width=8),
        C(_l("Checked in by"), lambda x: x.people.get(x.visit.user_id, ""), width=10),
        C(_l("Checked out by"), lambda x: x.people.get(x.visit.checked_out_by, ""), width=10),
    ]


@bp.route("/visits/<visit_id>")
@review_required
def visit(visit_id):
    """Everything known of one visit: the phone's times and the corrected ones, who let the
    visitor in and out, incidents with their photos and follow-ups, watch-list matches."""
    return visit_page(visit_of_or_404(visit_id))


def visit_of_or_404(visit_id) -> Visit:
    row = get_scoped_or_404(Visit, visit_id)
    if row.deleted_at is not None:
        abort(404)
    return row


def visit_page(row: Visit, **extra) -> str:
    """The visit's page; ``extra`` goes to the template (the reveal form, a revealed number)."""
    site = db.session.get(Site, row.site_id)
    clock = queries.GateClock.of(site, utcnow())
    journal = queries.journal_of(row.mutation_id, row.checked_out_mutation_id)
    if may_reveal(current_user):
        extra.setdefault("reveal_form", RevealForm(formdata=None))
    return render_template(
        "gate/visit.html", visit=row, site=site, clock=clock,
        incidents=queries.incidents_of(row), watch=queries.watch_entries_of(row),
        people=queries.names([row.user_id, row.checked_out_by]),
        check_in=journal.get(row.mutation_id), check_out=journal.get(row.checked_out_mutation_id), **extra)


# --- lists -------------------------------------------------------------------------------

def _list_site() -> tuple[Site | None, list[Site], list[str]]:
    """The site of ``?site=`` if it is one of the user's, else the one last chosen, else the
    first: the lists are always of one site."""
    errors: list[str] = []
    sites = filters.visible_sites()
    site = filters.chosen_site(sites, errors) or (sites[0] if sites else None)
    return site, sites, errors


@bp.route("/lists")
@review_required
def lists_page():
    site, sites, errors = _list_site()
    status = request.args.get("status", "active")
    if status not in lists.VEHICLE_STATUSES:
        errors.append(_("Unknown status; the filter was left out."))
        status = "active"
    q = (request.args.get("q") or "").strip()[:filters.MAX_QUERY]
    page = vehicle_counts = watch = None
    fmt = exports.requested(errors)
    if fmt and site is not None:
        stmt = lists.vehicles_query(site.id, q, status).order_by(None)
        rows = exports.streamed(lists.vehicles_query(site.id, q, status), scalars=True)
        return exports.respond(fmt, f"{_('Residents’ vehicles')}_{site.name}", vehicle_columns(), rows,
                               tz=site.timezone, title=_("Residents’ vehicles"),
                               total=exports.count(stmt) if fmt == "csv" else None)
    if site is not None:
        page = filters.paginate(lists.vehicles_query(site.id, q, status),
                                filters.ListFilters(sites=sites, site=site, site_ids=[site.id], tz=site.timezone,
                                                    page=max(1, request.args.get("page", 1, type=int) or 1)))
        vehicle_counts = lists.vehicle_counts(site.id)
        watch = lists.watch_entries(site.id)
    return render_template("gate/lists.html", site=site, sites=sites, errors=errors, status=status, q=q,
                           page=page, vehicle_counts=vehicle_counts, watch=watch, action=ActionForm())


def vehicle_columns() -> list[exports.Column]:
    """The residents' vehicles register as a file, as the list shows it. The watch list is
    never a file: its numbers stay on the phones and this page."""
    C = exports.Column
    return [
        C(_l("Plate"), lambda v: v.plate, width=12),
        C(_l("Unit"), lambda v: v.unit.code if v.unit else "", width=10),
        C(_l("Owner’s name"), lambda v: v.owner_name or "", width=12),
        C(_l("Status"), lambda v: _("Active") if v.active else _("Deactivated"), width=8),
    ]


def _site_choices(sites):
    return [SelectChoice(s.id, s.name) for s in sites]


def _back_to_lists(site_id: str, anchor: str):
    return redirect(url_for("gate.lists_page", site=site_id) + anchor)


@bp.route("/vehicles/new", methods=["GET", "POST"])
@review_required
def vehicle_new():
    """A resident's vehicle; the site comes in the body and must be one of the user's."""
    site, sites, _errors = _list_site()
    form = VehicleForm(site_id=site.id if site else None)
    form.site_id.choices = _site_choices(sites)
    if form.validate_on_submit():
        target = get_scoped_or_404(Site, form.site_id.data)
        unit = lists.vehicle_problems(form, target.id, None)
        if unit is not None:
            vehicle = ResidentVehicle(site_id=target.id, active=True)
            lists.save_vehicle(vehicle, form, unit)
            db.session.add(vehicle)
            if _committed(form.plate):
                flash(_("Vehicle %(plate)s added.", plate=vehicle.plate), "success")
                return _back_to_lists(target.id, "#vehicles")
    return form_page("gate/vehicle_form.html", form=form, vehicle=None)


@bp.route("/vehicles/<vehicle_id>", methods=["GET", "POST"])
@review_required
def vehicle(vehicle_id):
    """Edit a vehicle (its site stays)."""
    row = get_scoped_or_404(ResidentVehicle, vehicle_id)
    # Not obj=row: its ``unit`` is the Unit row, and the form wants the unit's code.
    form = VehicleForm(data={"plate": row.plate, "unit": row.unit.code if row.unit else "",
                             "owner_name": row.owner_name})
    del form.site_id
    if form.validate_on_submit():
        unit = lists.vehicle_problems(form, row.site_id, row)
        if unit is not None:
            lists.save_vehicle(row, form, unit)
            if _committed(form.plate):
                flash(_("Vehicle %(plate)s saved.", plate=row.plate), "success")
                return _back_to_lists(row.site_id, "#vehicles")
    return form_page("gate/vehicle_form.html", form=form, vehicle=row, site=db.session.get(Site, row.site_id))


@bp.route("/vehicles/<vehicle_id>/deactivate", methods=["POST"])
@review_required
def vehicle_deactivate(vehicle_id):
    """Off the list; phones drop it at their next sync."""
    return _set_active(ResidentVehicle, vehicle_id, False)


@bp.route("/vehicles/<vehicle_id>/activate", methods=["POST"])
@review_required
def vehicle_activate(vehicle_id):
    return _set_active(ResidentVehicle, vehicle_id, True)


@bp.route("/watch/new", methods=["GET", "POST"])
@review_required
def watch_new():
    site, sites, _errors = _list_site()
    form = WatchForm(site_id=site.id if site else None)
    form.site_id.choices = _site_choices(sites)
    if form.validate_on_submit():
        target = get_scoped_or_404(Site, form.site_id.data)
        entry = WatchEntry(site_id=target.id, active=True)
        lists.save_watch(entry, form)
        db.session.add(entry)
        db.session.commit()
        flash(_("Added to the watch list: %(name)s.", name=entry.name or entry.plate or "—"), "success")
        return _back_to_lists(target.id, "#watch")
    _forget_numbers(form)
    return form_page("gate/watch_form.html", form=form, entry=None)


def _forget_numbers(form) -> None:
    """A form shown again never carries a phone or ID number back: they are typed anew."""
    form.phone.data = form.id_number.data = ""


@bp.route("/watch/<watch_id>", methods=["GET", "POST"])
@review_required
def watch(watch_id):
    """Edit a watch entry. Its phone and ID number are never sent back to the browser."""
    row = get_scoped_or_404(WatchEntry, watch_id)
    form = WatchForm(entry=row, data={"name": row.name, "plate": row.plate, "reason": row.reason})
    del form.site_id
    if form.validate_on_submit():
        lists.save_watch(row, form)
        db.session.commit()
        flash(_("Watch-list entry saved."), "success")
        return _back_to_lists(row.site_id, "#watch")
    _forget_numbers(form)
    return form_page("gate/watch_form.html", form=form, entry=row, site=db.session.get(Site, row.site_id))


@bp.route("/watch/<watch_id>/deactivate", methods=["POST"])
@review_required
def watch_deactivate(watch_id):
    return _set_active(WatchEntry, watch_id, False)


@bp.route("/watch/<watch_id>/activate", methods=["POST"])
@review_required
def watch_activate(watch_id):
    return _set_active(WatchEntry, watch_id, True)


def _set_active(model, ident: str, active: bool):
    row = get_scoped_or_404(model, ident)
    anchor = "#vehicles" if model is ResidentVehicle else "#watch"
    row.active = active
    db.session.commit()
    flash(_("Back in use.") if active else _("Deactivated; phones drop it at their next sync."), "success")
    return _back_to_lists(row.site_id, anchor)


def _committed(field) -> bool:
    """Commit; a plate saved by someone else a moment ago trips the unique key instead."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        field.errors = list(field.errors) + [_("This value is already in use.")]
        return False


@bp.route("/lists/import", methods=["GET", "POST"])
@review_required
def lists_import():
    """All or nothing: any bad line lists every problem by line and writes nothing."""
    site, sites, _errors = _list_site()
    kind = request.args.get("kind") if request.args.get("kind") in imports.LAYOUTS else "vehicles"
    form = ListImportForm(site_id=site.id if site else None, kind=kind)
    form.site_id.choices = _site_choices(sites)
    problems = []
    if form.validate_on_submit():
        target = get_scoped_or_404(Site, form.site_id.data)
        text = decode_upload(form.file.data.read())
        if text is None:
            problems = [(None, _("The file is neither UTF-8 nor GBK text. Save it from Excel as CSV."))]
        else:
            plan = imports.plan_import(target, form.kind.data, text)
            problems = plan.errors
            if not problems:
                try:
                    count = imports.apply_import(target, plan)
                    db.session.commit()
                except IntegrityError:
                    db.session.rollback()
                    problems = [(None, _("Someone changed the list at the same time; nothing was imported. "
                                         "Please try again."))]
                    return form_page("gate/import.html", form=form, problems=problems, layouts=imports.LAYOUTS)
                flash(_("%(count)d rows imported into %(site)s.", count=count, site=target.name), "success")
                return _back_to_lists(target.id, "#vehicles" if form.kind.data == "vehicles" else "#watch")
    return form_page("gate/import.html", form=form, problems=problems, layouts=imports.LAYOUTS)
