"""Conflicts (冲突): what the sync kept for review, and the reviewer's decision on each."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Conflict
from app.models import Site
from app.navigation import add_nav
from app.office import exports
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import within
from app.review import bp
from app.review import conflict_actions
from app.review import labels
from app.review.conflict_rows import describe_all
from app.scoping import get_scoped_or_404

add_nav(75, "review.conflicts", _l("Conflicts"), REVIEW_ROLES)

STATUS_LABELS = (("waiting", _l("Waiting for review")), ("reviewed", _l("Reviewed")))


def export_columns(sites: dict[str, str]) -> list[exports.Column]:
    """The conflicts list as a file: each kept and lost value in words, who sent each, and
    whether it was reviewed."""
    C = exports.Column
    return [
        C(_l("Time"), lambda r: r.conflict.created_at, "datetime", 17),
        C(_l("Site"), lambda r: sites.get(r.conflict.site_id, ""), width=12),
        C(_l("Record"), lambda r: f"{r.kind} {r.record}".strip(), width=24),
        C(_l("Field"), lambda r: r.field, width=12),
        C(_l("Kept"), lambda r: r.kept, width=20),
        C(_l("Lost"), lambda r: r.lost, width=20),
        C(_l("Why"), lambda r: r.reason, width=30),
        C(_l("Lost change by"), lambda r: r.loser.name if r.loser else "", width=12),
        C(_l("Kept change by"), lambda r: r.winner.name if r.winner else "", width=12),
        C(_l("Reviewed at"), lambda r: r.conflict.reviewed_at, "datetime", 17),
        C(_l("Reviewed by"), lambda r: r.reviewer or "", width=12),
    ]


def _zones(sites):
    zones = {s.id: s.timezone for s in sites}
    return lambda site_id: zones.get(site_id, "Asia/Shanghai")


@bp.route("/conflicts")
@review_required
def conflicts():
    f = parse(categories=tuple(labels.ENTITY_TYPES), statuses=("waiting", "reviewed"), sorts=("created",),
              default_sort="-created", people=False)
    stmt = within(select(Conflict).where(Conflict.site_id.in_(f.site_ids)), Conflict.created_at, f)
    if f.category:
        stmt = stmt.where(Conflict.entity_type == f.category)
    if f.status == "waiting":
        stmt = stmt.where(Conflict.reviewed_at.is_(None))
    elif f.status == "reviewed":
        stmt = stmt.where(Conflict.reviewed_at.is_not(None))
    order = Conflict.created_at.desc() if f.descending else Conflict.created_at.asc()
    zone = _zones(f.sites)
    fmt = exports.requested(f.errors)
    if fmt:
        lines = (row for batch in exports.in_batches(exports.streamed(stmt.order_by(order, Conflict.id), scalars=True))
                 for row in describe_all(batch, zone))
        return exports.download(fmt, _("Conflicts"), f, export_columns({s.id: s.name for s in f.sites}), lines,
                                tz=lambda row: zone(row.conflict.site_id), counted=stmt)
    page = paginate(stmt.order_by(order, Conflict.id), f)
    return render_template("review/conflicts.html", f=f, page=page, rows=describe_all(list(page.items), zone),
                           zone=zone, categories=list(labels.ENTITY_TYPES.items()), statuses=STATUS_LABELS,
                           site_names={s.id: s.name for s in f.sites})


def _page(conflict: Conflict, status: int = 200, refusal: str | None = None):
    site = db.session.get(Site, conflict.site_id)
    (row,) = describe_all([conflict], lambda _site_id: site.timezone)
    return render_template("review/conflict.html", row=row, site=site, refusal=refusal), status


@bp.route("/conflicts/<conflict_id>")
@review_required
def conflict(conflict_id):
    return _page(get_scoped_or_404(Conflict, conflict_id))


def _act(conflict_id: str, action, done: str):
    get_scoped_or_404(Conflict, conflict_id)
    row = conflict_actions.lock(conflict_id)
    if row is None:
        abort(404)
    try:
        action(row, current_user)
    except conflict_actions.Refusal as refusal:
        db.session.rollback()
        return _page(get_scoped_or_404(Conflict, conflict_id), refusal.status, refusal.message)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("review.conflict", conflict_id=conflict_id))


@bp.route("/conflicts/<conflict_id>/accept", methods=["POST"])
@review_required
def conflict_accept(conflict_id):
    """The kept value stands."""
    return _act(conflict_id, conflict_actions.accept, _("Accepted: the kept value stands."))


@bp.route("/conflicts/<conflict_id>/restore", methods=["POST"])
@review_required
def conflict_restore(conflict_id):
    """The lost value is put back by a new change, recorded with the reviewer's name."""
    return _act(conflict_id, conflict_actions.restore, _("The lost value was put back."))
