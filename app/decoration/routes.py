"""Decoration permits at the desk: the list, one permit with its visits and inspections,
and the form that issues or changes one. Who may: ``app.office.access.may_use_desk``."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.views import form_page
from app.decoration import bp
from app.decoration import queries
from app.decoration.forms import STATUS_LABELS
from app.decoration.forms import PermitForm
from app.extensions import db
from app.gate import display
from app.models import Site
from app.models.frontdesk import DecorationPermit
from app.navigation import add_nav
from app.office import exports
from app.office import filters
from app.office.access import desk_required
from app.office.access import may_use_desk
from app.office.values import as_lines
from app.office.values import unit_or_error
from app.scoping import get_scoped_or_404

add_nav(45, "decoration.permits", _l("Front desk"), may_use_desk)
FIELDS = ("applicant_name", "applicant_phone", "contractor", "contractor_phone", "workers", "start_date",
          "end_date", "hours_start", "hours_end", "deposit", "deposit_returned", "deposit_returned_on",
          "rules_signed", "rules_signed_on", "status", "closed_on", "note")


@bp.context_processor
def _words():
    return {"display": display, "permit_statuses": STATUS_LABELS}


@bp.route("/permits")
@desk_required
def permits():
    """The permits of the user's sites (or the chosen one), newest first."""
    f = filters.parse(statuses=queries.STATUSES, sorts=queries.SORTS, default_sort="-start", people=False)
    today = filters.local_today(f.tz)
    fmt = exports.requested(f.errors)
    if fmt:
        stmt = queries.permits_query(f, today)
        return exports.download(fmt, _("Decoration permits"), f, export_columns(f, today),
                                exports.streamed(stmt, scalars=True), counted=stmt)
    page = filters.paginate(queries.permits_query(f, today), f)
    return render_template("decoration/permits.html", f=f, page=page, today=today,
                           sites={s.id: s for s in f.sites},
                           statuses=[("today", _("In force today"))] + [(k, str(v)) for k, v in STATUS_LABELS.items()])


def permit_status(p, today) -> str:
    """The status the list shows: in force today, past its last day, or as recorded."""
    if p.status == "active" and p.start_date <= today <= p.end_date:
        return _("In force today")
    if p.status == "active" and today > p.end_date:
        return _("Past its last day")
    return str(STATUS_LABELS.get(p.status, p.status))


def export_columns(f, today) -> list[exports.Column]:
    """The permits list as a file: what the list shows, days as date cells. Like the page,
    no phone number of the applicant or the company."""
    C = exports.Column
    sites = {s.id: s.name for s in f.sites}
    return [
        C(_l("Unit"), lambda p: p.unit_code, width=10),
        C(_l("Site"), lambda p: sites.get(p.site_id, ""), width=12),
        C(_l("Decoration company"), lambda p: p.contractor, width=20),
        C(_l("Applicant"), lambda p: p.applicant_name, width=10),
        C(_l("Number of workers"), lambda p: p.worker_count, "number", 6),
        C(_l("Workers' names"), lambda p: "、".join(p.workers or []), width=24),
        C(_l("First day"), lambda p: p.start_date, "date", 11),
        C(_l("Last day"), lambda p: p.end_date, "date", 11),
        C(_l("Hours"), lambda p: f"{p.hours_start}–{p.hours_end}", width=12),
        C(_l("Rules signed on"), lambda p: p.rules_signed_on if p.rules_signed else _("Not signed"), "date", 11),
        C(_l("Deposit"), lambda p: p.deposit, "number", 9),
        C(_l("Deposit returned on"), lambda p: p.deposit_returned_on if p.deposit_returned else "", "date", 11),
        C(_l("Status"), lambda p: permit_status(p, today), width=10),
    ]


@bp.route("/permits/<permit_id>")
@desk_required
def permit(permit_id):
    """One permit: what was agreed, the workers' visits that named it, the inspections."""
    row = _permit_or_404(permit_id)
    site = db.session.get(Site, row.site_id)
    visits = queries.visits_of(row)
    findings = queries.findings_of(row)
    return render_template("decoration/permit.html", permit=row, site=site, visits=visits, findings=findings,
                           people=queries.names([v.user_id for v in visits] + [f.user_id for f in findings]),
                           today=filters.local_today(site.timezone))


@bp.route("/permits/new", methods=["GET", "POST"])
@desk_required
def permit_new():
    """Issue a permit; the site comes in the body and must be one of the user's."""
    sites = filters.visible_sites()
    chosen = filters.chosen_site(sites, []) or (sites[0] if sites else None)
    form = PermitForm(site_id=chosen.id if chosen else None)
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites]
    if form.validate_on_submit():
        target = get_scoped_or_404(Site, form.site_id.data)
        unit = unit_or_error(form, target.id)
        if unit is not None:
            row = DecorationPermit(site_id=target.id, unit_id=unit.id, created_by=current_user.id)
            _save(row, form, target)
            db.session.add(row)
            db.session.commit()
            flash(_("Decoration permit for %(unit)s issued.", unit=unit.code), "success")
            return redirect(url_for("decoration.permit", permit_id=row.id))
    return form_page("decoration/permit_form.html", form=form, permit=None)


@bp.route("/permits/<permit_id>/edit", methods=["GET", "POST"])
@desk_required
def permit_edit(permit_id):
    """Change a permit (its site stays); finishing or revoking it takes it off the phones."""
    row = _permit_or_404(permit_id)
    site = db.session.get(Site, row.site_id)
    data = {name: getattr(row, name) for name in FIELDS}
    data.update(unit=row.unit_code, workers=as_lines(row.workers))
    form = PermitForm(data=data)
    del form.site_id
    if form.validate_on_submit():
        unit = unit_or_error(form, row.site_id)
        if unit is not None:
            row.unit_id = unit.id
            _save(row, form, site)
            db.session.commit()
            flash(_("Decoration permit saved."), "success")
            return redirect(url_for("decoration.permit", permit_id=row.id))
    return form_page("decoration/permit_form.html", form=form, permit=row, site=site)


def _permit_or_404(permit_id) -> DecorationPermit:
    row = get_scoped_or_404(DecorationPermit, permit_id)
    if row.deleted_at is not None:
        abort(404)
    return row


def _save(row: DecorationPermit, form, site: Site) -> None:
    """The form's values into the permit; a permit finished or revoked with no day given
    was closed today (the site's day)."""
    for name in FIELDS:
        setattr(row, name, getattr(form, name).data)
    row.note = row.note or None
    if not row.deposit_returned:
        row.deposit_returned_on = None
    if not row.rules_signed:
        row.rules_signed_on = None
    if row.status != "active" and row.closed_on is None:
        row.closed_on = filters.local_today(site.timezone)
